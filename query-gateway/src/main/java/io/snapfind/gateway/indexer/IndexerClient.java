package io.snapfind.gateway.indexer;

import java.time.Instant;
import java.util.Map;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The indexer service's product status; its address is {@code quarkus.rest-client.indexer.url}. */
@RegisterRestClient(configKey = "indexer")
@Path("/v1/index/products")
public interface IndexerClient {

    /** What the index holds for one product (the indexer answers 404 when it holds nothing). */
    record ProductStatus(String productId, boolean indexed, int rows, String modelId, String collection,
            Instant lastIndexedAt, Instant occurredAt, Map<String, String> metadata) {

        public static ProductStatus notIndexed(String productId) {
            return new ProductStatus(productId, false, 0, null, null, null, null, Map.of());
        }
    }

    @GET
    @Path("/{productId}")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<ProductStatus> status(@PathParam("productId") String productId);
}
