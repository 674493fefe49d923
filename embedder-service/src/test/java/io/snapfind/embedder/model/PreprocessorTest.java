package io.snapfind.embedder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.snapfind.embedder.EmbedderTestImages;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.JpegEncoder;

class PreprocessorTest {

    private static final float[] MEAN = { 0.485f, 0.456f, 0.406f };
    private static final float[] STD = { 0.229f, 0.224f, 0.225f };

    private static ModelSpec spec(int size, int resize, ModelSpec.ChannelOrder order) {
        return new ModelSpec("test", Path.of("model.onnx"), null, "out", 8, size, resize, MEAN, STD, order);
    }

    @Test
    void aUniformImageBecomesTheNormalisedColourInEveryPixel() {
        float[] tensor = new Preprocessor(spec(224, 256, ModelSpec.ChannelOrder.RGB))
                .apply(filled(640, 480, new Color(200, 100, 50)));
        assertEquals(3 * 224 * 224, tensor.length);
        int[] rgb = { 200, 100, 50 };
        for (int c = 0; c < 3; c++) {
            float expected = (rgb[c] / 255f - MEAN[c]) / STD[c];
            for (int i = 0; i < 224 * 224; i++) {
                assertEquals(expected, tensor[c * 224 * 224 + i], 1e-5f, "plane " + c + " pixel " + i);
            }
        }
    }

    @Test
    void bgrModelsGetTheBluePlaneFirst() {
        BufferedImage image = filled(300, 300, new Color(10, 20, 30));
        float[] rgb = new Preprocessor(spec(32, 32, ModelSpec.ChannelOrder.RGB)).apply(image);
        float[] bgr = new Preprocessor(spec(32, 32, ModelSpec.ChannelOrder.BGR)).apply(image);
        int plane = 32 * 32;
        // Plane 0 of the BGR tensor is blue, normalised with the BGR entry's first mean/std.
        assertEquals((30 / 255f - MEAN[0]) / STD[0], bgr[0], 1e-5f);
        assertEquals((10 / 255f - MEAN[2]) / STD[2], bgr[2 * plane], 1e-5f);
        assertEquals((10 / 255f - MEAN[0]) / STD[0], rgb[0], 1e-5f);
    }

    @Test
    void theShorterSideIsScaledAndTheCentreCropped() {
        // 400×200: after scaling the shorter side to 256 it is 512×256 and the centre 224 columns are 144..367,
        // inside the green middle half (128..383); the red and blue quarters are cut off.
        BufferedImage wide = new BufferedImage(400, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = wide.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 100, 200);
        g.setColor(Color.GREEN);
        g.fillRect(100, 0, 200, 200);
        g.setColor(Color.BLUE);
        g.fillRect(300, 0, 100, 200);
        g.dispose();
        float[] tensor = new Preprocessor(spec(224, 256, ModelSpec.ChannelOrder.RGB)).apply(wide);
        float greenHigh = (1f - MEAN[1]) / STD[1];
        float redLow = (0f - MEAN[0]) / STD[0];
        int plane = 224 * 224;
        for (int i = 0; i < plane; i++) {
            assertEquals(redLow, tensor[i], 1e-4f, "no red at " + i);
            assertEquals(greenHigh, tensor[plane + i], 1e-4f, "green at " + i);
        }
    }

