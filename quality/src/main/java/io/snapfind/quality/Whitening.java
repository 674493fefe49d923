package io.snapfind.quality;

import java.util.ArrayList;
import java.util.List;

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
     * Eigen decomposition of a symmetric matrix (Householder tridiagonalisation then the implicit QL algorithm, as
     * in JAMA's {@code EigenvalueDecomposition}, public domain): fills {@code values} ascending and returns the
     * eigenvectors as columns. {@code a} is overwritten.
     */
    static double[][] symmetricEigen(double[][] a, double[] values) {
        int n = a.length;
        double[][] v = a;
        double[] d = values;
        double[] e = new double[n];
        // tred2
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
        }
        for (int i = n - 1; i > 0; i--) {
            double scale = 0.0;
            double h = 0.0;
            for (int k = 0; k < i; k++) {
                scale = scale + Math.abs(d[k]);
            }
            if (scale == 0.0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[i - 1][j];
                    v[i][j] = 0.0;
                    v[j][i] = 0.0;
                }
            } else {
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.sqrt(h);
                if (f > 0) {
                    g = -g;
                }
                e[i] = scale * g;
                h = h - f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) {
                    e[j] = 0.0;
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[j][i] = f;
                    g = e[j] + v[j][j] * f;
                    for (int k = j + 1; k <= i - 1; k++) {
                        g += v[k][j] * d[k];
                        e[k] += v[k][j] * f;
                    }
                    e[j] = g;
                }
                f = 0.0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) {
                    e[j] -= hh * d[j];
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++) {
                        v[k][j] -= (f * e[k] + g * d[k]);
                    }
                    d[j] = v[i - 1][j];
                    v[i][j] = 0.0;
                }
            }
            d[i] = h;
        }
        for (int i = 0; i < n - 1; i++) {
            v[n - 1][i] = v[i][i];
            v[i][i] = 1.0;
            double h = d[i + 1];
            if (h != 0.0) {
                for (int k = 0; k <= i; k++) {
                    d[k] = v[k][i + 1] / h;
                }
                for (int j = 0; j <= i; j++) {
                    double g = 0.0;
                    for (int k = 0; k <= i; k++) {
                        g += v[k][i + 1] * v[k][j];
                    }
                    for (int k = 0; k <= i; k++) {
                        v[k][j] -= g * d[k];
                    }
                }
            }
            for (int k = 0; k <= i; k++) {
                v[k][i + 1] = 0.0;
            }
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
            v[n - 1][j] = 0.0;
        }
        v[n - 1][n - 1] = 1.0;
        e[0] = 0.0;
        // tql2
        for (int i = 1; i < n; i++) {
            e[i - 1] = e[i];
        }
        e[n - 1] = 0.0;
        double f = 0.0;
        double tst1 = 0.0;
        double eps = Math.pow(2.0, -52.0);
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n) {
                if (Math.abs(e[m]) <= eps * tst1) {
                    break;
                }
                m++;
            }
            if (m > l) {
                do {
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = Math.hypot(p, 1.0);
                    if (p < 0) {
                        r = -r;
                    }
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) {
                        d[i] -= h;
                    }
                    f = f + h;
                    p = d[m];
                    double c = 1.0;
                    double c2 = c;
                    double c3 = c;
                    double el1 = e[l + 1];
                    double s = 0.0;
                    double s2 = 0.0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Math.hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        for (int k = 0; k < n; k++) {
                            h = v[k][i + 1];
                            v[k][i + 1] = s * v[k][i] + c * h;
                            v[k][i] = c * v[k][i] - s * h;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] = d[l] + f;
            e[l] = 0.0;
        }
        // sort ascending
        for (int i = 0; i < n - 1; i++) {
            int k = i;
            double p = d[i];
            for (int j = i + 1; j < n; j++) {
                if (d[j] < p) {
                    k = j;
                    p = d[j];
                }
            }
            if (k != i) {
                d[k] = d[i];
                d[i] = p;
                for (int j = 0; j < n; j++) {
                    p = v[j][i];
                    v[j][i] = v[j][k];
                    v[j][k] = p;
                }
            }
        }
        return v;
    }
}
