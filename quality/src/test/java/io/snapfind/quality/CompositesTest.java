package io.snapfind.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

import org.junit.jupiter.api.Test;

class CompositesTest {

    /** A studio photo: white, a red 41 × 21 product with a white hole (a chair's back, say) inside it. */
    private static BufferedImage studioPhoto() {
        BufferedImage photo = new BufferedImage(100, 80, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        g.setColor(new Color(250, 250, 248));
        g.fillRect(0, 0, 100, 80);
        g.setColor(new Color(200, 30, 30));
        g.fillRect(20, 30, 41, 21);
        g.setColor(Color.WHITE);
        g.fillRect(35, 38, 5, 5);
        g.dispose();
        return photo;
    }

    private static BufferedImage plain(int w, int h, Color colour) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    @Test
    void cutOutKeepsTheProductAndDropsTheStudioBackground() {
        BufferedImage cut = Composites.cutOut(studioPhoto());
        assertEquals(41, cut.getWidth());
        assertEquals(21, cut.getHeight());
        for (int y = 0; y < cut.getHeight(); y++) {
            for (int x = 0; x < cut.getWidth(); x++) {
                assertEquals(0xFF, cut.getRGB(x, y) >>> 24, "opaque at " + x + "," + y + ", the hole included");
            }
        }
    }

    @Test
    void aPhotoWithoutStudioBackgroundIsKeptWhole() {
        BufferedImage cut = Composites.cutOut(plain(30, 20, Color.BLUE));
        assertEquals(30, cut.getWidth());
        assertEquals(20, cut.getHeight());
        assertEquals(0xFF, cut.getRGB(0, 0) >>> 24);
    }

    @Test
    void compositesShowTheProductOnTheRoomAndRepeatWithTheSeed() {
        BufferedImage product = Composites.cutOut(studioPhoto());
        List<BufferedImage> rooms = List.of(plain(400, 300, new Color(40, 90, 40)));
        Composites first = new Composites(rooms, Composites.Settings.DEFAULT, 7);
        Composites again = new Composites(rooms, Composites.Settings.DEFAULT, 7);
        for (int i = 0; i < 20; i++) {
            BufferedImage crop = first.next(product);
            BufferedImage same = again.next(product);
            assertArrayEquals(crop.getRGB(0, 0, crop.getWidth(), crop.getHeight(), null, 0, crop.getWidth()),
                    same.getRGB(0, 0, same.getWidth(), same.getHeight(), null, 0, same.getWidth()), "seeded");
            int red = 0;
            int green = 0;
            for (int y = 0; y < crop.getHeight(); y++) {
                for (int x = 0; x < crop.getWidth(); x++) {
                    Color c = new Color(crop.getRGB(x, y));
                    if (c.getRed() > 100 && c.getGreen() < 60) {
                        red++;
                    } else if (c.getGreen() > 70 && c.getRed() < 60) {
                        green++;
                    }
                }
            }
            int area = crop.getWidth() * crop.getHeight();
            assertTrue(red > 0.6 * area, "mostly product: " + red + " of " + area);
            assertTrue(green > 0, "some room around it");
            assertTrue(crop.getWidth() <= 400 && crop.getHeight() <= 300);
        }
    }
}
