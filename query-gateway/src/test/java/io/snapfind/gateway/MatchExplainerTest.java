package io.snapfind.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.snapfind.imaging.pictures.PictureStore;

/** Which two images the gateway sends to be explained, and what it refuses. */
class MatchExplainerTest {

    private static final String CROP_ID = "ab".repeat(16);
    private static final byte[] PHOTO = { 1 };
    private static final byte[] CHAIR_CROP = { 2 };
    private static final byte[] LAMP_CROP = { 3 };
    private static final byte[] STORED = { 4 };
    private static final Region CHAIR = new Region(10, 20, 110, 220);

    @TempDir
    Path pictures;

    private final List<byte[][]> explained = new ArrayList<>();

    @Test
    void explainsTheDetectorsCropOfTheResultsBoxAgainstTheHitsStoredCrop() {
        MatchExplainer.MatchExplanation answer = explainer(store()).explain(PHOTO, Optional.of(CHAIR), "chair/1", CROP_ID)
                .toCompletableFuture().join();

        assertArrayEquals(CHAIR_CROP, explained.get(0)[0], "the crop search embedded for that box");
        assertArrayEquals(STORED, explained.get(0)[1], "the crop the pipeline indexed");
        assertArrayEquals(CHAIR_CROP, answer.queryPicture());
        assertEquals("/v1/products/chair%2F1/pictures/" + CROP_ID, answer.matchPicture());
        assertEquals(0.5, answer.score());
    }

    @Test
    void aWholePhotoResultExplainsThePhotoItself() {
        explainer(store()).explain(PHOTO, Optional.empty(), "chair/1", CROP_ID).toCompletableFuture().join();
        assertArrayEquals(PHOTO, explained.get(0)[0]);
    }

    @Test
    void refusesABoxNoObjectWasDetectedAtAndAHitWithoutPicture() {
        Throwable wrongBox = assertThrows(CompletionException.class, () -> explainer(store())
                .explain(PHOTO, Optional.of(new Region(0, 0, 5, 5)), "chair/1", CROP_ID).toCompletableFuture().join())
                .getCause();
        assertEquals(422, assertInstanceOf(MatchExplainer.Unexplainable.class, wrongBox).status());
        assertTrue(wrongBox.getMessage().contains("chair"), wrongBox.getMessage());

        MatchExplainer.Unexplainable missing = assertThrows(MatchExplainer.Unexplainable.class,
                () -> explainer(store()).explain(PHOTO, Optional.empty(), "chair/2", CROP_ID));
        assertEquals(404, missing.status());
        MatchExplainer.Unexplainable none = assertThrows(MatchExplainer.Unexplainable.class,
                () -> explainer(Optional.empty()).explain(PHOTO, Optional.empty(), "chair/1", CROP_ID));
        assertTrue(none.getMessage().contains("pictures-dir"), none.getMessage());
        assertTrue(explained.isEmpty(), "nothing is sent to the embedder");
    }

    private Optional<PictureStore> store() {
        PictureStore store = new PictureStore(pictures);
        store.put("chair/1", List.of("front"), Map.of("front", List.of(new PictureStore.Picture(CROP_ID, STORED))));
        return Optional.of(store);
    }

    private MatchExplainer explainer(Optional<PictureStore> store) {
        ObjectDetector detector = (image, crops) -> CompletableFuture.completedFuture(new Detections(640, 480,
                List.of(new DetectedObject("chair", 0.9f, CHAIR), new DetectedObject("lamp", 0.6f, new Region(0, 0, 50, 50))),
                List.of(CHAIR_CROP, LAMP_CROP)));
        MatchExplainer.Side side = new MatchExplainer.Side(1, 1, new double[] { 0, 0, 1, 1 }, 1, 1, new double[] { 0.5 },
                0, new double[] { 0 });
        MatchExplainer.PairExplainer pairs = (query, match) -> {
            explained.add(new byte[][] { query, match });
            return CompletableFuture.completedFuture(new MatchExplainer.PairExplanation("m", 0.5, side, side));
        };
        return new MatchExplainer(detector, pairs, store);
    }
}
