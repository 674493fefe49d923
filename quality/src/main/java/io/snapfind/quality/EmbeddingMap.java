package io.snapfind.quality;

import java.util.List;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/** A 2-D principal component projection of vectors (commons-math3 SVD of the centred data). */
final class EmbeddingMap {

    private EmbeddingMap() {
    }

    /** Each vector's coordinates on the first two principal components. */
    static double[][] project(List<float[]> vectors) {
        int n = vectors.size();
        int d = vectors.get(0).length;
        double[] mean = new double[d];
        for (float[] v : vectors) {
            for (int j = 0; j < d; j++) {
                mean[j] += v[j] / (double) n;
            }
        }
        double[][] centred = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                centred[i][j] = vectors.get(i)[j] - mean[j];
            }
        }
        RealMatrix data = new Array2DRowRealMatrix(centred, false);
        SingularValueDecomposition svd = new SingularValueDecomposition(data);
        RealMatrix components = svd.getV().getSubMatrix(0, d - 1, 0, Math.min(2, svd.getV().getColumnDimension()) - 1);
        double[][] projected = data.multiply(components).getData();
        if (projected[0].length == 1) {
            for (int i = 0; i < n; i++) {
                projected[i] = new double[] { projected[i][0], 0 };
            }
        }
        return projected;
    }
}
