package io.snapfind.detector.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.snapfind.detector.Detection;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;

/** Both catalogue models on real photos, against the boxes verified in the assets MANIFEST. */
class OnnxDetectorIT {

    private static final YoloDecoding.Thresholds THRESHOLDS = new YoloDecoding.Thresholds(0.25f, 0.45f, 100);
    private static final ImageDecoder DECODER = new ImageDecoder(ImageLimits.DEFAULT);

    private static OnnxDetector yolov8;
    private static OnnxDetector yolox;

    @BeforeAll
    static void load() {
        Path models = ProjectPaths.asset("models");
        yolov8 = OnnxDetector.load(DetectorSpec.YOLOV8N, models, models.resolve("coco80.names"), THRESHOLDS, OnnxModel.RuntimeSettings.DEFAULT);
        yolox = OnnxDetector.load(DetectorSpec.YOLOX_NANO, models, models.resolve("coco80.names"), THRESHOLDS, OnnxModel.RuntimeSettings.DEFAULT);
    }

    @AfterAll
    static void close() {
        yolov8.close();
        yolox.close();
    }

    @Test
    void yolov8FindsTheDogAndTheBicycleWhereTheReferenceDoes() throws Exception {
        DecodedImage dog = decode("photos/dog.jpg");
        List<Detection> found = yolov8.detect(dog.image()).detections();
        assertBox(best(found, "dog"), 0.956f, 132, 219, 308, 539);
        assertBox(best(found, "bicycle"), 0.886f, 132, 137, 569, 420);
        assertBox(best(found, "car"), 0.609f, 468, 74, 693, 171);
        assertInside(found, dog);
    }

    @Test
    void yoloxFindsTheDogAndTheBicycleToo() throws Exception {
        DecodedImage dog = decode("photos/dog.jpg");
        List<Detection> found = yolox.detect(dog.image()).detections();
        assertBox(best(found, "dog"), 0.856f, 133, 207, 326, 543);
        assertEquals(0.804f, best(found, "bicycle").score(), 0.05f);
        assertInside(found, dog);
    }

    @Test
    void everyRoomSceneShowsFurnitureAndTheVerifiedOneMatches() throws Exception {
        Set<String> furniture = Set.of("chair", "couch", "bed", "dining table");
        List<Path> scenes;
        try (Stream<Path> files = Files.list(ProjectPaths.asset("datasets/ikea-interior/images/room_scenes"))) {
            scenes = files.sorted().toList();
        }
        assertTrue(scenes.size() >= 10, "room scenes present");
        int withFurniture = 0;
        for (Path scene : scenes) {
            DecodedImage image = DECODER.decode(Files.readAllBytes(scene));
            List<Detection> found = yolov8.detect(image.image()).detections();
            assertInside(found, image);
            if (found.stream().anyMatch(d -> furniture.contains(d.label()))) {
                withFurniture++;
            }
        }
        assertTrue(withFurniture >= scenes.size() - 1, withFurniture + " of " + scenes.size() + " scenes show furniture");

        DecodedImage verified = decode("datasets/ikea-interior/images/room_scenes/"
                + "ikea-a-bed-that-folds-away-to-be-a-sofa-by-day__1364309472525-s4.jpg");
        List<Detection> found = yolov8.detect(verified.image()).detections();
        assertEquals(0.920f, best(found, "chair").score(), 0.03f);
        assertEquals(0.717f, best(found, "bed").score(), 0.05f);
    }

    private static DecodedImage decode(String asset) throws IOException, io.snapfind.imaging.ImageRejected {
        return DECODER.decode(Files.readAllBytes(ProjectPaths.asset(asset)));
    }

    private static Detection best(List<Detection> detections, String label) {
        return detections.stream().filter(d -> d.label().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + label + " in " + detections));
    }

    /** Within 0.03 of the reference score and 6 px of each reference coordinate. */
    private static void assertBox(Detection detection, float score, int x1, int y1, int x2, int y2) {
        String actual = detection.toString();
        assertEquals(score, detection.score(), 0.03f, actual);
        assertEquals(x1, detection.x1(), 6f, actual);
        assertEquals(y1, detection.y1(), 6f, actual);
        assertEquals(x2, detection.x2(), 6f, actual);
        assertEquals(y2, detection.y2(), 6f, actual);
    }

    private static void assertInside(List<Detection> detections, DecodedImage image) {
        for (Detection d : detections) {
            assertTrue(d.x1() >= 0 && d.y1() >= 0 && d.x2() <= image.width() && d.y2() <= image.height()
                    && d.x1() < d.x2() && d.y1() < d.y2(), d + " inside " + image.width() + "x" + image.height());
        }
    }
}
