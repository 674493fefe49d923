package io.snapfind.gateway.health;

import java.time.Duration;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/**
 * Ready means search can be served: the embedder is ready (without it every search answers 503). The detector is
 * reported but does not decide: without it, objects mode searches the whole photo and says so. Milvus has its own
 * check ({@code milvus}); Kafka only matters to ingest, which is the separate {@code ingest} check.
 */
@Readiness
@ApplicationScoped
public class SearchReadiness implements AsyncHealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String UP = "UP";

    private final ServiceHealthClients.Embedder embedder;
    private final ServiceHealthClients.Detector detector;

    SearchReadiness(@RestClient ServiceHealthClients.Embedder embedder,
            @RestClient ServiceHealthClients.Detector detector) {
        this.embedder = embedder;
        this.detector = detector;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.combine().all().unis(state(embedder.ready()), state(detector.ready())).asTuple().map(states -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("search")
                    .withData("embedder", states.getItem1())
                    .withData("detector", states.getItem2().equals(UP) ? UP
                            : states.getItem2() + " (objects mode searches the whole photo meanwhile)");
            return response.status(states.getItem1().equals(UP)).build();
        });
    }

    private static Uni<String> state(Uni<Response> ready) {
        return ready.ifNoItem().after(TIMEOUT).fail()
                .map(response -> response.getStatus() == 200 ? UP : "DOWN: answered " + response.getStatus())
                .onFailure().recoverWithItem(failure -> "DOWN: " + failure.getClass().getSimpleName()
                        + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
    }
}
