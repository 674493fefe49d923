package io.snapfind.gateway;

/** A rectangle in the query photo's pixels, x2 and y2 exclusive. */
public record Region(int x1, int y1, int x2, int y2) {

    public static Region whole(int width, int height) {
        return new Region(0, 0, width, height);
    }

    public int width() {
        return x2 - x1;
    }

    public int height() {
        return y2 - y1;
    }

    /** Grown by {@code margin} of its size on each side and clipped to the image. */
    public Region padded(double margin, int imageWidth, int imageHeight) {
        int dx = (int) Math.round(width() * margin);
        int dy = (int) Math.round(height() * margin);
        return new Region(Math.max(0, x1 - dx), Math.max(0, y1 - dy), Math.min(imageWidth, x2 + dx),
                Math.min(imageHeight, y2 + dy));
    }
}
