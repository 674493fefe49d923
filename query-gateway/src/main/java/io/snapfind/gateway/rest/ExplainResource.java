package io.snapfind.gateway.rest;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.snapfind.gateway.MatchExplainer;
import io.snapfind.gateway.Region;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageRejected;
import io.snapfind.support.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * "Why does this hit match?": the query photo again, the query region of the result (none for the whole photo) and
 * the hit; answers heatmaps over the region and over the hit's indexed crop ({@link MatchExplainer}).
 */
@Path("/v1/explain")
@Produces(MediaType.APPLICATION_JSON)
public class ExplainResource {

    private final MatchExplainer explainer;
    private final ImageDecoder decoder;

    ExplainResource(MatchExplainer explainer, ImageDecoder decoder) {
        this.explainer = explainer;
        this.decoder = decoder;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Heatmaps of where a hit's similarity comes from, over the query region and the hit's crop")
    public Uni<MatchExplainer.MatchExplanation> explain(@RestForm("image") FileUpload image,
            @RestForm("box") @Parameter(description = "The result's query box x1,y1,x2,y2; omit for the whole photo")
            String box,
            @RestForm("productId") @Parameter(description = "The hit's productId") String productId,
            @RestForm("cropId") @Parameter(description = "The hit's cropId") String cropId) {
        if (image == null) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Missing image",
                    "send the searched photo as the multipart field 'image'");
        }
        if (productId == null || productId.isBlank() || cropId == null || cropId.isBlank()) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Missing hit",
                    "send the hit's 'productId' and 'cropId' as multipart fields");
        }
        Optional<Region> region = region(box);
        return Uni.createFrom().item(() -> read(image)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(photo -> Uni.createFrom().completionStage(() -> explainer.explain(photo, region, productId,
                        cropId)))
                // The domain speaks CompletionStage; its failures arrive wrapped and are mapped by their own type.
                .onFailure(CompletionException.class).transform(f -> f.getCause() != null ? f.getCause() : f);
    }

    private byte[] read(FileUpload upload) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(upload.uploadedFile());
        } catch (IOException e) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Bad upload", "the upload could not be read");
        }
        try {
            decoder.check(bytes);
        } catch (ImageRejected e) {
            throw new ProblemException(e.httpStatus(), "Unusable image", e.getMessage());
        }
        return bytes;
    }

    private static Optional<Region> region(String box) {
        if (box == null || box.isBlank()) {
            return Optional.empty();
        }
        String[] parts = box.split(",");
        try {
            if (parts.length == 4) {
                return Optional.of(new Region(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                        Integer.parseInt(parts[2].trim()), Integer.parseInt(parts[3].trim())));
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ProblemException(Response.Status.BAD_REQUEST, "Bad box", "'box' is x1,y1,x2,y2 in the photo's "
                + "pixels, as the search result's query box; got '" + box + "'");
    }
}
