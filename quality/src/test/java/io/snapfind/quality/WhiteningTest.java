package io.snapfind.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.snapfind.embedder.model.ProjectionHead;

class WhiteningTest {

    @Test
    void eigenDecompositionOfASymmetricMatrix() {
        double[][] a = { { 4, 1, 2 }, { 1, 3, 0 }, { 2, 0, 5 } };
        double[][] copy = { a[0].clone(), a[1].clone(), a[2].clone() };
        double[] values = new double[3];
        double[][] vectors = Whitening.symmetricEigen(copy, values);
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < 3; r++) {
                double av = 0;
                for (int k = 0; k < 3; k++) {
                    av += a[r][k] * vectors[k][c];
                }
                assertEquals(values[c] * vectors[r][c], av, 1e-9);
            }
        }
        assertEquals(12, values[0] + values[1] + values[2], 1e-9);
        assertEquals(true, values[0] <= values[1] && values[1] <= values[2]);
    }

    @Test
    void fullWhiteningGivesUnitVarianceComponents() {
        Random random = new Random(7);
        int d = 6;
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            float[] v = new float[d];
            for (int j = 0; j < d; j++) {
                v[j] = (float) (random.nextGaussian() * (j + 1) + 3 * j + (j == 0 ? v[0] : v[j - 1]) * 0.5);
            }
            vectors.add(v);
        }
        Whitening.Fit fit = Whitening.fit(vectors, new Whitening.Settings(0.5, 1, 4, 0));
        ProjectionHead head = fit.head();
        assertEquals(d, head.inputDimension());
        assertEquals(4, head.outputDimension());
        ProjectionHead.Layer layer = head.layers().get(0);
        float[] w = layer.weights();
        float[] b = layer.bias();
        double[] sumSq = new double[4];
        double[] sum = new double[4];
        for (float[] v : vectors) {
            for (int o = 0; o < 4; o++) {
                double y = b[o];
                for (int i = 0; i < d; i++) {
                    y += w[o * d + i] * v[i];
                }
                sum[o] += y;
                sumSq[o] += y * y;
            }
        }
        for (int o = 0; o < 4; o++) {
            assertEquals(0, sum[o] / vectors.size(), 1e-3);
            assertEquals(1, sumSq[o] / (vectors.size() - 1), 1e-3);
        }
        assertEquals(true, fit.eigenvalues()[0] >= fit.eigenvalues()[1]);
    }

    @Test
    void cslsPenalisesHubsAndReSorts() {
        List<CatalogIndex.VectorHit> hits = List.of(new CatalogIndex.VectorHit(0, 0.9f),
                new CatalogIndex.VectorHit(1, 0.8f), new CatalogIndex.VectorHit(2, 0.7f));
        double[] offsets = { 0.4, 0.1, 0.1 };
        List<CatalogIndex.VectorHit> corrected = RoomScoring.csls(hits, offsets, 2);
        // r(q) = (0.9 + 0.8) / 2 = 0.85, halved 0.425
        assertEquals(1, corrected.get(0).vector());
        assertEquals(0.8 - 0.1 - 0.425, corrected.get(0).score(), 1e-6);
        assertEquals(2, corrected.get(1).vector());
        assertEquals(0, corrected.get(2).vector());
    }
}
