package io.snapfind.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.contracts.Crop;
import io.snapfind.detector.model.DetectorSpec;
import io.snapfind.detector.model.OnnxDetector;
import io.snapfind.detector.model.OnnxModel;
import io.snapfind.detector.model.YoloDecoding;
import io.snapfind.harness.ProjectPaths;

/** The two code paths the evaluation adds around the services' classes, on real models and images. */
class ViewsAndRawOutputTest {

    private static final Path MODELS = ProjectPaths.requireAssets().resolve("models");

    @Test
    void rawOutputNormalisedIsTheServicesVector() {
        List<Path> images = List.of(ProjectPaths.asset("photos/dog.jpg"),
                ProjectPaths.asset("datasets/ikea-interior/images/couch/002.729.20.jpg"));
        ViewMaker maker = new ViewMaker(null);
        try (Backbone backbone = Backbone.load(EmbedderCatalogue.load(MODELS).spec("mobilenetv2"), 1)) {
            for (Path image : images) {
                var whole = List.of(maker.views(image, false).whole());
                float[] service = backbone.embed(whole)[0];
                float[] raw = backbone.embedRaw(whole)[0];
                double norm = 0;
                double dot = 0;
                for (int i = 0; i < raw.length; i++) {
                    norm += raw[i] * raw[i];
                    dot += raw[i] * service[i];
                }
                assertTrue(Math.sqrt(norm) > 1.5, "the raw output is not normalised (length " + Math.sqrt(norm) + ")");
                assertEquals(1.0, dot / Math.sqrt(norm), 1e-5, image.toString());
            }
        }
    }

    @Test
    void cropsAreCutAsTheDetectorServiceCutsThem() throws Exception {
        Path room;
        try (Stream<Path> scenes = Files.list(ProjectPaths.asset("datasets/ikea-interior/images/room_scenes"))) {
            room = scenes.filter(p -> p.getFileName().toString().startsWith("ikea-a-bed-that-folds-away")).findFirst()
                    .orElseThrow();
        }
        try (OnnxDetector detector = OnnxDetector.load(DetectorSpec.YOLOV8N, MODELS, MODELS.resolve("coco80.names"),
                new YoloDecoding.Thresholds(0.25f, 0.45f, 100), OnnxModel.RuntimeSettings.DEFAULT)) {
            ViewMaker.Views views = new ViewMaker(detector).views(room, true);
            assertEquals(Crop.WHOLE_IMAGE, views.crops().get(0).label(), "crop 0 is the whole image");
            assertTrue(views.crops().size() >= 3, "the MANIFEST lists chairs, a bed and more in this scene: "
                    + views.crops().stream().map(ViewMaker.CropView::label).toList());
            assertTrue(views.crops().size() <= 1 + ViewMaker.SERVICE_CROP_SETTINGS.maxDetections());
            assertTrue(views.crops().stream().map(ViewMaker.CropView::label).anyMatch(l -> l.equals("chair")));
            assertTrue(views.cropMillis() > 0);
        }
    }
}
