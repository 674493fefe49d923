package io.snapfind.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.snapfind.evaluation.RetrievalMetrics;

/**
 * Aggregates per-query outcomes into the reported figures. Every figure is a mean over queries (each query weighs
 * the same), per class a mean over that class's queries:
 * <ul>
 * <li>top-1 / top-5 accuracy: share of queries with the right label among the first 1 / 5 results;</li>
 * <li>P@5: share of the first 5 results with the right label (at most 1/5 of the gallery's images of a class can
 * count when a class has fewer than 5);</li>
 * <li>mAP@10: mean over queries of the average precision over the first 10 results (normalised by the right results
 * found there; 0 when none);</li>
 * <li>latency p50/p95: the 50th/95th percentile (nearest rank) of the per-query milliseconds.</li>
 * </ul>
 */
final class RetrievalSummary {

    private RetrievalSummary() {
    }

    /** One query's truth, its ranked result labels (best first) and how long it took. */
    record QueryRecord(String truth, List<String> rankedLabels, double latencyMillis) {
    }

    /** Figures of one class's queries. */
    record ClassFigures(int queries, double top1, double top5, double precisionAt5, double mapAt10) {
    }

    /** Figures of all queries. */
    record Figures(int queries, double top1, double top5, double precisionAt5, double mapAt10, double latencyP50,
            double latencyP95, Map<String, ClassFigures> perClass) {
    }

    static Figures summarise(List<QueryRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no queries to summarise");
        }
        Map<String, List<QueryRecord>> byClass = new TreeMap<>();
        for (QueryRecord record : records) {
            byClass.computeIfAbsent(record.truth(), label -> new ArrayList<>()).add(record);
        }
        Map<String, ClassFigures> perClass = new LinkedHashMap<>();
        byClass.forEach((label, members) -> perClass.put(label, classFigures(members)));
        ClassFigures all = classFigures(records);
        double[] latencies = records.stream().mapToDouble(QueryRecord::latencyMillis).toArray();
        return new Figures(records.size(), all.top1(), all.top5(), all.precisionAt5(), all.mapAt10(),
                percentile(latencies, 50), percentile(latencies, 95), perClass);
    }

    private static ClassFigures classFigures(List<QueryRecord> records) {
        double top1 = 0;
        double top5 = 0;
        double precision = 0;
        double averagePrecision = 0;
        for (QueryRecord record : records) {
            top1 += RetrievalMetrics.hitAtK(record.rankedLabels(), record.truth(), 1);
            top5 += RetrievalMetrics.hitAtK(record.rankedLabels(), record.truth(), 5);
            precision += RetrievalMetrics.precisionAtK(record.rankedLabels(), record.truth(), 5);
            averagePrecision += RetrievalMetrics.averagePrecisionAtK(record.rankedLabels(), record.truth(), 10);
        }
        int n = records.size();
        return new ClassFigures(n, top1 / n, top5 / n, precision / n, averagePrecision / n);
    }

    /** The nearest-rank percentile: the smallest value with at least {@code p} % of the values at or below it. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
