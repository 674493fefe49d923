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
}
