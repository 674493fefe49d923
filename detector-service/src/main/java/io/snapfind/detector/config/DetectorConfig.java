package io.snapfind.detector.config;

import java.nio.file.Path;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings under {@code snapfind.detector}; each is documented in docs/configuration.md. */
@ConfigMapping(prefix = "snapfind.detector")
public interface DetectorConfig {

    /** Folder holding the ONNX detector models. */
    Path modelsDir();

    /** Detector model file inside {@link #modelsDir()}. */
    @WithDefault("yolov8n_int8.onnx")
    String modelFile();

    /** Square input side the model expects, in pixels. */
    @WithDefault("640")
    int inputSize();
}
