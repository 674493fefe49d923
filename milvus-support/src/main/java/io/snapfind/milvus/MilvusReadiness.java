package io.snapfind.milvus;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;

/** Ready only while Milvus answers. */
@Readiness
@ApplicationScoped
public class MilvusReadiness implements HealthCheck {

    private final MilvusConnection milvus;

    MilvusReadiness(MilvusConnection milvus) {
        this.milvus = milvus;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            milvus.ping();
            return HealthCheckResponse.named("milvus").up().withData("uri", milvus.uri()).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("milvus").down().withData("uri", milvus.uri())
                    .withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
