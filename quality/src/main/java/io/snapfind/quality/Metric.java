package io.snapfind.quality;

import java.util.Locale;

/** How closeness of two vectors is measured. */
enum Metric {
    /**
     * Cosine similarity on the service's L2-normalised vectors (a dot product), what the indexer's Milvus collection
     * uses.
     */
    COSINE,
    /**
     * Euclidean distance on the model's raw, un-normalised output. On unit vectors it would rank exactly like cosine
     * (‖a − b‖² = 2 − 2 cos), so it is only computed where the vectors' lengths still differ.
     */
    EUCLIDEAN;

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Metric parse(String value) {
        for (Metric metric : values()) {
            if (metric.id().equalsIgnoreCase(value.trim()) || (metric == EUCLIDEAN && "l2".equalsIgnoreCase(value.trim()))) {
                return metric;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + value + "': use cosine or euclidean");
    }

    /** Higher is closer: cosine of unit vectors, or minus the squared Euclidean distance. */
    float similarity(float[] a, float[] b) {
        if (this == COSINE) {
            float dot = 0;
            for (int i = 0; i < a.length; i++) {
                dot += a[i] * b[i];
            }
            return dot;
        }
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            float d = a[i] - b[i];
            sum += d * d;
        }
        return -sum;
    }
}
