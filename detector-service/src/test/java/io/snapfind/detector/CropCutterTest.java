package io.snapfind.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.snapfind.contracts.Box;
import io.snapfind.contracts.Crop;
import io.snapfind.imaging.ImageFormat;

class CropCutterTest {

    private static final int W = 400;
    private static final int H = 300;
    private final CropCutter cutter = new CropCutter(new CropSettings(2, 0.01, 0.1, 128, 0.9f));
    private final BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);

    @Test
    void cropZeroIsTheWholeImageEvenWithoutDetections() {
        List<Crop> crops = cutter.cut("p1", "img", image, List.of());
        assertEquals(1, crops.size());
        assertEquals(new Box(0, 0, W, H), crops.get(0).box());
        assertEquals(Crop.WHOLE_IMAGE, crops.get(0).label());
        assertEquals(1f, crops.get(0).score());
    }

    @Test
    void keepsTheBestDetectionsAboveTheMinimumAreaPaddedAndClipped() {
        List<Detection> detections = List.of(
                new Detection(0, "person", 0.5f, 100, 100, 200, 200),
                new Detection(56, "chair", 0.9f, 350, 250, 400, 300),   // at the corner: padding must clip
                new Detection(16, "dog", 0.95f, 10, 10, 15, 15),        // 25 px² < 1 % of the image
                new Detection(2, "car", 0.3f, 0, 0, 100, 100));         // beyond maxDetections
        List<Crop> crops = cutter.cut("p1", "img", image, detections);
        assertEquals(List.of("image", "chair", "person"), crops.stream().map(Crop::label).toList());
        assertEquals(new Box(345, 245, 400, 300), crops.get(1).box());
        assertEquals(new Box(90, 90, 210, 210), crops.get(2).box());
        for (Crop crop : crops) {
            Box b = crop.box();
            assertTrue(b.x1() >= 0 && b.y1() >= 0 && b.x2() <= W && b.y2() <= H, crop.toString());
            assertEquals(ImageFormat.JPEG, ImageFormat.sniff(crop.jpeg()).orElseThrow());
        }
    }

    @Test
    void idsAreStableAndUnique() {
        List<Detection> detections = List.of(
                new Detection(56, "chair", 0.9f, 100, 100, 200, 200),
                new Detection(57, "couch", 0.8f, 101, 101, 201, 199),   // rounds to the chair's id: dropped
                new Detection(0, "person", 0.7f, -5, -5, 405, 305));    // padded and clipped: the whole image
        CropCutter wide = new CropCutter(new CropSettings(5, 0.01, 0.0, 128, 0.9f));
        List<Crop> first = wide.cut("p1", "img", image, detections);
        List<Crop> again = wide.cut("p1", "img", image, detections);
        assertEquals(List.of("image", "chair"), first.stream().map(Crop::label).toList());
        assertEquals(ids(first), ids(again));
        assertTrue(!ids(first).equals(ids(wide.cut("p1", "other-img", image, detections))), "ids depend on the image");
    }

    @Test
    void largeCropsAreScaledDownToTheMaximumSide() throws Exception {
        Crop whole = cutter.cut("p1", "img", image, List.of()).get(0);
        BufferedImage decoded = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(whole.jpeg()));
        assertEquals(128, decoded.getWidth());
        assertEquals(96, decoded.getHeight());
        assertEquals(new Box(0, 0, W, H), whole.box(), "the box stays in original pixels");
    }

    private static Set<String> ids(List<Crop> crops) {
        return crops.stream().map(Crop::cropId).collect(Collectors.toSet());
    }
}
