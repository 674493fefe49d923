package io.snapfind.imaging;

import java.awt.image.BufferedImage;

/** A decoded image, always {@link BufferedImage#TYPE_INT_RGB} and upright, with the format it arrived in. */
public record DecodedImage(BufferedImage image, ImageFormat format) {

    public int width() {
        return image.getWidth();
    }

    public int height() {
        return image.getHeight();
    }
}
