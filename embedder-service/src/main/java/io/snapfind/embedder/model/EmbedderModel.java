package io.snapfind.embedder.model;

import io.quarkus.runtime.Startup;
import io.snapfind.embedder.config.EmbedderConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/** The configured model, loaded once at start-up; start-up fails with the file's name if it cannot be loaded. */
@Startup
@ApplicationScoped
public class EmbedderModel {

    private final OnnxModel model;

    EmbedderModel(EmbedderConfig config) {
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
