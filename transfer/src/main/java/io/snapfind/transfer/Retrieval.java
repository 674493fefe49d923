package io.snapfind.transfer;

import java.util.ArrayList;
import java.util.List;

import io.snapfind.embedder.model.ProjectionHead;

/** Exact cosine k-nearest-neighbour search over unit vectors, and the head applied to sets of vectors. */
public final class Retrieval {

    private Retrieval() {
    }

    /** The labels of the {@code k} gallery vectors most similar to each query, best first (ties: gallery order). */
    public static List<List<String>> rankedLabels(float[][] queries, float[][] gallery, List<String> galleryLabels,
            int k) {
        List<List<String>> ranked = new ArrayList<>(queries.length);
        for (float[] query : queries) {
            int[] best = new int[Math.min(k, gallery.length)];
            double[] scores = new double[best.length];
            int filled = 0;
            for (int g = 0; g < gallery.length; g++) {
                double score = dot(query, gallery[g]);
                if (filled < best.length || score > scores[filled - 1]) {
                    int at = Math.min(filled, best.length - 1);
                    while (at > 0 && scores[at - 1] < score) {
                        scores[at] = scores[at - 1];
                        best[at] = best[at - 1];
                        at--;
                    }
                    scores[at] = score;
                    best[at] = g;
                    filled = Math.min(filled + 1, best.length);
                }
            }
            List<String> labels = new ArrayList<>(filled);
            for (int i = 0; i < filled; i++) {
                labels.add(galleryLabels.get(best[i]));
            }
            ranked.add(labels);
        }
        return ranked;
    }

    /** Every vector through {@code head}, or the vectors themselves when it is {@code null}. */
    public static float[][] project(float[][] vectors, ProjectionHead head) {
        if (head == null) {
            return vectors;
        }
        float[][] projected = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            projected[i] = head.apply(vectors[i]);
        }
        return projected;
    }

    /** Row by row, the L2-normalised sum of {@code a} and {@code b}: the mean direction of two unit vectors. */
    public static float[][] average(float[][] a, float[][] b) {
        float[][] mean = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            float[] sum = new float[a[i].length];
            double norm = 0;
            for (int j = 0; j < sum.length; j++) {
                sum[j] = a[i][j] + b[i][j];
                norm += (double) sum[j] * sum[j];
            }
            float scale = (float) (1 / Math.sqrt(Math.max(norm, 1e-24)));
            for (int j = 0; j < sum.length; j++) {
                sum[j] *= scale;
            }
            mean[i] = sum;
        }
        return mean;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
