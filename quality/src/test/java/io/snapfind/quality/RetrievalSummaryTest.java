package io.snapfind.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class RetrievalSummaryTest {

    private static RetrievalSummary.QueryRecord query(String truth, double millis, String... ranked) {
        return new RetrievalSummary.QueryRecord(truth, List.of(ranked), millis);
    }

    @Test
    void figuresAreMeansOverQueriesAndPerClass() {
        List<RetrievalSummary.QueryRecord> records = List.of(
                // chair: right at rank 1 and 3 → top-1 1, top-5 1, P@5 2/5, AP@10 (1 + 2/3) / 2
                query("chair", 10, "chair", "bed", "chair", "clock", "bed"),
                // chair: right only at rank 6 → top-5 0, P@5 0, AP@10 1/6
                query("chair", 30, "bed", "bed", "bed", "bed", "bed", "chair"),
                // bed: right at rank 2 → top-1 0, top-5 1, P@5 1/5, AP@10 1/2
                query("bed", 20, "chair", "bed", "clock", "clock", "clock"));
        RetrievalSummary.Figures figures = RetrievalSummary.summarise(records);
        assertEquals(3, figures.queries());
        assertEquals(1 / 3.0, figures.top1(), 1e-12);
        assertEquals(2 / 3.0, figures.top5(), 1e-12);
        assertEquals((0.4 + 0 + 0.2) / 3, figures.precisionAt5(), 1e-12);
        assertEquals(((1 + 2 / 3.0) / 2 + 1 / 6.0 + 0.5) / 3, figures.mapAt10(), 1e-12);
        assertEquals(20, figures.latencyP50(), 1e-12);
        assertEquals(30, figures.latencyP95(), 1e-12);

        assertEquals(List.of("bed", "chair"), List.copyOf(figures.perClass().keySet()));
        RetrievalSummary.ClassFigures chair = figures.perClass().get("chair");
        assertEquals(2, chair.queries());
        assertEquals(0.5, chair.top1(), 1e-12);
        assertEquals(0.5, chair.top5(), 1e-12);
        assertEquals(0.2, chair.precisionAt5(), 1e-12);
        RetrievalSummary.ClassFigures bed = figures.perClass().get("bed");
        assertEquals(0, bed.top1(), 1e-12);
        assertEquals(1, bed.top5(), 1e-12);
    }

    @Test
    void percentileIsTheNearestRank() {
        double[] values = { 5, 1, 4, 2, 3, 10, 9, 8, 7, 6 };
        assertEquals(5, RetrievalSummary.percentile(values, 50));
        assertEquals(10, RetrievalSummary.percentile(values, 95));
        assertEquals(1, RetrievalSummary.percentile(values, 1));
        assertEquals(10, RetrievalSummary.percentile(values, 100));
        assertEquals(7, RetrievalSummary.percentile(new double[] { 7 }, 95));
        assertThrows(IllegalArgumentException.class, () -> RetrievalSummary.percentile(new double[0], 50));
        assertThrows(IllegalArgumentException.class, () -> RetrievalSummary.percentile(values, 0));
    }

    @Test
    void refusesNoQueries() {
        assertThrows(IllegalArgumentException.class, () -> RetrievalSummary.summarise(List.of()));
    }
}
