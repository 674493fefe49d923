package io.snapfind.quality;

import java.nio.file.Path;

import io.snapfind.embedder.model.ProjectionHead;

/** The embedder's projection head behind {@link VectorHead}. */
final class ProjectionHeads {

    private ProjectionHeads() {
    }

    static VectorHead load(Path file) {
        ProjectionHead head = ProjectionHead.load(file);
        long parameters = head.layers().stream()
                .mapToLong(layer -> (long) layer.inputs() * layer.outputs() + layer.outputs()).sum();
        return new VectorHead() {
            @Override
            public float[] apply(float[] normalisedBackboneVector) {
                return head.apply(normalisedBackboneVector);
            }

            @Override
            public int inputDimension() {
                return head.inputDimension();
            }

            @Override
            public int outputDimension() {
                return head.outputDimension();
            }

            @Override
            public long parameters() {
                return parameters;
            }

            @Override
            public String source() {
                return head.toString();
            }
        };
    }
}
