package io.snapfind.embedder.rest;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.common.annotation.Blocking;
import io.snapfind.embedder.EmbeddingFailed;
import io.snapfind.embedder.Explainer;
import io.snapfind.embedder.config.EmbedderBeans;
import io.snapfind.imaging.ImageRejected;
import io.snapfind.support.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Where the similarity of two images comes from, over each one's feature map ({@link Explainer}), computed with the
 * model that embeds for search. For the gateway's {@code POST /v1/explain}, which sends the query region and the
 * matched crop exactly as they were embedded.
 */
@Path("/v1/explain")
@Tag(name = "explain")
@Produces(MediaType.APPLICATION_JSON)
public class ExplainResource {

    @Schema(name = "ExplainRequest")
    public record ExplainRequest(
            @Schema(description = "The query image (base64)", required = true) String query,
            @Schema(description = "The matched image (base64)", required = true) String match) {
    }

    private final EmbedderBeans runtime;

    ExplainResource(EmbedderBeans runtime) {
        this.runtime = runtime;
    }

    @POST
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Heatmaps of a pair: each feature-map location's share of their cosine similarity")
    public Explainer.Explanation explain(ExplainRequest request) {
        Explainer explainer = runtime.explainer().orElseThrow(() -> new ProblemException(501, "Cannot explain",
                "model '" + runtime.embedder().modelId() + "' has no feature map output configured "
                        + "(snapfind.embedder.models.<id>.feature-map)"));
        if (request == null) {
            throw new ProblemException(422, "No images", "send {\"query\": \"<base64>\", \"match\": \"<base64>\"}");
        }
        byte[] query = EmbedResource.base64(request.query(), "query");
        byte[] match = EmbedResource.base64(request.match(), "match");
        try {
            return explainer.explain(query, match);
        } catch (ImageRejected e) {
            throw new ProblemException(e.httpStatus(), "Image rejected (" + e.code() + ")", e.getMessage());
        } catch (EmbeddingFailed e) {
            throw new ProblemException(422, "Image cannot be explained", e.getMessage());
        }
    }
}
