package io.snapfind.detector.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.snapfind.detector.model.DetectorModel;
import jakarta.enterprise.context.ApplicationScoped;

/** Ready once the model has loaded and answered its warm-up inference. */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {

    private final DetectorModel model;

    ModelReadiness(DetectorModel model) {
        this.model = model;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("detector-model")
                .up()
                .withData("model", model.detector().name())
                .withData("file", model.detector().model().file().getFileName().toString())
                .build();
    }
}
