package io.snapfind.gateway;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import io.snapfind.imaging.pictures.PictureStore;

/**
 * Why a hit matched its query region: the region as search embedded it (the detector's crop of that box, or the
 * whole photo) and the hit's crop as the pipeline indexed it (its stored picture), explained by the embedder with
 * the model that serves search. Computed only when asked; search itself never calls it.
 */
public class MatchExplainer {

    /** One image's heatmap data, as the embedder computes it (see the embedder's Explainer). */
    public record Side(int imageWidth, int imageHeight, double[] window, int gridWidth, int gridHeight,
            double[] shares, double rest, double[] heat) {
    }

    /** The embedder's explanation of a pair. */
    public record PairExplanation(String modelId, double score, Side query, Side match) {
    }

    /** Explains a pair of images (the embedder service). */
    public interface PairExplainer {
        CompletionStage<PairExplanation> explain(byte[] query, byte[] match);
    }

    /**
     * The explanation of one hit, with the query region's picture (the JPEG the detector cut, which the query's
     * heat lies over) and the address of the match's picture.
     */
    public record MatchExplanation(String productId, String cropId, String modelId, double score, Region queryBox,
            byte[] queryPicture, Side query, String matchPicture, Side match) {
    }

    /** The request names no picture, region or hit that can be explained; carries the HTTP status. */
    public static final class Unexplainable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        public Unexplainable(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final ObjectDetector detector;
    private final PairExplainer explainer;
    private final Optional<PictureStore> pictures;

    public MatchExplainer(ObjectDetector detector, PairExplainer explainer, Optional<PictureStore> pictures) {
        this.detector = detector;
        this.explainer = explainer;
        this.pictures = pictures;
    }

    /**
     * @param photo the query photo as searched
     * @param box   the query region of the search result the hit belongs to; empty for the whole photo
     */
    public CompletionStage<MatchExplanation> explain(byte[] photo, Optional<Region> box, String productId,
            String cropId) {
        PictureStore store = pictures.orElseThrow(() -> new Unexplainable(404, "this gateway keeps no product "
                + "pictures (snapfind.gateway.pictures-dir is not set), so there is no match to explain"));
        byte[] match = store.crop(productId, cropId).orElseThrow(() -> new Unexplainable(404, "product " + productId
                + " has no stored crop " + cropId + " (not indexed, deleted, or indexed before pictures were kept)"));
        String matchPicture = "/v1/products/" + URLEncoder.encode(productId, StandardCharsets.UTF_8).replace("+", "%20")
                + "/pictures/" + cropId;
        CompletionStage<byte[]> query = box.isEmpty() ? CompletableFuture.completedFuture(photo)
                : detector.detect(photo, SearchService.MAX_OBJECTS)
                        .thenApply(detections -> regionCrop(detections, box.get()));
        return query.thenCompose(region -> explainer.explain(region, match).thenApply(pair -> new MatchExplanation(
                productId, cropId, pair.modelId(), pair.score(), box.orElse(null), region, pair.query(), matchPicture,
                pair.match())));
    }

    /** The detector's crop of the object whose box is exactly {@code box}, as search embedded it. */
    private static byte[] regionCrop(Detections detections, Region box) {
        List<DetectedObject> objects = detections.objects();
        for (int i = 0; i < objects.size(); i++) {
            if (objects.get(i).box().equals(box) && detections.crops().get(i) != null) {
                return detections.crops().get(i);
            }
        }
        throw new Unexplainable(422, "no object of the photo was detected at " + box + "; the detected regions are "
                + objects.stream().map(o -> o.label() + " " + o.box()).collect(Collectors.joining(", ")));
    }
}
