package io.snapfind.quality;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.snapfind.contracts.Box;
import io.snapfind.detector.CropCutter;
import io.snapfind.detector.Detection;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.ImageRejected;

/**
 * The regions of a room photo that are searched, cut as the deployed system cuts them in the gateway's {@code
 * objects} mode: the detector service's {@code /v1/detect?crops=N} sorts its detections by score and returns the
 * padded crop of the best N ({@link CropCutter#paddedBox} and {@link CropCutter#encode}, as the catalog's crops;
 * no minimum area and no cap of 5 on this side); the gateway asks for and keeps the best {@code maxObjects} (its
 * {@code SearchService.MAX_OBJECTS} = 8) and, when nothing is detected, searches the whole photo instead. Options
 * add regions the gateway does not search today: the whole photo besides the objects, and grids of overlapping
 * tiles (cut and JPEG-encoded like a crop).
 */
final class RoomRegions {

    /** The gateway's {@code SearchService.MAX_OBJECTS}: detected objects beyond this many are not searched. */
    static final int GATEWAY_MAX_OBJECTS = 8;

    static final String OBJECT = "object";
    static final String WHOLE = "whole";
    static final String TILE = "tile";

    /**
     * @param maxObjects  detected objects searched at most, best score first
     * @param whole       also search the whole photo when objects were found
     * @param tileGrids   n for each n × n grid of tiles added (e.g. 2 and 3), empty for none
     * @param tileOverlap how much wider than a grid cell each tile is, as a fraction of the cell (0.25: a tile is
     *                    1.25 cells wide), the tiles spread evenly from edge to edge
     */
    record Settings(int maxObjects, boolean whole, List<Integer> tileGrids, double tileOverlap) {
        Settings {
            tileGrids = List.copyOf(tileGrids);
            if (maxObjects < 0) {
                throw new IllegalArgumentException("--max-objects must not be negative, got " + maxObjects);
            }
            if (tileOverlap < 0 || tileOverlap > 1) {
                throw new IllegalArgumentException("--tile-overlap must be in 0..1, got " + tileOverlap);
            }
            for (int n : tileGrids) {
                if (n < 1 || n > 8) {
                    throw new IllegalArgumentException("--tiles takes grid sizes 1..8, got " + n);
                }
            }
        }

        static final Settings GATEWAY = new Settings(GATEWAY_MAX_OBJECTS, false, List.of(), 0.25);

        String describe() {
            StringBuilder text = new StringBuilder("the best " + maxObjects + " detected objects (the whole photo "
                    + "when none)");
            if (whole) {
                text.append(" + the whole photo");
            }
            for (int n : tileGrids) {
                text.append(" + ").append(n).append('×').append(n).append(" tiles");
            }
            if (!tileGrids.isEmpty()) {
                text.append(String.format(java.util.Locale.ROOT, " (overlap %.2f)", tileOverlap));
            }
            return text.toString();
        }
    }

    /** One searched region: what it is, its label and score (the detector's; 1 otherwise), box and pixels. */
    record Region(String kind, String label, float score, Box box, BufferedImage image) {
    }

    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    private final CropCutter cutter;
    private final Settings settings;

    RoomRegions(CropCutter cutter, Settings settings) {
        this.cutter = cutter;
        this.settings = settings;
    }

    Settings settings() {
        return settings;
    }

    /** The regions of a decoded photo, given the detector's detections (in any order). */
    List<Region> regions(BufferedImage photo, List<Detection> detections) {
        int width = photo.getWidth();
        int height = photo.getHeight();
        Box all = new Box(0, 0, width, height);
        List<Region> regions = new ArrayList<>();
        List<Detection> best = detections.stream().sorted(Comparator.comparingDouble(Detection::score).reversed())
                .limit(settings.maxObjects()).toList();
        for (Detection detection : best) {
            cutter.paddedBox(detection, width, height).ifPresent(box -> regions.add(
                    new Region(OBJECT, detection.label(), detection.score(), box, decode(cutter.encode(photo, box)))));
        }
        // The gateway sends the photo's own bytes when it searches the whole photo; the embedder decodes them.
        if (regions.isEmpty() || settings.whole()) {
            regions.add(new Region(WHOLE, "image", 1f, all, photo));
        }
        for (int n : settings.tileGrids()) {
            for (Box box : tiles(width, height, n, settings.tileOverlap())) {
                regions.add(new Region(TILE, n + "x" + n, 1f, box, decode(cutter.encode(photo, box))));
            }
        }
        return regions;
    }

    /**
     * An n × n grid of tiles over a {@code width} × {@code height} image, row by row: each tile is {@code (1 +
     * overlap) / n} of the image on each side (at most all of it), the first at the top-left corner, the last at
     * the bottom-right, the others evenly between.
     */
    static List<Box> tiles(int width, int height, int n, double overlap) {
        int tileWidth = Math.max(1, Math.min(width, (int) Math.round(width * (1 + overlap) / n)));
        int tileHeight = Math.max(1, Math.min(height, (int) Math.round(height * (1 + overlap) / n)));
        List<Box> tiles = new ArrayList<>(n * n);
        for (int row = 0; row < n; row++) {
            int y = n == 1 ? 0 : (int) Math.round((double) row * (height - tileHeight) / (n - 1));
            for (int column = 0; column < n; column++) {
                int x = n == 1 ? 0 : (int) Math.round((double) column * (width - tileWidth) / (n - 1));
                tiles.add(new Box(x, y, x + tileWidth, y + tileHeight));
            }
        }
        return tiles;
    }

    private BufferedImage decode(byte[] jpeg) {
        try {
            return decoder.decode(jpeg).image();
        } catch (ImageRejected e) {
            throw new IllegalStateException("a region's JPEG cannot be decoded: " + e.getMessage(), e);
        }
    }
}
