package io.snapfind.embedder.health;

import java.nio.file.Path;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.config.EmbedderRuntime;
import jakarta.enterprise.context.ApplicationScoped;

/** Ready once the model has loaded and answered its warm-up inference (start-up fails otherwise). */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {

    private final EmbedderRuntime runtime;

    ModelReadiness(EmbedderRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
        ModelSpec spec = runtime.model().spec();
        var response = HealthCheckResponse.named("embedder-model")
                .up()
                .withData("model", spec.id())
                .withData("file", spec.file().getFileName().toString())
                .withData("dimension", spec.vectorDimension());
        if (spec.head() != null) {
            response.withData("head", Path.of(spec.head().source()).getFileName().toString());
        }
        return response
                .withData("device", runtime.model().device())
                .withData("queued", runtime.embedder().queued())
                .build();
    }
}
