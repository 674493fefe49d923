package io.snapfind.gateway.embedder;

import java.util.List;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;
import io.snapfind.contracts.VectorFrame;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The embedder service's {@code POST /v1/embed}; its address is {@code quarkus.rest-client.embedder.url}. The
 * vectors come back as a binary {@link VectorFrame}, not as JSON numbers: a search's 8 vectors of 2560 values
 * would otherwise be formatted and parsed as text on every request.
 */
@RegisterRestClient(configKey = "embedder")
@RegisterProvider(VectorFrameReader.class)
@Path("/v1/embed")
public interface EmbedderClient {

    record EmbedRequest(List<String> images) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(VectorFrame.MEDIA_TYPE)
    Uni<VectorFrame> embed(EmbedRequest request);
}
