package io.snapfind.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.junit.jupiter.api.Test;

import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.ImageRejected.Reason;

class ImageDecoderTest {

    /** One plain JFIF JPEG of the assets in this many is decoded both ways (fastPathGivesTheReadersPixelsBitForBit). */
    private static final int PLAIN_STRIDE = 12;

    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

    @Test
    void decodesARealPhotoToRgb() throws Exception {
        DecodedImage dog = decoder.decode(Files.readAllBytes(ProjectPaths.asset("photos/dog.jpg")));
        assertEquals(ImageFormat.JPEG, dog.format());
        assertEquals(768, dog.width());
        assertEquals(576, dog.height());
        assertEquals(BufferedImage.TYPE_INT_RGB, dog.image().getType());
    }

    /**
     * Plain JFIF JPEGs are decoded from their raw YCbCr samples (JfifColor); the JPEGs of the assets, with or
     * without an ICC profile, Adobe marker or EXIF, must give exactly the pixels of the reader's own RGB image.
     * Every JPEG that takes the general path is checked; of the plain ones (about 5,000, mostly from the same few
     * cameras and encoders) every n-th in path order, at least one per folder, so each data set's encoder is
     * covered and the test stays in seconds.
     */
    @Test
    void fastPathGivesTheReadersPixelsBitForBit() throws Exception {
        List<Path> jpegs;
        try (Stream<Path> files = Files.walk(ProjectPaths.asset("."))) {
            jpegs = files.filter(file -> file.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.jpe?g"))
                    .sorted().toList();
        }
        int plainSeen = 0;
        int plain = 0;
        int general = 0;
        Set<Path> foldersChecked = new HashSet<>();
        for (Path file : jpegs) {
            byte[] bytes = Files.readAllBytes(file);
            if (ImageFormat.sniff(bytes).orElse(null) != ImageFormat.JPEG) {
                continue;
            }
            JpegHeader header = JpegHeader.of(bytes);
            if (header.isPlainYCbCr() && header.orientation() == 1) {
                boolean firstInFolder = foldersChecked.add(file.getParent());
                if (plainSeen++ % PLAIN_STRIDE != 0 && !firstInFolder) {
                    continue;
                }
                plain++;
            } else {
                general++;
            }
            BufferedImage expected = ImageDecoder.toUprightRgb(ImageIO.read(new ByteArrayInputStream(bytes)),
                    header.orientation());
            BufferedImage actual = decoder.decode(bytes).image();
            assertEquals(expected.getWidth(), actual.getWidth(), file.toString());
            assertEquals(expected.getHeight(), actual.getHeight(), file.toString());
            assertArrayEquals(pixels(expected), pixels(actual), file.toString());
        }
        assertTrue(plain > 300 && general > 50, plain + " plain JFIF and " + general + " other JPEGs checked");
    }

    @Test
    void colourMarkersSendAJpegDownTheGeneralPath() throws Exception {
        assertTrue(JpegHeader.of(JpegEncoder.encode(new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB), 0.9f))
                .isPlainYCbCr(), "the crops the detector cuts");
        assertTrue(JpegHeader.of(Files.readAllBytes(ProjectPaths.asset("datasets/ikea-interior/images/chair/001.530.69.jpg")))
                .isPlainYCbCr());
        assertFalse(JpegHeader.of(Files.readAllBytes(ProjectPaths.asset("photos/dog.jpg"))).isPlainYCbCr(),
                "an ICC profile");
        assertFalse(JpegHeader.of(cmykJpeg()).isPlainYCbCr(), "four components");
        assertFalse(JpegHeader.of(new byte[] { (byte) 0xFF, (byte) 0xD8, 1, 2 }).isPlainYCbCr(), "unreadable");
    }

    @Test
    void pngNamedJpgIsDecodedAsPng() throws Exception {
        DecodedImage clock = decoder.decode(Files.readAllBytes(ProjectPaths.asset("datasets/ikea-interior/images/clock/img54.jpg")));
        assertEquals(ImageFormat.PNG, clock.format());
        assertEquals(BufferedImage.TYPE_INT_RGB, clock.image().getType());
    }

    @Test
    void refusesEmptyTextAndOversizedInput() {
        assertRejected(Reason.EMPTY, new byte[0]);
        assertRejected(Reason.NOT_AN_IMAGE, "just some text, not an image".getBytes(StandardCharsets.UTF_8));
        ImageDecoder small = new ImageDecoder(new ImageLimits(100, 1000));
        byte[] big = new byte[101];
        big[0] = (byte) 0xFF;
        ImageRejected rejected = assertThrows(ImageRejected.class, () -> small.decode(big));
        assertEquals(Reason.TOO_LARGE, rejected.reason());
        assertEquals(413, rejected.httpStatus());
    }

    @Test
    void refusesAPixelBombFromItsHeaderAlone() {
        ImageRejected rejected = assertRejected(Reason.TOO_MANY_PIXELS, pngHeaderClaiming(30000, 30000));
        assertTrue(rejected.getMessage().contains("30000×30000"), rejected.getMessage());
        assertEquals("too-many-pixels", rejected.code());
    }

