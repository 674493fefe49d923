package io.snapfind.detector;

/**
 * How detections become crops.
 *
 * @param maxDetections how many detection crops at most, best score first, besides the whole-image crop 0
 * @param minArea       the smallest detection kept, as a fraction of the image area (0.01 = 1 %)
 * @param margin        padding added on every side of a detection, as a fraction of its width and height
 * @param maxSide       crops larger than this many pixels on their longer side are scaled down before encoding
 * @param jpegQuality   JPEG quality of the crops, 0..1
 */
public record CropSettings(int maxDetections, double minArea, double margin, int maxSide, float jpegQuality) {

    public CropSettings {
        if (maxDetections < 0) {
            throw new IllegalArgumentException("maxDetections must not be negative, got " + maxDetections);
        }
        if (minArea < 0 || minArea > 1) {
            throw new IllegalArgumentException("minArea must be a fraction in 0..1, got " + minArea);
        }
        if (margin < 0 || margin > 1) {
            throw new IllegalArgumentException("margin must be a fraction in 0..1, got " + margin);
        }
        if (maxSide < 16) {
            throw new IllegalArgumentException("maxSide must be at least 16 px, got " + maxSide);
        }
        if (jpegQuality <= 0 || jpegQuality > 1) {
            throw new IllegalArgumentException("jpegQuality must be in (0, 1], got " + jpegQuality);
        }
    }
}
