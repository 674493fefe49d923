package io.snapfind.quality;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;

/**
 * Synthetic room crops of catalog products, for a head that bridges catalog photos (one product on white) and room
 * crops (clutter, other light): the product is cut out of its photo, pasted at a random size and place onto a room
 * photo, darkened or tinted at random, and cut again as the detector would cut it (its box, padded, with a little
 * box noise). The cut-out is the photo's near-white background flood-filled from the border, a cheap stand-in for a
 * background-removal model that works on the catalog's studio photos; a photo without such a border is pasted whole.
 * Everything comes from one seeded {@link Random}, so the same inputs give the same composites.
 */
final class Composites {

    /** A channel value at least this, with channels this close together, is studio background. */
    static final int WHITE = 235;
    static final int GREY_SPREAD = 20;

    /**
     * How the composites vary.
     *
     * @param minScale smallest longer side of the pasted product, as a share of the room's shorter side
     * @param maxScale largest
     * @param padding  the crop's padding around the pasted box, as a share of its size (the detector pads by 0.05)
     * @param boxNoise how far each side of the crop may move, as a share of the box's size
     * @param minLight darkest brightness factor of the product (rooms are darker than studio photos)
     * @param maxLight brightest
     * @param tint     largest change of one colour channel relative to the others
     */
    record Settings(double minScale, double maxScale, double padding, double boxNoise, double minLight,
            double maxLight, double tint) {
        static final Settings DEFAULT = new Settings(0.2, 0.7, 0.05, 0.05, 0.6, 1.05, 0.06);
    }

    private final List<BufferedImage> backgrounds;
    private final Settings settings;
    private final Random random;

    Composites(List<BufferedImage> backgrounds, Settings settings, long seed) {
        if (backgrounds.isEmpty()) {
            throw new IllegalArgumentException("at least one background is needed");
        }
        this.backgrounds = backgrounds;
        this.settings = settings;
        this.random = new Random(seed);
    }

    /** The product of a catalog photo as an ARGB image, cut to its foreground; the whole photo if none is found. */
    static BufferedImage cutOut(BufferedImage photo) {
        int w = photo.getWidth();
        int h = photo.getHeight();
        boolean[] background = new boolean[w * h];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int x = 0; x < w; x++) {
            seed(photo, background, queue, x, 0);
            seed(photo, background, queue, x, h - 1);
        }
        for (int y = 0; y < h; y++) {
            seed(photo, background, queue, 0, y);
            seed(photo, background, queue, w - 1, y);
        }
        while (!queue.isEmpty()) {
            int i = queue.poll();
            int x = i % w;
            int y = i / w;
            if (x > 0) {
                seed(photo, background, queue, x - 1, y);
            }
            if (x < w - 1) {
                seed(photo, background, queue, x + 1, y);
            }
            if (y > 0) {
                seed(photo, background, queue, x, y - 1);
            }
            if (y < h - 1) {
                seed(photo, background, queue, x, y + 1);
            }
        }
        int minX = w;
        int minY = h;
        int maxX = -1;
        int maxY = -1;
        int foreground = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!background[y * w + x]) {
                    foreground++;
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        boolean found = foreground >= 0.02 * w * h;
        int x0 = found ? minX : 0;
        int y0 = found ? minY : 0;
        int cw = found ? maxX - minX + 1 : w;
        int ch = found ? maxY - minY + 1 : h;
        BufferedImage cut = new BufferedImage(cw, ch, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                int rgb = photo.getRGB(x0 + x, y0 + y) & 0xFFFFFF;
                boolean transparent = found && background[(y0 + y) * w + x0 + x];
                cut.setRGB(x, y, transparent ? rgb : 0xFF000000 | rgb);
            }
        }
        return cut;
    }

    private static void seed(BufferedImage photo, boolean[] background, ArrayDeque<Integer> queue, int x, int y) {
        int i = y * photo.getWidth() + x;
        if (background[i]) {
            return;
        }
        int rgb = photo.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        int min = Math.min(r, Math.min(g, b));
        int max = Math.max(r, Math.max(g, b));
        if (min >= WHITE && max - min <= GREY_SPREAD) {
            background[i] = true;
            queue.add(i);
        }
    }

    /** One composite crop of {@code product} (from {@link #cutOut}), RGB. */
    BufferedImage next(BufferedImage product) {
        BufferedImage room = backgrounds.get(random.nextInt(backgrounds.size()));
        int rw = room.getWidth();
        int rh = room.getHeight();
        double scale = settings.minScale() + random.nextDouble() * (settings.maxScale() - settings.minScale());
        double longer = scale * Math.min(rw, rh);
        double factor = longer / Math.max(product.getWidth(), product.getHeight());
        int pw = Math.max(8, (int) Math.round(product.getWidth() * factor));
        int ph = Math.max(8, (int) Math.round(product.getHeight() * factor));
        int px = random.nextInt(Math.max(1, rw - pw + 1));
        int py = random.nextInt(Math.max(1, rh - ph + 1));
        boolean mirror = random.nextBoolean();
        double light = settings.minLight() + random.nextDouble() * (settings.maxLight() - settings.minLight());
        double[] channel = new double[3];
        for (int c = 0; c < 3; c++) {
            channel[c] = light * (1 + settings.tint() * (2 * random.nextDouble() - 1));
        }

        BufferedImage canvas = new BufferedImage(rw, rh, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.drawImage(room, 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setComposite(AlphaComposite.SrcOver);
            BufferedImage lit = relight(product, channel);
            if (mirror) {
                g.drawImage(lit, px + pw, py, -pw, ph, null);
            } else {
                g.drawImage(lit, px, py, pw, ph, null);
            }
        } finally {
            g.dispose();
        }
        double pad = settings.padding();
        double noise = settings.boxNoise();
        int x0 = clamp(px - pw * (pad + noise * (2 * random.nextDouble() - 1)), rw - 1);
        int y0 = clamp(py - ph * (pad + noise * (2 * random.nextDouble() - 1)), rh - 1);
        int x1 = clamp(px + pw + pw * (pad + noise * (2 * random.nextDouble() - 1)), rw);
        int y1 = clamp(py + ph + ph * (pad + noise * (2 * random.nextDouble() - 1)), rh);
        return canvas.getSubimage(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
    }

    private static BufferedImage relight(BufferedImage product, double[] channel) {
        BufferedImage lit = new BufferedImage(product.getWidth(), product.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < product.getHeight(); y++) {
            for (int x = 0; x < product.getWidth(); x++) {
                int argb = product.getRGB(x, y);
                int r = Math.min(255, (int) (((argb >> 16) & 0xFF) * channel[0]));
                int g = Math.min(255, (int) (((argb >> 8) & 0xFF) * channel[1]));
                int b = Math.min(255, (int) ((argb & 0xFF) * channel[2]));
                lit.setRGB(x, y, (argb & 0xFF000000) | (r << 16) | (g << 8) | b);
            }
        }
        return lit;
    }

    private static int clamp(double value, int max) {
        return (int) Math.max(0, Math.min(max, Math.round(value)));
    }
}
