package io.snapfind.gateway.rest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestQuery;

import io.smallrye.mutiny.Uni;
import io.snapfind.contracts.ContractViolation;
import io.snapfind.contracts.ProductEvent;
import io.snapfind.contracts.ProductImage;
import io.snapfind.gateway.ProductFilter;
import io.snapfind.gateway.SearchQuery;
import io.snapfind.gateway.SearchService;
import io.snapfind.gateway.config.GatewayConfig;
import io.snapfind.gateway.indexer.IndexerClient;
import io.snapfind.gateway.messaging.CatalogPublisher;
import io.snapfind.imaging.pictures.PictureStore;
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
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Catalog ingest over HTTP (each call becomes one ProductEvent on {@code catalog.products}), a product's index status,
 * and the pictures the detector stored of its crops.
 */
@Path("/v1/products")
@Produces(MediaType.APPLICATION_JSON)
public class ProductResource {

    static final String API_KEY_HEADER = "X-API-Key";

    /**
     * The body of an upsert; each image carries either an http(s) {@code url} or base64 {@code bytes}. The optional
     * {@code version} is the catalog's own number for this product version: when set, it orders the product's events
     * instead of the time the gateway accepted them.
     */
    public record ProductUpsert(String productId, String category, String title, Map<String, String> metadata,
            List<Image> images, Long version) {
        public record Image(String imageId, String url, byte[] bytes) {
        }
    }

    /** What the caller gets back once the broker has the event. */
    public record Accepted(String productId, String type, Instant occurredAt, Long version) {
    }

    /**
     * A crop id names a box of an image, not its pixels: an image replaced under the same id may keep the id with
     * new pixels, so browsers revalidate after an hour (the ETag makes that a 304).
     */
    static final String PICTURE_CACHE = "public, max-age=3600";

    private final CatalogPublisher publisher;
    private final IndexerClient indexer;
    private final SearchService search;
    private final ApiKeyCheck apiKey;
    private final Optional<PictureStore> pictures;

    ProductResource(CatalogPublisher publisher, @RestClient IndexerClient indexer, SearchService search,
            GatewayConfig config) {
        this.publisher = publisher;
        this.indexer = indexer;
        this.search = search;
        this.pictures = config.picturesDir().map(PictureStore::new);
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
                Instant.now()).withVersion(body.version()));
    }

    @GET
    @Path("/{productId}")
    @Operation(summary = "Whether the product is indexed (searchable), with which model and how many crops")
    public Uni<IndexerClient.ProductStatus> status(@PathParam("productId") String productId) {
        return indexer.status(productId)
                .onFailure(e -> e instanceof WebApplicationException w && w.getResponse().getStatus() == 404)
                .recoverWithItem(() -> IndexerClient.ProductStatus.notIndexed(productId));
    }

    @GET
    @Path("/{productId}/similar")
    @Operation(summary = "More like this: the products most like an indexed one (searched with its own vectors)")
    public Uni<SearchService.Similar> similar(@PathParam("productId") String productId,
            @RestQuery @Parameter(description = "How many products (1-100)") Integer k,
            @RestQuery @Parameter(description = "Only products of this category") String category,
            @RestQuery @Parameter(description = "Only products matching this filter (as for POST /v1/search)")
            String filter) {
        int wanted = k == null ? SearchQuery.DEFAULT_K : k;
        if (wanted < 1 || wanted > SearchQuery.MAX_K) {
            throw new ProblemException(400, "Bad request", "k must be between 1 and " + SearchQuery.MAX_K, "k", null);
        }
        Optional<ProductFilter> parsed = SearchResource.filter(category, filter);
        return Uni.createFrom().completionStage(() -> search.similar(productId, wanted, parsed))
                .onFailure(CompletionException.class).transform(f -> f.getCause() != null ? f.getCause() : f);
    }

    @GET
    @Path("/{productId}/picture")
    @Produces("image/jpeg")
    @Operation(summary = "The product's main picture (its first image, as the pipeline indexed it), JPEG")
    public Response picture(@PathParam("productId") String productId, @HeaderParam("If-None-Match") String etag) {
        return jpeg(store().main(productId), etag, "product " + productId + " has no stored picture");
    }

    @GET
    @Path("/{productId}/pictures/{cropId}")
    @Produces("image/jpeg")
    @Operation(summary = "The picture of one indexed crop of the product (a search hit's cropId), JPEG")
    public Response cropPicture(@PathParam("productId") String productId, @PathParam("cropId") String cropId,
            @HeaderParam("If-None-Match") String etag) {
        return jpeg(store().crop(productId, cropId), etag, "product " + productId + " has no stored crop " + cropId);
    }

    private PictureStore store() {
        return pictures.orElseThrow(() -> new ProblemException(Response.Status.NOT_FOUND, "No pictures",
                "this gateway serves no pictures (snapfind.gateway.pictures-dir is not set)"));
    }

    private static Response jpeg(Optional<byte[]> picture, String presentedTag, String missing) {
        byte[] bytes = picture.orElseThrow(() -> new ProblemException(Response.Status.NOT_FOUND, "No picture", missing));
        String hash = HexFormat.of().formatHex(sha256(bytes), 0, 16);
        Response.ResponseBuilder response = ('"' + hash + '"').equals(presentedTag) ? Response.notModified()
                : Response.ok(bytes, "image/jpeg");
        return response.tag(new EntityTag(hash)).header("Cache-Control", PICTURE_CACHE)
                .header("X-Content-Type-Options", "nosniff").build();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }

    @DELETE
    @Path("/{productId}")
    @Operation(summary = "Delete a product; its vectors are removed from the index")
    public Uni<Response> delete(@Parameter(hidden = true) @HeaderParam(API_KEY_HEADER) String apiKey,
            @PathParam("productId") String productId,
            @RestQuery @Parameter(description = "The catalog's version of this deletion (orders it like an upsert's)")
            Long version) {
        requireApiKey(apiKey);
        return accept(ProductEvent.delete(productId, Instant.now()).withVersion(version));
    }

    private Uni<Response> accept(ProductEvent event) {
        return publisher.publish(event).map(ignored -> Response.accepted(
                new Accepted(event.productId(), event.type().name(), event.occurredAt(), event.version())).build());
    }

    private void requireApiKey(String presented) {
        apiKey.require(presented);
    }
}
