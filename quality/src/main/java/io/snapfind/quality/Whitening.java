package io.snapfind.quality;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

import io.snapfind.embedder.model.ProjectionHead;

/**
 * PCA whitening learned on catalog vectors alone, as a one-layer {@link ProjectionHead}: the embedder applies it to
 * its L2-normalised backbone vector as {@code y = W x + b} and L2-normalises {@code y}, on the catalog side (the
 * indexer's vectors) and on the query side alike. {@code W} holds the principal directions (rows), each scaled by
 * {@code (eigenvalue + shrinkage × mean eigenvalue)^-power}; {@code b = -W mean} centres; the first {@code drop}
 * components are left out and at most {@code dims} are kept.
 */
final class Whitening {

    /**
     * @param power     0.5 = full whitening, 0.25 = half-way, 0 = plain PCA rotation
     * @param drop      leading principal components left out
     * @param dims      components kept after the dropped ones (at most the input dimension)
     * @param shrinkage added to each eigenvalue, as a fraction of the mean eigenvalue (regularises the tail)
     */
    record Settings(double power, int drop, int dims, double shrinkage) {
        Settings {
            if (power < 0 || power > 1) {
                throw new IllegalArgumentException("--power must be in 0..1, got " + power);
            }
            if (drop < 0 || dims < 1 || shrinkage < 0) {
                throw new IllegalArgumentException("--drop ≥ 0, --dims ≥ 1 and --shrinkage ≥ 0 needed");
            }
        }
    }

    /** The fitted head and its eigenvalues (descending), for the report. */
    record Fit(ProjectionHead head, double[] eigenvalues, int vectors) {
    }

    private Whitening() {
    }

    /** The catalog's mean and principal components, from which heads of any settings are made. */
    record Decomposition(double[] mean, double[] eigenvalues, double[][] eigenvectors, int vectors) {
    }

    static Fit fit(List<float[]> vectors, Settings settings) {
        return head(decompose(vectors), settings);
    }

    static Decomposition decompose(List<float[]> vectors) {
        int n = vectors.size();
        int d = vectors.get(0).length;
        if (n < 2) {
            throw new IllegalArgumentException("whitening needs at least 2 vectors");
        }
        double[] mean = new double[d];
        for (float[] v : vectors) {
            for (int i = 0; i < d; i++) {
                mean[i] += v[i];
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] /= n;
        }
        double[][] cov = new double[d][d];
        double[] centred = new double[d];
        for (float[] v : vectors) {
            for (int i = 0; i < d; i++) {
                centred[i] = v[i] - mean[i];
            }
            for (int i = 0; i < d; i++) {
                double ci = centred[i];
                if (ci == 0) {
                    continue;
                }
                double[] row = cov[i];
                for (int j = i; j < d; j++) {
                    row[j] += ci * centred[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                cov[i][j] /= (n - 1);
                cov[j][i] = cov[i][j];
            }
        }
        double[] eigenvalues = new double[d];
        double[][] eigenvectors = symmetricEigen(cov, eigenvalues); // ascending; columns are vectors
        return new Decomposition(mean, eigenvalues, eigenvectors, n);
    }

    /** The head of {@code settings} from a decomposition. */
    static Fit head(Decomposition decomposition, Settings settings) {
        double[] mean = decomposition.mean();
        double[] eigenvalues = decomposition.eigenvalues();
        double[][] eigenvectors = decomposition.eigenvectors();
        int n = decomposition.vectors();
        int d = mean.length;
        double meanEigen = 0;
        for (double e : eigenvalues) {
            meanEigen += Math.max(0, e);
        }
        meanEigen /= d;
        int keep = Math.min(settings.dims(), d - settings.drop());
        if (keep < 1) {
            throw new IllegalArgumentException("--drop " + settings.drop() + " leaves no component of " + d);
        }
        float[] weights = new float[keep * d];
        float[] bias = new float[keep];
        double[] descending = new double[d];
        for (int r = 0; r < d; r++) {
            descending[r] = eigenvalues[d - 1 - r];
        }
        for (int r = 0; r < keep; r++) {
            int column = d - 1 - (settings.drop() + r);
            double lambda = Math.max(0, eigenvalues[column]) + settings.shrinkage() * meanEigen;
            double scale = lambda <= 0 ? 0 : Math.pow(lambda, -settings.power());
            double b = 0;
            for (int i = 0; i < d; i++) {
                double w = eigenvectors[i][column] * scale;
                weights[r * d + i] = (float) w;
                b -= w * mean[i];
            }
            bias[r] = (float) b;
        }
        return new Fit(ProjectionHead.of(List.of(new ProjectionHead.Layer(d, keep, weights, bias))), descending, n);
    }

    /** All the vectors of a catalog index (every crop of every product). */
    static List<float[]> vectors(CatalogIndex catalog) {
        List<float[]> all = new ArrayList<>(catalog.size());
        for (int v = 0; v < catalog.size(); v++) {
            all.add(catalog.vector(v));
        }
        return all;
    }

    /**
     * Eigen decomposition of a symmetric matrix with Commons Math's {@code EigenDecomposition}: fills {@code values}
     * ascending and returns the eigenvectors as columns, in the same order.
     */
    static double[][] symmetricEigen(double[][] a, double[] values) {
        int n = a.length;
        EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(a, false));
        double[] found = eigen.getRealEigenvalues();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> found[i]));
        double[][] vectors = new double[n][n];
        for (int column = 0; column < n; column++) {
            values[column] = found[order[column]];
            double[] vector = eigen.getEigenvector(order[column]).toArray();
            for (int row = 0; row < n; row++) {
                vectors[row][column] = vector[row];
            }
        }
        return vectors;
    }
}
