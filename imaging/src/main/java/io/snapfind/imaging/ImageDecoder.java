package io.snapfind.imaging;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

import io.snapfind.imaging.ImageRejected.Reason;

/**
 * Decodes untrusted image bytes into an upright RGB image. The checks run cheapest first and before any pixel is
 * decoded: byte size, magic bytes, then the dimensions from the header, so a small file that claims a huge image
 * (a decompression bomb) is refused without allocating it. A plain JFIF JPEG, the common case, is decoded to its raw
 * YCbCr samples and converted to RGB only when asked ({@link DecodedImage}). Thread-safe.
 */
public final class ImageDecoder {

    static {
        // Registers the TwelveMonkeys readers even when this class loader is not the one ImageIO scanned at boot.
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    private static final ImageReaderSpi JDK_JPEG_READER = jdkJpegReader();

    private final ImageLimits limits;

    public ImageDecoder(ImageLimits limits) {
        this.limits = limits;
    }

    public ImageLimits limits() {
        return limits;
    }

    public DecodedImage decode(byte[] bytes) throws ImageRejected {
        ImageFormat format = check(bytes);
        if (format != ImageFormat.JPEG) {
            return new DecodedImage(toUprightRgb(read(bytes, reader -> reader.read(0)), 1), format);
        }
        JpegHeader header = JpegHeader.of(bytes);
        if (header.isPlainYCbCr() && header.orientation() == 1 && JDK_JPEG_READER != null) {
            try {
                return new DecodedImage(read(bytes, JDK_JPEG_READER, reader -> reader.readRaster(0, null)));
            } catch (ImageRejected e) {
                if (e.reason() != Reason.CORRUPT) {
                    throw e;
                }
                // TwelveMonkeys' reader repairs some files the JDK's refuses (missing Huffman tables, for one).
            }
        }
        return new DecodedImage(toUprightRgb(read(bytes, reader -> reader.read(0)), header.orientation()), format);
    }

    /**
     * The JDK's own JPEG reader, for plain JFIF files: TwelveMonkeys' reader, which ImageIO prefers, delegates the
     * decoding to it anyway after parsing the segments again for colour profiles such a file does not have.
     */
    private static ImageReaderSpi jdkJpegReader() {
        Iterator<ImageReaderSpi> providers = IIORegistry.getDefaultInstance()
                .getServiceProviders(ImageReaderSpi.class, true);
        while (providers.hasNext()) {
            ImageReaderSpi provider = providers.next();
            if (provider.getClass().getName().equals("com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi")) {
                return provider;
            }
        }
        return null;
    }

    /** The size and type checks alone: what a caller can refuse without decoding. */
    public ImageFormat check(byte[] bytes) throws ImageRejected {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejected(Reason.EMPTY, "the image is empty (0 bytes)");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ImageRejected(Reason.TOO_LARGE,
                    "the image has " + bytes.length + " bytes, more than the limit of " + limits.maxBytes());
        }
        return ImageFormat.sniff(bytes).orElseThrow(() -> new ImageRejected(Reason.NOT_AN_IMAGE,
                "the content is not a JPEG, PNG, GIF, BMP or WebP image (unrecognised leading bytes)"));
    }

    /** One read from an {@link ImageReader} whose input is set: the whole image, or its raw samples. */
    private interface ReadStep<T> {
        T read(ImageReader reader) throws IOException;
    }

    private <T> T read(byte[] bytes, ReadStep<T> step) throws ImageRejected {
        return read(bytes, null, step);
    }

    /** Reads with {@code provider}'s reader, or the first that ImageIO finds for the bytes when it is null. */
    private <T> T read(byte[] bytes, ImageReaderSpi provider, ReadStep<T> step) throws ImageRejected {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader;
            if (provider != null) {
                reader = provider.createReaderInstance();
            } else {
                Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
                if (!readers.hasNext()) {
                    throw new ImageRejected(Reason.UNSUPPORTED_FORMAT, "no decoder for this image format is installed");
                }
                reader = readers.next();
            }
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            try {
                reader.setInput(input, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw new ImageRejected(Reason.CORRUPT, "the image header declares " + width + "×" + height + " pixels");
                }
                if (width * height > limits.maxPixels()) {
                    throw new ImageRejected(Reason.TOO_MANY_PIXELS, "the image declares " + width + "×" + height
                            + " pixels, more than the limit of " + limits.maxPixels());
                }
                T image = step.read(reader);
                for (String warning : warnings) {
                    // The JDK's JPEG reader fills a truncated image with grey and only warns.
                    if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                        throw new ImageRejected(Reason.CORRUPT, "the image is truncated (" + warning + ")");
                    }
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new ImageRejected(Reason.CORRUPT, "the image cannot be decoded: " + e.getMessage(), e);
        }
    }

    /**
     * Draws the image onto a white RGB canvas, which converts grayscale, indexed, CMYK and alpha images alike, with
     * the EXIF orientation applied in the same pass.
     */
    static BufferedImage toUprightRgb(BufferedImage source, int orientation) {
        int w = source.getWidth();
        int h = source.getHeight();
        boolean swapsSides = orientation >= 5;
        BufferedImage rgb = new BufferedImage(swapsSides ? h : w, swapsSides ? w : h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
            g.drawImage(source, orientationTransform(orientation, w, h), null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    /** Maps stored pixels to display pixels for EXIF orientations 1..8. */
    private static AffineTransform orientationTransform(int orientation, int w, int h) {
        return switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);      // mirrored horizontally
            case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);     // rotated 180°
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);      // mirrored vertically
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);       // transposed
            case 6 -> new AffineTransform(0, 1, -1, 0, h, 0);      // rotated 90° clockwise
            case 7 -> new AffineTransform(0, -1, -1, 0, h, w);     // transversed
            case 8 -> new AffineTransform(0, -1, 1, 0, 0, w);      // rotated 90° counter-clockwise
            default -> new AffineTransform();
        };
    }
}
