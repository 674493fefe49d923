package io.snapfind.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.util.Optional;

/**
 * A decoded, upright image and the format it arrived in. A plain JFIF JPEG keeps its raw YCbCr samples, which a
 * consumer that resamples anyway can use without the RGB conversion ({@link #jfifSamples()}); {@link #image()}
 * converts them, once, on first use.
 */
public final class DecodedImage {

    private final ImageFormat format;
    private final Raster jfifSamples;
    private BufferedImage image;

    DecodedImage(BufferedImage image, ImageFormat format) {
        this.image = image;
        this.format = format;
        this.jfifSamples = null;
    }

    DecodedImage(Raster jfifSamples) {
        this.format = ImageFormat.JPEG;
        this.jfifSamples = jfifSamples;
    }

    /** The pixels as {@link BufferedImage#TYPE_INT_RGB}. */
    public synchronized BufferedImage image() {
        if (image == null) {
            image = JfifColor.toRgb(jfifSamples);
        }
        return image;
    }

    /**
     * The three-band Y, Cb, Cr samples (JFIF, full resolution, upright) when the image was a plain JFIF JPEG; their
     * RGB is {@link #image()}, by the JFIF equations.
     */
    public Optional<Raster> jfifSamples() {
        return Optional.ofNullable(jfifSamples);
    }

    public ImageFormat format() {
        return format;
    }

    public int width() {
        return jfifSamples != null ? jfifSamples.getWidth() : image.getWidth();
    }

    public int height() {
        return jfifSamples != null ? jfifSamples.getHeight() : image.getHeight();
    }
}
