package io.snapfind.indexer.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.snapfind.indexer.messaging.IngestLoop;
import io.snapfind.indexer.messaging.IngestService;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Down once the ingest loop has died on an unexpected error, so the orchestrator restarts the process; the batch it
 * was working on was never committed and is read again. A Milvus outage does not count: the loop waits for it.
 */
@Liveness
@ApplicationScoped
public class IngestLiveness implements HealthCheck {

    private final IngestService ingest;

    IngestLiveness(IngestService ingest) {
        this.ingest = ingest;
    }

    @Override
    public HealthCheckResponse call() {
        return ingest.state().filter(state -> state.phase() == IngestLoop.Phase.FAILED)
                .map(IngestReadiness::describe)
                .orElseGet(() -> HealthCheckResponse.named("ingest").up().build());
    }
}
