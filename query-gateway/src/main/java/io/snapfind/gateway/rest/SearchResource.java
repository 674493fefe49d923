package io.snapfind.gateway.rest;

import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.snapfind.gateway.ProductFilter;
import io.snapfind.gateway.SearchMode;
import io.snapfind.gateway.SearchQuery;
import io.snapfind.gateway.SearchResult;
import io.snapfind.gateway.SearchService;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageRejected;
import io.snapfind.imaging.fetch.FetchRefused;
import io.snapfind.imaging.fetch.SafeImageFetcher;
import io.snapfind.support.problem.ProblemException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** "Find products like this photo": the photo as multipart, raw bytes, base64 JSON or an imageUrl. */
@Path("/v1/search")
@Produces(MediaType.APPLICATION_JSON)
public class SearchResource {

    /** The search options, as query parameters on every form of the request. */
    public static class Options {
        @RestQuery
        @Parameter(description = "How many hits per query region (1-100)")
        Integer k;

        @RestQuery
        @Parameter(description = "Only products of this category")
        String category;

        @RestQuery
        @Parameter(description = "Only products matching this filter over categories and metadata, e.g. "
                + "\"brand = Snap AND color IN (white, oak)\" or \"category IN (chair, couch)\"; applied by the "
                + "index itself, so k hits still come back. Grammar: query-gateway README")
        String filter;

        @RestQuery
        @Parameter(description = "Drop hits whose cosine similarity is below this")
        Float minScore;

        @RestQuery
        @Parameter(description = "whole: one query for the whole photo; objects: one per detected object")
        String mode;

        @RestQuery
        @Parameter(description = "One hit per product, its best crop (default true)")
        Boolean groupByProduct;
    }

    /** The JSON form: exactly one of {@code image} (base64) or {@code imageUrl} (http/https). */
    public record JsonSearch(String image, String imageUrl) {
    }

    private final SearchService search;
    private final ImageDecoder decoder;
    private final SafeImageFetcher fetcher;
    private final SearchGuard guard;

    SearchResource(SearchService search, ImageDecoder decoder, SafeImageFetcher fetcher, SearchGuard guard) {
        this.search = search;
        this.decoder = decoder;
        this.fetcher = fetcher;
        this.guard = guard;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Search with a photo uploaded as the multipart field 'image'")
    public Uni<SearchResult> multipart(@RestForm("image") FileUpload image, @BeanParam Options options) {
        if (image == null) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Missing image", "send the photo as the multipart field 'image'");
        }
        return Uni.createFrom().item(() -> readUpload(image)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(bytes -> run(bytes, options));
    }

    @POST
    @Consumes({ "image/*", MediaType.APPLICATION_OCTET_STREAM })
    @Operation(summary = "Search with the photo as the raw request body")
    public Uni<SearchResult> raw(byte[] body, @BeanParam Options options) {
        return run(body, options);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Search with a base64 photo ('image') or a photo URL ('imageUrl')")
    public Uni<SearchResult> json(JsonSearch body, @BeanParam Options options, @Context HttpServerRequest http) {
        if (body == null || (body.image() == null) == (body.imageUrl() == null)) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Bad search",
                    "send exactly one of 'image' (base64) or 'imageUrl'");
        }
        if (body.image() != null) {
            byte[] bytes;
            try {
                bytes = Base64.getMimeDecoder().decode(body.image());
            } catch (IllegalArgumentException e) {
                throw new ProblemException(Response.Status.BAD_REQUEST, "Bad search", "'image' is not valid base64");
            }
            return run(bytes, options);
        }
        guard.admitFetch(SearchGuard.client(http));
        return Uni.createFrom().item(() -> fetch(body.imageUrl())).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(bytes -> run(bytes, options));
    }

    private Uni<SearchResult> run(byte[] image, Options options) {
        SearchQuery query = query(image, options);
        // The domain speaks CompletionStage; its failures arrive wrapped and are mapped by their own type.
        return Uni.createFrom().completionStage(() -> search.search(query))
                .onFailure(CompletionException.class).transform(failure -> failure.getCause() != null
                        ? failure.getCause() : failure);
    }

    private SearchQuery query(byte[] image, Options options) {
        try {
            decoder.check(image);
        } catch (ImageRejected e) {
            throw new ProblemException(e.httpStatus(), "Unusable image", e.getMessage());
        }
        SearchMode mode;
        try {
            mode = options.mode == null ? SearchMode.WHOLE : SearchMode.valueOf(options.mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Bad search", "mode must be 'whole' or 'objects'");
        }
        try {
            return new SearchQuery(image, options.k == null ? SearchQuery.DEFAULT_K : options.k,
                    filter(options.category, options.filter), options.minScore == null ? -1f : options.minScore, mode,
                    options.groupByProduct == null || options.groupByProduct);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Bad search", e.getMessage());
        }
    }

    /** The {@code category} and {@code filter} parameters as one filter; a malformed one is a 400 naming where. */
    static Optional<ProductFilter> filter(String category, String filter) {
        Optional<ProductFilter> byCategory = Optional.ofNullable(category).filter(c -> !c.isBlank())
                .map(ProductFilter::category);
        if (filter == null || filter.isBlank()) {
            return byCategory;
        }
        ProductFilter parsed;
        try {
            parsed = ProductFilter.parse(filter);
        } catch (ProductFilter.Invalid e) {
            throw new ProblemException(400, "Bad filter", e.getMessage(), "filter", null);
        }
        return Optional.of(byCategory.map(c -> c.and(parsed)).orElse(parsed));
    }

    private byte[] readUpload(FileUpload upload) {
        try {
            return java.nio.file.Files.readAllBytes(upload.uploadedFile());
        } catch (java.io.IOException e) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Bad upload", "the upload could not be read");
        }
    }

    private byte[] fetch(String url) {
        try {
            return fetcher.fetch(url).bytes();
        } catch (FetchRefused e) {
            throw new ProblemException(422, "Image URL refused",
                    e.code() + ": " + e.getMessage());
        }
    }
}
