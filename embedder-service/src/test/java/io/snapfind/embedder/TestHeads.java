package io.snapfind.embedder;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.snapfind.embedder.model.ProjectionHead;

/**
 * Projection heads with seeded random weights, for testing how the embedder applies a head (shape, order,
 * batching). Whether a trained head improves retrieval is measured in the transfer module, on real features.
 */
public final class TestHeads {

    private TestHeads() {
    }

    /** Fully connected layers of the given widths, e.g. {@code 1280, 96, 48}, with He-scaled Gaussian weights. */
    public static ProjectionHead random(long seed, int... widths) {
        Random random = new Random(seed);
        List<ProjectionHead.Layer> layers = new ArrayList<>();
        for (int l = 1; l < widths.length; l++) {
            int inputs = widths[l - 1];
            int outputs = widths[l];
            float[] weights = new float[inputs * outputs];
            float scale = (float) Math.sqrt(2.0 / inputs);
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) random.nextGaussian() * scale;
            }
            float[] bias = new float[outputs];
            for (int o = 0; o < outputs; o++) {
                bias[o] = (float) random.nextGaussian() * 0.01f;
            }
            layers.add(new ProjectionHead.Layer(inputs, outputs, weights, bias));
        }
        return ProjectionHead.of(layers);
    }
}
