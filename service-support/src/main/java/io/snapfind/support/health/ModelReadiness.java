package io.snapfind.support.health;

import java.util.Map;
import java.util.function.Supplier;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Readiness of a service's model: a service produces one (annotated {@code @Readiness}) once its model has loaded
 * and answered its warm-up inference, which start-up insists on. {@code describe} names what is loaded; if it
 * throws, the model is reported down with the error.
 */
public final class ModelReadiness implements HealthCheck {

    private final String name;
    private final Supplier<Map<String, Object>> describe;

    public ModelReadiness(String name, Supplier<Map<String, Object>> describe) {
        this.name = name;
        this.describe = describe;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(name);
        try {
            describe.get().forEach((key, value) -> {
                if (value instanceof Number number) {
                    response.withData(key, number.longValue());
                } else if (value instanceof Boolean flag) {
                    response.withData(key, flag);
                } else if (value != null) {
                    response.withData(key, value.toString());
                }
            });
            return response.up().build();
        } catch (RuntimeException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
