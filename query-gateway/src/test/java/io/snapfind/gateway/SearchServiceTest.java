package io.snapfind.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.JpegEncoder;

class SearchServiceTest {

    private static final byte[] PHOTO = JpegEncoder.encode(new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB), 0.9f);

    private final List<Integer> embeddedBatchSizes = new ArrayList<>();
    private final CropEmbedder embedder = jpegs -> {
        embeddedBatchSizes.add(jpegs.size());
        return CompletableFuture.completedFuture(new CropEmbedder.Embeddings("test-model",
                jpegs.stream().map(j -> new float[] { 1, 0 }).toList()));
    };
    private final List<Optional<ProductFilter>> filters = new ArrayList<>();
    private final CropIndex index = new CropIndex() {
        @Override
        public CompletionStage<List<List<Hit>>> nearest(String model, List<float[]> vectors, int limit,
                Optional<ProductFilter> filter) {
            filters.add(filter);
            return CompletableFuture.completedFuture(vectors.stream().map(v -> List.of(hit("sofa-1", 0.91f),
                    hit("sofa-1", 0.88f), hit("sofa-2", 0.80f), hit("lamp-9", 0.30f))).toList());
        }

        @Override
        public CompletionStage<ProductVectors> vectorsOf(String productId) {
            return CompletableFuture.completedFuture(new ProductVectors("test-model", productId.equals("sofa-1")
                    ? List.of(new float[] { 1, 0 }, new float[] { 0, 1 }) : List.of()));
        }
    };

    @Test
    void wholeModeGroupsByProductAndRanksByScore() {
        SearchResult result = search(detectorFailing(), new SearchQuery(PHOTO, 10, Optional.empty(), -1f, SearchMode.WHOLE, true));
        assertEquals(List.of(1), embeddedBatchSizes, "one query, the whole photo");
        List<Hit> hits = result.results().get(0).hits();
        assertEquals(List.of("sofa-1", "sofa-2", "lamp-9"), hits.stream().map(Hit::productId).toList());
        assertEquals(0.91f, hits.get(0).score(), "a product is represented by its best crop");
        assertEquals("test-model", result.modelId());
        assertNull(result.degraded());
        assertEquals(200, result.width());
    }

    @Test
    void withoutGroupingEveryCropIsAHit() {
        SearchResult result = search(detectorFailing(), new SearchQuery(PHOTO, 2, Optional.empty(), -1f, SearchMode.WHOLE, false));
        assertEquals(List.of("sofa-1", "sofa-1"), result.results().get(0).hits().stream().map(Hit::productId).toList());
    }

    @Test
    void saysSoWhenNothingScoresAboveMinScore() {
        ObjectMatches matches = search(detectorFailing(),
                new SearchQuery(PHOTO, 10, Optional.empty(), 0.95f, SearchMode.WHOLE, true)).results().get(0);
        assertTrue(matches.hits().isEmpty());
        assertTrue(matches.message().contains("minScore 0.95") && matches.message().contains("0.910"), matches.message());
    }

    @Test
    void objectsModeQueriesEachDetectedObject() {
        ObjectDetector twoObjects = (image, crops) -> CompletableFuture.completedFuture(new Detections(200, 100, List.of(
                new DetectedObject("chair", 0.7f, new Region(10, 10, 60, 90)),
                new DetectedObject("couch", 0.9f, new Region(80, 20, 190, 95))), List.of(PHOTO, PHOTO)));
        SearchResult result = search(twoObjects, new SearchQuery(PHOTO, 10, Optional.empty(), -1f, SearchMode.OBJECTS, true));
        assertEquals(List.of(2), embeddedBatchSizes, "both crops embedded in one call");
        assertEquals(List.of("couch", "chair"), result.results().stream().map(r -> r.query().label()).toList(),
                "objects ranked by detector score");
        assertEquals(2, result.detected().size());
    }

    @Test
    void usesTheDetectorsCropsWithoutDecodingThePhoto() {
        byte[] chairCrop = { 1, 2, 3 };
        byte[] couchCrop = { 4, 5, 6 };
        List<byte[]> embedded = new ArrayList<>();
        CropEmbedder recording = jpegs -> {
            embedded.addAll(jpegs);
            return embedder.embed(jpegs);
        };
        ObjectDetector cutting = (image, crops) -> CompletableFuture.completedFuture(new Detections(200, 100, List.of(
                new DetectedObject("chair", 0.7f, new Region(10, 10, 60, 90)),
                new DetectedObject("couch", 0.9f, new Region(80, 20, 190, 95))), List.of(chairCrop, couchCrop)));
        byte[] undecodable = "not an image: the gateway must not need to decode it".getBytes();
        SearchResult result = new SearchService(cutting, recording, index, new ImageDecoder(ImageLimits.DEFAULT),
                Runnable::run).search(new SearchQuery(undecodable, 10, Optional.empty(), -1f, SearchMode.OBJECTS, true))
                .toCompletableFuture().join();
        assertEquals(List.of(couchCrop, chairCrop), embedded, "the detector's crops, best object first");
        assertEquals(200, result.width());
        assertEquals(List.of("couch", "chair"), result.results().stream().map(r -> r.query().label()).toList());
    }

    @Test
    void anObjectTheDetectorCutNoCropForIsNotSearched() {
        ObjectDetector oneCropMissing = (image, crops) -> CompletableFuture.completedFuture(new Detections(200, 100,
                List.of(new DetectedObject("chair", 0.7f, new Region(10, 10, 60, 90)),
                        new DetectedObject("couch", 0.9f, new Region(80, 20, 190, 95))),
                java.util.Arrays.asList(PHOTO, null)));
        SearchResult result = search(oneCropMissing, new SearchQuery(PHOTO, 10, Optional.empty(), -1f,
                SearchMode.OBJECTS, true));
        assertEquals(List.of(1), embeddedBatchSizes, "only the chair has a crop");
        assertEquals(List.of("chair"), result.results().stream().map(r -> r.query().label()).toList());
    }

    @Test
    void searchesTheWholePhotoWhenNothingIsDetected() {
        ObjectDetector nothing = (image, crops) -> CompletableFuture.completedFuture(new Detections(200, 100, List.of()));
        SearchResult result = search(nothing, new SearchQuery(PHOTO, 10, Optional.empty(), -1f, SearchMode.OBJECTS, true));
        assertEquals(DetectedObject.WHOLE_IMAGE, result.results().get(0).query().label());
        assertEquals(new Region(0, 0, 200, 100), result.results().get(0).query().box());
        assertNull(result.degraded());
    }

    @Test
    void degradesToTheWholeImageWhenTheDetectorIsDown() {
        SearchResult result = search(detectorFailing(), new SearchQuery(PHOTO, 10, Optional.empty(), -1f, SearchMode.OBJECTS, true));
        assertNotNull(result.degraded());
        assertTrue(result.degraded().contains("detector unavailable"), result.degraded());
        assertEquals(DetectedObject.WHOLE_IMAGE, result.results().get(0).query().label());
    }

    @Test
    void moreLikeThisSearchesWithTheProductsOwnVectorsAndLeavesItOut() {
        SearchService service = new SearchService(detectorFailing(), embedder, index,
                new ImageDecoder(ImageLimits.DEFAULT), Runnable::run);
        ProductFilter sofas = ProductFilter.parse("category = sofa");
        SearchService.Similar similar = service.similar("sofa-1", 1, Optional.of(sofas)).toCompletableFuture().join();

        assertEquals(List.of("sofa-2"), similar.hits().stream().map(Hit::productId).toList(), "itself left out, k = 1");
        assertEquals("test-model", similar.modelId());
        assertEquals(List.of(Optional.of(sofas)), filters, "the filter goes to the index");
        assertTrue(embeddedBatchSizes.isEmpty(), "nothing is embedded: the index's own vectors are used");
        CompletionException missing = assertThrows(CompletionException.class,
                () -> service.similar("nope", 5, Optional.empty()).toCompletableFuture().join());
        assertInstanceOf(SearchService.NotIndexedException.class, missing.getCause());
    }

    private SearchResult search(ObjectDetector detector, SearchQuery query) {
        SearchService service = new SearchService(detector, embedder, index, new ImageDecoder(ImageLimits.DEFAULT), Runnable::run);
        return service.search(query).toCompletableFuture().join();
    }

    private static ObjectDetector detectorFailing() {
        return (image, crops) -> CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
    }

    private static Hit hit(String productId, float score) {
        return new Hit(productId, "c".repeat(32), "sofa", "Sofa " + productId, score, "front", "couch", new Region(0, 0, 10, 10), Map.of());
    }
}
