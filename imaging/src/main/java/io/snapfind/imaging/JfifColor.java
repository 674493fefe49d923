package io.snapfind.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;

/**
 * JFIF YCbCr samples to sRGB with libjpeg's own integer arithmetic (jdcolor.c: 16-bit fixed point, rounded, clipped
 * to 0..255), so the result equals, bit for bit, what the JPEG reader gives when asked for an RGB image. Reading the
 * raw samples and converting here skips the reader's conversion and the copy onto an RGB canvas; a consumer that
 * needs only part of the image, as floats, converts only that part ({@link #readRgb}).
 */
public final class JfifColor {

    private static final int SCALE_BITS = 16;
    private static final int ONE_HALF = 1 << (SCALE_BITS - 1);
    private static final int RED_FROM_CR = fixed(1.40200);
    private static final int BLUE_FROM_CB = fixed(1.77200);
    private static final int GREEN_FROM_CB = -fixed(0.34414);
    private static final int GREEN_FROM_CR = -fixed(0.71414);

    private JfifColor() {
    }

    private static int fixed(double value) {
        return (int) (value * (1 << SCALE_BITS) + 0.5);
    }

    // libjpeg looks these up in tables of the same products; computed in place they measured faster here.
    private static int red(int luma, int cr) {
        return clip(luma + ((RED_FROM_CR * cr + ONE_HALF) >> SCALE_BITS));
    }

    private static int green(int luma, int cb, int cr) {
        return clip(luma + ((GREEN_FROM_CB * cb + GREEN_FROM_CR * cr + ONE_HALF) >> SCALE_BITS));
    }

    private static int blue(int luma, int cb) {
        return clip(luma + ((BLUE_FROM_CB * cb + ONE_HALF) >> SCALE_BITS));
    }

    private static int clip(int value) {
        return value < 0 ? 0 : (value > 255 ? 255 : value);
    }

    /** A {@link BufferedImage#TYPE_INT_RGB} image of the three-band YCbCr {@code samples}. */
    static BufferedImage toRgb(Raster samples) {
        int width = samples.getWidth();
        int height = samples.getHeight();
        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
        byte[] bytes = readerLayoutBytes(samples);
        if (bytes != null) {
            int start = ((DataBufferByte) samples.getDataBuffer()).getOffset();
            int scanline = ((ComponentSampleModel) samples.getSampleModel()).getScanlineStride();
            for (int y = 0, at = 0; y < height; y++) {
                for (int x = 0, p = start + y * scanline; x < width; x++, p += 3, at++) {
                    int luma = bytes[p] & 0xFF;
                    int cb = (bytes[p + 1] & 0xFF) - 128;
                    int cr = (bytes[p + 2] & 0xFF) - 128;
                    out[at] = red(luma, cr) << 16 | green(luma, cb, cr) << 8 | blue(luma, cb);
                }
            }
            return rgb;
        }
        int[] row = new int[3 * width];
        for (int y = 0; y < height; y++) {
            samples.getPixels(samples.getMinX(), samples.getMinY() + y, width, 1, row);
            for (int x = 0, at = y * width; x < width; x++, at++) {
                int luma = row[3 * x];
                int cb = row[3 * x + 1] - 128;
                int cr = row[3 * x + 2] - 128;
                out[at] = red(luma, cr) << 16 | green(luma, cb, cr) << 8 | blue(luma, cb);
            }
        }
        return rgb;
    }

    /** The samples' bytes when they are laid out as the JPEG reader gives them (Y, Cb, Cr interleaved), else null. */
    private static byte[] readerLayoutBytes(Raster samples) {
        if (samples.getDataBuffer() instanceof DataBufferByte buffer && buffer.getNumBanks() == 1
                && samples.getSampleModel() instanceof ComponentSampleModel layout
                && layout.getPixelStride() == 3 && samples.getSampleModelTranslateX() == 0
                && samples.getSampleModelTranslateY() == 0) {
            int[] bands = layout.getBandOffsets();
            if (bands[0] == 0 && bands[1] == 1 && bands[2] == 2) {
                return buffer.getData();
            }
        }
        return null;
    }

    /**
     * The red, green and blue values, as floats 0..255, of {@code count} pixels of row {@code y} from column
     * {@code x} on, of the three-band YCbCr {@code samples}.
     */
    public static void readRgb(Raster samples, int y, int x, int count, float[] red, float[] green, float[] blue) {
        byte[] bytes = readerLayoutBytes(samples);
        if (bytes != null) {
            int p = ((DataBufferByte) samples.getDataBuffer()).getOffset()
                    + y * ((ComponentSampleModel) samples.getSampleModel()).getScanlineStride() + 3 * x;
            for (int i = 0; i < count; i++, p += 3) {
                int luma = bytes[p] & 0xFF;
                int cb = (bytes[p + 1] & 0xFF) - 128;
                int cr = (bytes[p + 2] & 0xFF) - 128;
                red[i] = red(luma, cr);
                green[i] = green(luma, cb, cr);
                blue[i] = blue(luma, cb);
            }
            return;
        }
        int[] pixels = samples.getPixels(samples.getMinX() + x, samples.getMinY() + y, count, 1, (int[]) null);
        for (int i = 0; i < count; i++) {
            int luma = pixels[3 * i];
            int cb = pixels[3 * i + 1] - 128;
            int cr = pixels[3 * i + 2] - 128;
            red[i] = red(luma, cr);
            green[i] = green(luma, cb, cr);
            blue[i] = blue(luma, cb);
        }
    }
}
