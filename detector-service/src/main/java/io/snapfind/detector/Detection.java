package io.snapfind.detector;

/**
 * One object found in an image: COCO class, confidence, and its box in pixels of the original image (floating
 * point; {@code x1 < x2}, {@code y1 < y2}, inside the image).
 */
public record Detection(int classId, String label, float score, float x1, float y1, float x2, float y2) {

    public float width() {
        return x2 - x1;
    }

    public float height() {
        return y2 - y1;
    }

    public float area() {
        return Math.max(0, width()) * Math.max(0, height());
    }

    /** Intersection over union with {@code other}; 0 when they do not overlap. */
    public float iou(Detection other) {
        float ix = Math.min(x2, other.x2) - Math.max(x1, other.x1);
        float iy = Math.min(y2, other.y2) - Math.max(y1, other.y1);
        if (ix <= 0 || iy <= 0) {
            return 0f;
        }
        float intersection = ix * iy;
        return intersection / (area() + other.area() - intersection);
    }
}
