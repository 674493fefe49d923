package io.snapfind.gateway.embedder;

import java.util.List;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The embedder service's {@code POST /v1/embed}; its address is {@code quarkus.rest-client.embedder.url}. */
@RegisterRestClient(configKey = "embedder")
@Path("/v1/embed")
public interface EmbedderClient {

    record EmbedRequest(List<String> images) {
    }

    record EmbedResponse(String modelId, int dimension, List<float[]> vectors) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<EmbedResponse> embed(EmbedRequest request);
}
