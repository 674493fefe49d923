package io.snapfind.gateway.web;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.imageio.ImageIO;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.snapfind.gateway.CropEmbedder;
import io.snapfind.gateway.CropIndex;
import io.snapfind.gateway.DetectedObject;
import io.snapfind.gateway.Detections;
import io.snapfind.gateway.Hit;
import io.snapfind.gateway.ObjectDetector;
import io.snapfind.gateway.ProductFilter;
import io.snapfind.gateway.Region;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * Stand-ins for the detector, embedder and Milvus, so the web page can be tested on its own: two objects in
 * every photo, and three products for each. The real chain is covered by the end-to-end test.
 */
public class FakeSearchBackends implements QuarkusTestProfile {

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(Detector.class, Embedder.class, Index.class);
    }

    @Alternative
    @Priority(1)
    @ApplicationScoped
    public static class Detector implements ObjectDetector {
        @Override
        public CompletionStage<Detections> detect(byte[] image, int crops) {
            // The real detector reports the photo's size and cuts a crop per object; the fake embedder never looks
            // inside a crop.
            BufferedImage photo;
            try {
                photo = ImageIO.read(new ByteArrayInputStream(image));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return CompletableFuture.completedFuture(new Detections(photo.getWidth(), photo.getHeight(), List.of(
                    new DetectedObject("chair", 0.92f, new Region(40, 60, 200, 300)),
                    new DetectedObject("couch", 0.81f, new Region(220, 120, 480, 330))),
                    List.of(new byte[] { 1 }, new byte[] { 2 })));
        }
    }

    @Alternative
    @Priority(1)
    @ApplicationScoped
    public static class Embedder implements CropEmbedder {
        @Override
        public CompletionStage<Embeddings> embed(List<byte[]> jpegs) {
            return CompletableFuture.completedFuture(new Embeddings("fake", jpegs.stream().map(j -> new float[] { 1, 0 }).toList()));
        }
    }

    @Alternative
    @Priority(1)
    @ApplicationScoped
    public static class Index implements CropIndex {
        @Override
        public CompletionStage<List<List<Hit>>> nearest(String modelId, List<float[]> vectors, int limit,
                Optional<ProductFilter> filter) {
            List<Hit> hits = List.of(
                    new Hit("chair-1", "1".repeat(32), "chair", "Oak chair", 0.93f, "front", "chair", new Region(0, 0, 10, 10), Map.of()),
                    new Hit("chair-2", "2".repeat(32), "chair", "Pine chair", 0.87f, "front", "chair", new Region(0, 0, 10, 10), Map.of()),
                    new Hit("couch-7", "7".repeat(32), "couch", "Grey couch", 0.71f, "front", "couch", new Region(0, 0, 10, 10), Map.of()));
            return CompletableFuture.completedFuture(vectors.stream().map(v -> hits).toList());
        }

        @Override
        public CompletionStage<ProductVectors> vectorsOf(String productId) {
            return CompletableFuture.completedFuture(new ProductVectors("fake",
                    productId.equals("chair-1") ? List.of(new float[] { 1, 0 }) : List.of()));
        }
    }
}
