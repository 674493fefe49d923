package io.snapfind.indexer.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.snapfind.indexer.messaging.IngestLoop;
import io.snapfind.indexer.messaging.IngestService;
import jakarta.enterprise.context.ApplicationScoped;

/** Ready only while the ingest loop is consuming; down while it retries a batch (Milvus away) or has stopped. */
@Readiness
@ApplicationScoped
public class IngestReadiness implements HealthCheck {

    private final IngestService ingest;

    IngestReadiness(IngestService ingest) {
        this.ingest = ingest;
    }

    @Override
    public HealthCheckResponse call() {
        return ingest.state().map(IngestReadiness::describe)
                .orElseGet(() -> HealthCheckResponse.named("ingest").up().withData("phase", "DISABLED").build());
    }

    static HealthCheckResponse describe(IngestLoop.State state) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("ingest")
                .status(state.phase() == IngestLoop.Phase.RUNNING)
                .withData("phase", state.phase().name())
                .withData("since", state.since().toString())
                .withData("consecutiveFailures", state.consecutiveFailures());
        if (state.phase() != IngestLoop.Phase.RUNNING) {
            builder.withData("detail", String.valueOf(state.detail()));
        }
        return builder.build();
    }
}
