package io.snapfind.gateway.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.smallrye.mutiny.Uni;
import io.snapfind.contracts.ContractViolation;
import io.snapfind.contracts.ProductEvent;
import io.snapfind.contracts.ProductImage;
import io.snapfind.gateway.config.GatewayConfig;
import io.snapfind.gateway.indexer.IndexerClient;
import io.snapfind.gateway.messaging.CatalogPublisher;
import io.snapfind.support.problem.ProblemException;
import io.snapfind.support.security.ApiKeyCheck;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Catalog ingest over HTTP: each call becomes one ProductEvent on {@code catalog.products}. */
@Path("/v1/products")
@Produces(MediaType.APPLICATION_JSON)
public class ProductResource {

    static final String API_KEY_HEADER = "X-API-Key";

    /** The body of an upsert; each image carries either an http(s) {@code url} or base64 {@code bytes}. */
    public record ProductUpsert(String productId, String category, String title, Map<String, String> metadata,
            List<Image> images) {
        public record Image(String imageId, String url, byte[] bytes) {
        }
    }

    /** What the caller gets back once the broker has the event. */
    public record Accepted(String productId, String type, Instant occurredAt) {
    }

    private final CatalogPublisher publisher;
    private final IndexerClient indexer;
    private final ApiKeyCheck apiKey;

    ProductResource(CatalogPublisher publisher, @RestClient IndexerClient indexer, GatewayConfig config) {
        this.publisher = publisher;
        this.indexer = indexer;
        this.apiKey = new ApiKeyCheck(API_KEY_HEADER, config.apiKey(), "Ingest disabled",
                "no API key is configured on the gateway (snapfind.gateway.api-key)");
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a product and its images; it becomes searchable once indexed")
    public Uni<Response> upsert(@Parameter(hidden = true) @HeaderParam(API_KEY_HEADER) String apiKey,
            ProductUpsert body) {
        requireApiKey(apiKey);
        if (body == null) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Missing body", "send the product as JSON");
        }
        List<ProductImage> images = body.images() == null ? null : new ArrayList<>();
        for (int i = 0; images != null && i < body.images().size(); i++) {
            ProductUpsert.Image image = body.images().get(i);
            if (image == null) {
                throw new ContractViolation("images[" + i + "]", ContractViolation.Kind.MISSING_FIELD, "missing image");
            }
            try {
                images.add(new ProductImage(image.imageId(), image.url(), image.bytes()));
            } catch (ContractViolation e) {
                throw e.under("images[" + i + "]");
            }
        }
        return accept(ProductEvent.upsert(body.productId(), body.category(), body.title(), body.metadata(), images,
                Instant.now()));
    }

    @GET
    @Path("/{productId}")
    @Operation(summary = "Whether the product is indexed (searchable), with which model and how many crops")
    public Uni<IndexerClient.ProductStatus> status(@PathParam("productId") String productId) {
        return indexer.status(productId)
                .onFailure(e -> e instanceof WebApplicationException w && w.getResponse().getStatus() == 404)
                .recoverWithItem(() -> IndexerClient.ProductStatus.notIndexed(productId));
    }

    @DELETE
    @Path("/{productId}")
    @Operation(summary = "Delete a product; its vectors are removed from the index")
    public Uni<Response> delete(@Parameter(hidden = true) @HeaderParam(API_KEY_HEADER) String apiKey,
            @PathParam("productId") String productId) {
        requireApiKey(apiKey);
        return accept(ProductEvent.delete(productId, Instant.now()));
    }

    private Uni<Response> accept(ProductEvent event) {
        return publisher.publish(event).map(ignored -> Response.accepted(
                new Accepted(event.productId(), event.type().name(), event.occurredAt())).build());
    }

    private void requireApiKey(String presented) {
        apiKey.require(presented);
    }
}
