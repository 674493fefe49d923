package io.snapfind.evaluation;

import java.util.List;

/** Retrieval figures for one query, from the labels of its ranked results (best first). */
public final class RetrievalMetrics {

    private RetrievalMetrics() {
    }

    /** Share of the first k results whose label is the query's; results missing from a short list count as wrong. */
    public static double precisionAtK(List<String> rankedLabels, String truth, int k) {
        long relevant = rankedLabels.stream().limit(k).filter(truth::equals).count();
        return (double) relevant / k;
    }

    /** 1 when any of the first k results has the query's label, else 0. */
    public static double hitAtK(List<String> rankedLabels, String truth, int k) {
        return rankedLabels.stream().limit(k).anyMatch(truth::equals) ? 1 : 0;
    }

    /** Average precision over the first k results, normalised by the relevant results found in them. */
    public static double averagePrecisionAtK(List<String> rankedLabels, String truth, int k) {
        double sum = 0;
        int relevant = 0;
        for (int i = 0; i < Math.min(k, rankedLabels.size()); i++) {
            if (truth.equals(rankedLabels.get(i))) {
                relevant++;
                sum += (double) relevant / (i + 1);
            }
        }
        return relevant == 0 ? 0 : sum / relevant;
    }
}
