package io.snapfind.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.Random;

import org.junit.jupiter.api.Test;

class JfifColorTest {

    @Test
    void greyStaysGreyAndSaturatedColoursAreClipped() {
        WritableRaster samples = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 3, 1, 3, null);
        samples.setPixel(0, 0, new int[] { 128, 128, 128 });
        samples.setPixel(1, 0, new int[] { 76, 85, 255 });   // JFIF red
        samples.setPixel(2, 0, new int[] { 255, 255, 255 }); // out of gamut: red and blue above 255
        BufferedImage rgb = JfifColor.toRgb(samples);
        assertEquals(0x808080, rgb.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFE0000, rgb.getRGB(1, 0) & 0xFFFFFF);
        assertEquals(0xFF79FF, rgb.getRGB(2, 0) & 0xFFFFFF); // green: 255 − 134
    }

    /** Rasters laid out otherwise than the JPEG reader's (here: bands reversed, a fourth byte) convert the same. */
    @Test
    void anyRasterLayoutGivesTheSameColours() {
        Random random = new Random(7);
        WritableRaster reader = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 13, 5, 3, null);
        WritableRaster other = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 13, 5, 13 * 4, 4,
                new int[] { 2, 1, 0 }, null);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 13; x++) {
                int[] sample = { random.nextInt(256), random.nextInt(256), random.nextInt(256) };
                reader.setPixel(x, y, sample);
                other.setPixel(x, y, sample);
            }
        }
        assertArrayEquals(pixels(JfifColor.toRgb(reader)), pixels(JfifColor.toRgb(other)));
        float[][] fromReader = { new float[9], new float[9], new float[9] };
        float[][] fromOther = { new float[9], new float[9], new float[9] };
        JfifColor.readRgb(reader, 3, 2, 9, fromReader[0], fromReader[1], fromReader[2]);
        JfifColor.readRgb(other, 3, 2, 9, fromOther[0], fromOther[1], fromOther[2]);
        int[] expected = pixels(JfifColor.toRgb(reader));
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(fromReader[c], fromOther[c]);
            for (int i = 0; i < 9; i++) {
                assertEquals((expected[3 * 13 + 2 + i] >> (16 - 8 * c)) & 0xFF, (int) fromReader[c][i]);
            }
        }
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
