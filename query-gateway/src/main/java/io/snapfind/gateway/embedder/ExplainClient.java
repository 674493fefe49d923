package io.snapfind.gateway.embedder;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;
import io.snapfind.gateway.MatchExplainer;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The embedder service's {@code POST /v1/explain}, at the same address as {@link EmbedderClient}. */
@RegisterRestClient(configKey = "embedder")
@Path("/v1/explain")
public interface ExplainClient {

    record ExplainRequest(String query, String match) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<MatchExplainer.PairExplanation> explain(ExplainRequest request);
}
