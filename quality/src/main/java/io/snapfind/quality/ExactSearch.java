package io.snapfind.quality;

import java.util.Arrays;
import java.util.List;

/**
 * Brute-force k-nearest-neighbour search in memory: every gallery vector is compared with every query vector, so
 * the ranking is exact. It is the upper bound of what an approximate index (the indexer's Milvus HNSW collection)
 * can return for the same vectors: HNSW may miss a true neighbour, never find a closer one.
 */
final class ExactSearch {

    private ExactSearch() {
    }

    /**
     * Gallery items, best first: an item's score is its best similarity between any of the query's vectors and any
     * of its own. Equal scores keep gallery order.
     */
    static int[] rank(float[][] query, List<float[][]> gallery, Metric metric) {
        float[] scores = new float[gallery.size()];
        for (int item = 0; item < gallery.size(); item++) {
            float best = Float.NEGATIVE_INFINITY;
            for (float[] q : query) {
                for (float[] g : gallery.get(item)) {
                    best = Math.max(best, metric.similarity(q, g));
                }
            }
            scores[item] = best;
        }
        Integer[] order = new Integer[gallery.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }
}
