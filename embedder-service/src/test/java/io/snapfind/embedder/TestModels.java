package io.snapfind.embedder;

import java.util.Map;

import io.snapfind.embedder.model.ModelCatalog;
import io.snapfind.harness.ProjectPaths;

/** The catalogue entries of application.properties for the shared assets, for tests without Quarkus. */
public final class TestModels {

    private static final float[] MEAN = { 0.485f, 0.456f, 0.406f };
    private static final float[] STD = { 0.229f, 0.224f, 0.225f };

    private TestModels() {
    }

    public static ModelCatalog catalog() {
        return new ModelCatalog(ProjectPaths.asset("models"), Map.of(
                "mobilenetv2", entry("mobilenet_v2_uint8_embed.onnx", "embedding", 1280),
                "mobilenetv2-logits", entry("mobilenet_v2_uint8_embed.onnx", "output", 1000),
                "mobilenetv2-fixed-batch", entry("mobilenet_v2_uint8.onnx", "output", 1000),
                "wrong-output", entry("mobilenet_v2_uint8_embed.onnx", "features", 1280),
                "wrong-dimension", entry("mobilenet_v2_uint8_embed.onnx", "embedding", 512)));
    }

    public static ModelSpec mobilenet() {
        return catalog().spec("mobilenetv2");
    }

    public static ModelCatalog.Entry entry(String file, String output, int dimension) {
        return new ModelCatalog.Entry(file, null, output, dimension, 224, 256, MEAN, STD, ModelSpec.ChannelOrder.RGB);
    }
}
