package io.snapfind.embedder.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.snapfind.embedder.model.EmbedderModel;
import jakarta.enterprise.context.ApplicationScoped;

/** Ready once the model has loaded and answered its warm-up inference. */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {

    private final EmbedderModel model;

    ModelReadiness(EmbedderModel model) {
        this.model = model;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("embedder-model")
                .up()
                .withData("file", model.onnx().file().getFileName().toString())
                .build();
    }
}
