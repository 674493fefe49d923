package io.snapfind.embedder.config;

import java.nio.file.Path;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings under {@code snapfind.embedder}; each is documented in docs/configuration.md. */
@ConfigMapping(prefix = "snapfind.embedder")
public interface EmbedderConfig {

    /** Folder holding the ONNX embedding models. */
    Path modelsDir();

    /** Embedding model file inside {@link #modelsDir()}. */
    @WithDefault("mobilenet_v2_uint8_embed.onnx")
    String modelFile();

    /** Square input side the model expects, in pixels. */
    @WithDefault("224")
    int inputSize();
}
