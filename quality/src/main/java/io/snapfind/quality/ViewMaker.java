package io.snapfind.quality;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.snapfind.contracts.Box;
import io.snapfind.contracts.Crop;
import io.snapfind.detector.CropCutter;
import io.snapfind.detector.CropSettings;
import io.snapfind.detector.Detector;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.ImageRejected;

/**
 * Turns an image file into what the models see: the whole image decoded as the services decode uploads
 * ({@link ImageDecoder}: magic bytes, size checks, EXIF orientation, RGB), and optionally its crops cut exactly as
 * the detector service cuts them ({@link Detector} then {@link CropCutter#cut}: crop 0 is the whole image, then the
 * best detections, padded, each re-encoded as JPEG) and decoded again as the embedder decodes the crops it receives.
 */
final class ViewMaker {

    /** The detector service's crop defaults (detector-service DetectorConfig.Crops). */
    static final CropSettings SERVICE_CROP_SETTINGS = new CropSettings(5, 0.01, 0.05, 640, 0.9f);

    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    private final Detector detector;
    private final CropCutter cutter = new CropCutter(SERVICE_CROP_SETTINGS);

    /** @param detector the detector for the crop views, or {@code null} when only whole images are needed */
    ViewMaker(Detector detector) {
        this.detector = detector;
    }

    /**
     * One crop as the embedder receives it: decoded pixels, the detector's label ("image" for crop 0), score, and
     * its box in the original image.
     */
    record CropView(BufferedImage image, String label, float score, Box box) {
    }

    /**
     * An image's views with the time each took: {@code wholeMillis} reading and decoding the file, {@code
     * cropMillis} detecting, cutting and re-decoding the crops (0 when no crops were asked for).
     */
    record Views(BufferedImage whole, List<CropView> crops, double wholeMillis, double cropMillis) {
        /** The crops' boxes as {x1, y1, x2, y2}. */
        List<int[]> boxes() {
            return crops.stream().map(c -> new int[] { c.box().x1(), c.box().y1(), c.box().x2(), c.box().y2() })
                    .toList();
        }
    }

    Views views(Path file, boolean withCrops) {
        long start = System.nanoTime();
        BufferedImage whole = decode(read(file), file);
        long decoded = System.nanoTime();
        if (!withCrops) {
            return new Views(whole, List.of(), millis(decoded - start), 0);
        }
        if (detector == null) {
            throw new IllegalStateException("crops were asked for but no detector is loaded");
        }
        List<Crop> crops = cutter.cut("evaluation", file.getFileName().toString(), whole,
                detector.detect(whole).detections());
        List<CropView> views = new ArrayList<>(crops.size());
        for (Crop crop : crops) {
            views.add(new CropView(decode(crop.jpeg(), file), crop.label(), crop.score(), crop.box()));
        }
        return new Views(whole, views, millis(decoded - start), millis(System.nanoTime() - decoded));
    }

    private BufferedImage decode(byte[] bytes, Path file) {
        try {
            return decoder.decode(bytes).image();
        } catch (ImageRejected e) {
            throw new IllegalArgumentException("Cannot use image " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
