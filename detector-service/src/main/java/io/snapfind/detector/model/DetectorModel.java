package io.snapfind.detector.model;

import io.quarkus.runtime.Startup;
import io.snapfind.detector.config.DetectorConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/** The configured model, loaded once at start-up; start-up fails with the file's name if it cannot be loaded. */
@Startup
@ApplicationScoped
public class DetectorModel {

    private final OnnxModel model;

    DetectorModel(DetectorConfig config) {
        this.model = OnnxModel.load(config.modelsDir().resolve(config.modelFile()), config.inputSize());
    }

    public OnnxModel onnx() {
        return model;
    }

    @PreDestroy
    void close() {
        model.close();
    }
}
