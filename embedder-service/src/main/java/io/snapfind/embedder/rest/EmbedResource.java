package io.snapfind.embedder.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.snapfind.embedder.EmbedderOverloaded;
import io.snapfind.embedder.EmbeddingFailed;
import io.snapfind.embedder.ImageEmbedder;
import io.snapfind.embedder.config.EmbedderBeans;
import io.snapfind.imaging.ImageRejected;
import io.snapfind.support.problem.Problem;
import io.snapfind.support.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Synchronous embedding for the gateway's search path: one or more images in, one L2-normalised vector per image
 * out, in request order. A request is all or nothing: if any image is refused, the answer is the problem of the
 * first refused image (its index in {@code field}) and no vector.
 */
@Path("/v1/embed")
@Tag(name = "embed")
@Produces(MediaType.APPLICATION_JSON)
public class EmbedResource {

    /** JSON request: images as base64 strings (a {@code data:image/...;base64,} prefix is accepted). */
    @Schema(name = "EmbedRequest")
    public record EmbedRequest(
            @Schema(description = "Base64-encoded image files (JPEG, PNG, GIF, BMP or WebP)", required = true)
            List<String> images) {
    }

    @Schema(name = "EmbedResponse")
    public record EmbedResponse(
            @Schema(description = "Catalogue id of the model; only vectors of the same model are comparable")
            String modelId,
            @Schema(description = "Length of every vector") int dimension,
            @Schema(description = "One L2-normalised vector per image, in request order") List<float[]> vectors) {
    }

    static final String SUMMARY = "Embed one or more images: one L2-normalised vector per image, in request order";
    static final String DESCRIPTION = "Send multipart/form-data with one file part per image (any part name, e.g. "
            + "'image'), or application/json {\"images\": [\"<base64>\", ...]}. All or nothing: if any image is "
            + "refused, the problem names it in 'field' (images[i]).";

    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

    private final EmbedderBeans runtime;

    EmbedResource(EmbedderBeans runtime) {
        this.runtime = runtime;
    }

    @POST
    @Blocking
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = SUMMARY, description = DESCRIPTION)
    @APIResponse(responseCode = "200", description = "One vector per image",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EmbedResponse.class)))
    @APIResponse(responseCode = "413", description = "Too many images, or an image too large in bytes or pixels",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "A part is not an image, or in an unsupported format",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "No image, an empty image, or a corrupt one",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Too many images waiting; retry later",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<EmbedResponse> embedMultipart(@RestForm(FileUpload.ALL) List<FileUpload> files) {
        checkCount(files == null ? 0 : files.size());
        List<byte[]> images = new ArrayList<>(files.size());
        for (FileUpload file : files) {
            try {
                images.add(Files.readAllBytes(file.uploadedFile()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read uploaded part " + file.name(), e);
            }
        }
        return embed(images);
    }

    @POST
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = SUMMARY, description = DESCRIPTION)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = EmbedRequest.class)))
    @APIResponse(responseCode = "200", description = "One vector per image",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EmbedResponse.class)))
    @APIResponse(responseCode = "413", description = "Too many images, or an image too large in bytes or pixels",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "An entry is not an image, or in an unsupported format",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "No image, invalid base64, an empty image, or a corrupt one",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<EmbedResponse> embedJson(EmbedRequest request) {
        List<String> encoded = request == null || request.images() == null ? List.of() : request.images();
        checkCount(encoded.size());
        List<byte[]> images = new ArrayList<>(encoded.size());
        for (int i = 0; i < encoded.size(); i++) {
            images.add(base64(encoded.get(i), "images[" + i + "]"));
        }
        return embed(images);
    }

    private Uni<EmbedResponse> embed(List<byte[]> images) {
        ImageEmbedder embedder = runtime.embedder();
        // Mutiny hands a failure thrown in map() to the exception mappers as is, not wrapped.
        return Uni.createFrom().completionStage(embedder.embedEach(images)).map(attempts -> {
            List<float[]> vectors = new ArrayList<>(attempts.size());
            for (int i = 0; i < attempts.size(); i++) {
                ImageEmbedder.Attempt attempt = attempts.get(i);
                if (!attempt.succeeded()) {
                    throw problem(attempt.failure(), i);
                }
                vectors.add(attempt.vector());
            }
            return new EmbedResponse(embedder.modelId(), embedder.dimension(), vectors);
        });
    }

    private void checkCount(int count) {
        if (count == 0) {
            throw new ProblemException(422, "No image", "send at least one image", "images", null);
        }
        int max = runtime.maxImagesPerRequest();
        if (count > max) {
            throw new ProblemException(413, "Too many images",
                    count + " images sent, at most " + max + " per request", "images", null);
        }
    }

    /** A base64 image of the request (a {@code data:image/...;base64,} prefix accepted); {@code field} names it. */
    static byte[] base64(String value, String field) {
        if (value == null) {
            throw new ProblemException(422, "No image", field + " is null", field, null);
        }
        String data = value;
        int comma = data.indexOf(',');
        if (data.startsWith("data:") && comma > 0) {
            data = data.substring(comma + 1);
        }
        try {
            return Base64.getDecoder().decode(WHITESPACE.matcher(data).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(422, "Invalid base64", field + " is not valid base64: " + e.getMessage(),
                    field, null);
        }
    }

    private static ProblemException problem(Throwable failure, int index) {
        String field = "images[" + index + "]";
        String detail = field + ": " + failure.getMessage();
        if (failure instanceof ImageRejected rejected) {
            return new ProblemException(rejected.httpStatus(), "Image rejected (" + rejected.code() + ")", detail,
                    field, null);
        }
        if (failure instanceof EmbedderOverloaded) {
            return new ProblemException(503, "Overloaded", detail, null, null);
        }
        if (failure instanceof EmbeddingFailed failed && "zero-vector".equals(failed.reason())) {
            return new ProblemException(422, "Image cannot be embedded", detail, field, null);
        }
        return new ProblemException(500, "Embedding failed", detail, field, null);
    }
}