    @Test
    void refusesCorruptAndTruncatedJpegs() throws Exception {
        byte[] dog = Files.readAllBytes(ProjectPaths.asset("photos/dog.jpg"));
        assertRejected(Reason.CORRUPT, Arrays.copyOf(dog, dog.length / 2));
        byte[] plainJfif = Files.readAllBytes(ProjectPaths.asset("datasets/ikea-interior/images/chair/001.530.69.jpg"));
        assertRejected(Reason.CORRUPT, Arrays.copyOf(plainJfif, plainJfif.length / 2));
        byte[] garbage = new byte[4096];
        garbage[0] = (byte) 0xFF;
        garbage[1] = (byte) 0xD8;
        garbage[2] = (byte) 0xFF;
        assertRejected(Reason.CORRUPT, garbage);
    }

    @Test
    void grayscaleAndAlphaBecomeRgbOnWhite() throws Exception {
        BufferedImage gray = new BufferedImage(8, 4, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 200);
        DecodedImage decodedGray = decoder.decode(png(gray));
        assertEquals(new Color(200, 200, 200).getRGB(), decodedGray.image().getRGB(0, 0));

        BufferedImage transparent = new BufferedImage(8, 4, BufferedImage.TYPE_INT_ARGB);
        DecodedImage decodedAlpha = decoder.decode(png(transparent));
        assertEquals(Color.WHITE.getRGB(), decodedAlpha.image().getRGB(3, 3), "fully transparent pixels are white");
    }

    @Test
    void cmykJpegIsConvertedToRgb() throws Exception {
        DecodedImage decoded = decoder.decode(cmykJpeg());
        assertEquals(BufferedImage.TYPE_INT_RGB, decoded.image().getType());
        assertEquals(16, decoded.width());
    }

    private static byte[] cmykJpeg() throws IOException {
        WritableRaster cmyk = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 16, 8, 4, null);
        for (int x = 0; x < 16; x++) {
            for (int y = 0; y < 8; y++) {
                cmyk.setPixel(x, y, new int[] { 0, 255, 255, 0 });
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(cmyk, null, null), null);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void exifOrientationIsApplied() throws Exception {
        BufferedImage landscape = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = landscape.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 20, 20);
        g.setColor(Color.BLUE);
        g.fillRect(20, 0, 20, 20);
        g.dispose();
        byte[] rotatedClockwise = withExifOrientation(JpegEncoder.encode(landscape, 0.95f), 6);

        DecodedImage upright = decoder.decode(rotatedClockwise);
        assertEquals(20, upright.width());
        assertEquals(40, upright.height());
        Color top = new Color(upright.image().getRGB(10, 5));
        Color bottom = new Color(upright.image().getRGB(10, 35));
        assertTrue(top.getRed() > 200 && top.getBlue() < 60, "left (red) half is on top after a 90° turn: " + top);
        assertTrue(bottom.getBlue() > 200 && bottom.getRed() < 60, "right (blue) half is at the bottom: " + bottom);
    }

    @Test
    void sniffsByMagicBytesOnly() {
        assertEquals(ImageFormat.GIF, ImageFormat.sniff("GIF89a....".getBytes(StandardCharsets.US_ASCII)).orElseThrow());
        assertEquals(ImageFormat.WEBP, ImageFormat.sniff("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII)).orElseThrow());
        assertTrue(ImageFormat.sniff("<html>".getBytes(StandardCharsets.US_ASCII)).isEmpty());
        assertTrue(ImageFormat.sniff("BM".getBytes(StandardCharsets.US_ASCII)).isEmpty());
    }

    private ImageRejected assertRejected(Reason reason, byte[] bytes) {
        ImageRejected rejected = assertThrows(ImageRejected.class, () -> decoder.decode(bytes));
        assertEquals(reason, rejected.reason(), rejected.getMessage());
        return rejected;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** A PNG signature and an IHDR chunk claiming the given size, with no pixel data at all. */
    static byte[] pngHeaderClaiming(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' })
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }

    /** Inserts an APP1 Exif segment with one Orientation entry after the JFIF APP0 segment. */
    private static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26)
                .put("MM".getBytes(StandardCharsets.US_ASCII)).putShort((short) 42).putInt(8)
                .putShort((short) 1)
                .putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0)
                .putInt(0);
        byte[] exifHeader = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int segmentLength = 2 + exifHeader.length + tiff.capacity();
        ByteBuffer app1 = ByteBuffer.allocate(2 + segmentLength).put((byte) 0xFF).put((byte) 0xE1)
                .putShort((short) segmentLength).put(exifHeader).put(tiff.array());
        int app0End = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        return ByteBuffer.allocate(jpeg.length + app1.capacity())
                .put(jpeg, 0, app0End).put(app1.array()).put(jpeg, app0End, jpeg.length - app0End).array();
    }
}
