package io.snapfind.imaging;

/** The largest encoded size and the largest pixel count an image may have before it is even decoded. */
public record ImageLimits(long maxBytes, long maxPixels) {

    public static final ImageLimits DEFAULT = new ImageLimits(20L * 1024 * 1024, 40_000_000L);

    public ImageLimits {
        if (maxBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("image limits must be positive: " + maxBytes + " bytes, " + maxPixels + " pixels");
        }
    }
}