    @Test
    void anEdgeStaysWhereItIsWithoutResizing() {
        BufferedImage halves = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = halves.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(4, 0, 4, 8);
        g.dispose();
        float[] tensor = new Preprocessor(spec(8, 8, ModelSpec.ChannelOrder.RGB)).apply(halves);
        float black = (0f - MEAN[0]) / STD[0];
        float white = (1f - MEAN[0]) / STD[0];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(x < 4 ? black : white, tensor[y * 8 + x], 1e-5f, "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void everyImageTypeGivesTheSameTensorAsItsRgbCopy() {
        BufferedImage bgr = new BufferedImage(123, 77, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 77; y++) {
            for (int x = 0; x < 123; x++) {
                bgr.setRGB(x, y, (x * 2) << 16 | (y * 3) << 8 | ((x + y) & 0xFF));
            }
        }
        BufferedImage rgb = new BufferedImage(123, 77, BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(bgr, 0, 0, null);
        Preprocessor preprocessor = new Preprocessor(spec(64, 72, ModelSpec.ChannelOrder.RGB));
        assertArrayEquals(preprocessor.apply(rgb), preprocessor.apply(bgr), 1e-6f);
    }

    /**
     * A plain JFIF JPEG is preprocessed from its YCbCr samples; the tensor must be the one of its RGB image to the
     * bit, for the service's crops (square IKEA and grocery photos) and for wide, tall and small pictures.
     */
    @Test
    void jfifSamplesGiveTheTensorOfTheRgbImageExactly() throws Exception {
        ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
        Preprocessor preprocessor = new Preprocessor(spec(224, 256, ModelSpec.ChannelOrder.RGB));
        List<byte[]> jpegs = new ArrayList<>(EmbedderTestImages.mixed(8));
        BufferedImage photo = decoder.decode(jpegs.get(0)).image();
        jpegs.add(JpegEncoder.encode(photo.getSubimage(0, 100, 500, 180), 0.9f));
        jpegs.add(JpegEncoder.encode(photo.getSubimage(200, 0, 90, 500), 0.9f));
        jpegs.add(JpegEncoder.encode(photo.getSubimage(10, 10, 40, 30), 0.9f));
        for (byte[] jpeg : jpegs) {
            DecodedImage decoded = decoder.decode(jpeg);
            assertTrue(decoded.jfifSamples().isPresent(), "decoded from its YCbCr samples");
            assertArrayEquals(preprocessor.apply(decoded.image()), preprocessor.apply(decoded));
        }
    }

    /**
     * Against a direct, slow transcription of PIL's triangle-filter resize (double precision, every output pixel
     * summed over its 2-D window) followed by the centre crop: shrinking a tall and a wide image by non-integer
     * factors (windows of 3, 4 and more taps), and enlarging a small one.
     */
    @Test
    void matchesAStraightforwardAntialiasedResize() {
        Random random = new Random(20261123);
        for (int[] dimensions : new int[][] { { 301, 517 }, { 640, 250 }, { 100, 170 }, { 90, 80 }, { 37, 23 } }) {
            BufferedImage image = new BufferedImage(dimensions[0], dimensions[1], BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    image.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            float[] actual = new Preprocessor(spec(56, 64, ModelSpec.ChannelOrder.RGB)).apply(image);
            float[] expected = referenceTensor(image, 56, 64);
            assertArrayEquals(expected, actual, 1e-3f, image.getWidth() + "×" + image.getHeight());
        }
    }

    private static float[] referenceTensor(BufferedImage image, int size, int shorter) {
        int width = image.getWidth();
        int height = image.getHeight();
        int resizedWidth = width <= height ? shorter : Math.max(size, (int) ((long) shorter * width / height));
        int resizedHeight = width <= height ? Math.max(size, (int) ((long) shorter * height / width)) : shorter;
        int left = (int) Math.round((resizedWidth - size) / 2.0);
        int top = (int) Math.round((resizedHeight - size) / 2.0);
        float[] tensor = new float[3 * size * size];
        for (int y = 0; y < size; y++) {
            double[] rowWeights = triangleWeights(height, resizedHeight, top + y);
            int rowStart = (int) rowWeights[0];
            for (int x = 0; x < size; x++) {
                double[] columnWeights = triangleWeights(width, resizedWidth, left + x);
                int columnStart = (int) columnWeights[0];
                double[] rgb = new double[3];
                for (int j = 1; j < rowWeights.length; j++) {
                    for (int i = 1; i < columnWeights.length; i++) {
                        int pixel = image.getRGB(columnStart + i - 1, rowStart + j - 1);
                        double weight = rowWeights[j] * columnWeights[i];
                        rgb[0] += weight * ((pixel >> 16) & 0xFF);
                        rgb[1] += weight * ((pixel >> 8) & 0xFF);
                        rgb[2] += weight * (pixel & 0xFF);
                    }
                }
                for (int c = 0; c < 3; c++) {
                    double value = Math.min(255, Math.max(0, rgb[c]));
                    tensor[c * size * size + y * size + x] = (float) ((value / 255 - MEAN[c]) / STD[c]);
                }
            }
        }
        return tensor;
    }

    /** PIL's ImagingResample coefficients for output pixel {@code i}: {first source pixel, weights...}. */
    private static double[] triangleWeights(int sourceSize, int targetSize, int i) {
        double scale = (double) sourceSize / targetSize;
        double support = Math.max(scale, 1.0);
        double center = (i + 0.5) * scale;
        int min = Math.max((int) (center - support + 0.5), 0);
        int max = Math.min((int) (center + support + 0.5), sourceSize);
        double[] weights = new double[max - min + 1];
        weights[0] = min;
        double total = 0;
        for (int k = 0; k < max - min; k++) {
            double distance = Math.abs((k + min - center + 0.5) / support);
            weights[k + 1] = distance < 1 ? 1 - distance : 0;
            total += weights[k + 1];
        }
        for (int k = 1; k < weights.length; k++) {
            weights[k] /= total;
        }
        return weights;
    }

    private static BufferedImage filled(int width, int height, Color color) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }
}
