package io.snapfind.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

    @Test
    void precisionHitAndAveragePrecision() {
        List<String> ranked = List.of("chair", "bed", "chair", "chair", "clock");
        assertEquals(0.6, RetrievalMetrics.precisionAtK(ranked, "chair", 5), 1e-9);
        assertEquals(0.2, RetrievalMetrics.precisionAtK(List.of("chair"), "chair", 5), 1e-9, "a short list counts missing as wrong");
        assertEquals(1.0, RetrievalMetrics.hitAtK(ranked, "bed", 2));
        assertEquals(0.0, RetrievalMetrics.hitAtK(ranked, "clock", 4));
        assertEquals((1 + 2 / 3.0 + 3 / 4.0) / 3, RetrievalMetrics.averagePrecisionAtK(ranked, "chair", 5), 1e-9);
        assertEquals(0.0, RetrievalMetrics.averagePrecisionAtK(ranked, "couch", 5));
    }

    @Test
    void holdOutIsSeededPerClassAndDropsSmallClasses() {
        List<LabelledImage> images = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            images.add(new LabelledImage(Path.of("chair", i + ".jpg"), "chair"));
        }
        for (int i = 0; i < 3; i++) {
            images.add(new LabelledImage(Path.of("clock", i + ".jpg"), "clock"));
        }
        LabelledSets.Split first = LabelledSets.holdOut(images, 0.25, 5, 7);
        assertEquals(first, LabelledSets.holdOut(images, 0.25, 5, 7), "same seed, same split");
        assertNotEquals(first, LabelledSets.holdOut(images, 0.25, 5, 8));
        assertEquals(5, first.queries().size());
        assertEquals(15, first.gallery().size());
        assertTrue(first.queries().stream().allMatch(q -> q.label().equals("chair")), "clock has fewer than 5 images");
        HashSet<LabelledImage> overlap = new HashSet<>(first.gallery());
        overlap.retainAll(first.queries());
        assertTrue(overlap.isEmpty());
    }
}
