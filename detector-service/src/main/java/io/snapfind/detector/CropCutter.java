package io.snapfind.detector;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.snapfind.contracts.Box;
import io.snapfind.contracts.Crop;
import io.snapfind.contracts.CropIds;
import io.snapfind.imaging.JpegEncoder;

/**
 * Cuts the crops of one image. Crop 0 is always the whole image, so a product the detector misses is still indexed;
 * then the best detections above the minimum area, padded by the margin and clipped to the image. Ids come from
 * {@link CropIds}, so reprocessing the same image gives the same ids; a detection whose box rounds to an id already
 * taken (the whole image, or a near-duplicate box) is dropped, as a CropsEvent needs unique ids. Thread-safe.
 */
public final class CropCutter {

    private final CropSettings settings;

    public CropCutter(CropSettings settings) {
        this.settings = settings;
    }

    public CropSettings settings() {
        return settings;
    }

    /** Crop boxes with their labels and scores, before any pixel is copied. */
    public List<PlannedCrop> plan(int width, int height, List<Detection> detections) {
        List<PlannedCrop> planned = new ArrayList<>();
        planned.add(new PlannedCrop(new Box(0, 0, width, height), Crop.WHOLE_IMAGE, 1f));
        double imageArea = (double) width * height;
        detections.stream()
                .filter(detection -> detection.area() / imageArea >= settings.minArea())
                .sorted(Comparator.comparingDouble(Detection::score).reversed())
                .limit(settings.maxDetections())
                .forEach(detection -> paddedBox(detection, width, height)
                        .ifPresent(box -> planned.add(new PlannedCrop(box, detection.label(), detection.score()))));
        return planned;
    }

    public List<Crop> cut(String productId, String imageId, BufferedImage image, List<Detection> detections) {
        List<Crop> crops = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (PlannedCrop crop : plan(image.getWidth(), image.getHeight(), detections)) {
            String id = CropIds.of(productId, imageId, crop.box());
            if (ids.add(id)) {
                crops.add(new Crop(id, crop.box(), crop.label(), crop.score(), encode(image, crop.box())));
            }
        }
        return crops;
    }

    /** The detection's box grown by the margin and clipped to the image; empty when nothing of it is left. */
    public Optional<Box> paddedBox(Detection detection, int width, int height) {
        double padX = detection.width() * settings.margin();
        double padY = detection.height() * settings.margin();
        int x1 = clamp((int) Math.floor(detection.x1() - padX), width);
        int y1 = clamp((int) Math.floor(detection.y1() - padY), height);
        int x2 = clamp((int) Math.ceil(detection.x2() + padX), width);
        int y2 = clamp((int) Math.ceil(detection.y2() + padY), height);
        return x1 < x2 && y1 < y2 ? Optional.of(new Box(x1, y1, x2, y2)) : Optional.empty();
    }

    private static int clamp(int value, int max) {
        return Math.max(0, Math.min(max, value));
    }

    /** The JPEG of one box of the image, scaled down to the maximum side. */
    public byte[] encode(BufferedImage image, Box box) {
        int w = box.x2() - box.x1();
        int h = box.y2() - box.y1();
        double scale = Math.min(1.0, (double) settings.maxSide() / Math.max(w, h));
        int outW = Math.max(1, (int) Math.round(w * scale));
        int outH = Math.max(1, (int) Math.round(h * scale));
        // A fresh image rather than getSubimage: the encoder then sees a plain raster, and the crop holds no
        // reference to the (possibly very large) source.
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, outW, outH, box.x1(), box.y1(), box.x2(), box.y2(), null);
        } finally {
            g.dispose();
        }
        return JpegEncoder.encode(out, settings.jpegQuality());
    }

    /** A crop's box in original pixels, its label ({@link Crop#WHOLE_IMAGE} for crop 0) and score. */
    public record PlannedCrop(Box box, String label, float score) {
    }
}
