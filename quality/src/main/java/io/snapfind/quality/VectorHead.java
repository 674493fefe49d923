package io.snapfind.quality;

import java.nio.file.Path;

/**
 * A projection applied to a backbone's L2-normalised vector, giving an L2-normalised vector: the embedder's
 * {@code io.snapfind.embedder.model.ProjectionHead}, applied here to the service's vectors exactly as the embedder
 * applies it to its own.
 */
interface VectorHead {

    float[] apply(float[] normalisedBackboneVector);

    int inputDimension();

    int outputDimension();

    /** Weights and biases of all its layers. */
    long parameters();

    String source();

    static VectorHead load(Path file) {
        return ProjectionHeads.load(file);
    }
}
