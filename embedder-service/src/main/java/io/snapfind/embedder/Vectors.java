package io.snapfind.embedder;

/** Vector arithmetic on embeddings, in double precision so results do not depend on summation order luck. */
public final class Vectors {

    private Vectors() {
    }

    /** Scales {@code vector} in place to unit L2 norm; returns false, leaving it untouched, if it is all zeros. */
    public static boolean normalize(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        if (sum == 0 || !Double.isFinite(sum)) {
            return false;
        }
        double inverse = 1 / Math.sqrt(sum);
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) (vector[i] * inverse);
        }
        return true;
    }

    /** Cosine similarity of two L2-normalised vectors: their inner product. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimensions differ: " + a.length + " vs " + b.length);
        }
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot;
    }

    public static double norm(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }
}
