package io.snapfind.harness;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * A catalog product photographed on white, cut out and pasted onto a room photo at a known place: a query whose
 * object box is known exactly, for tests and the quality tool's explanation figures. The background is the
 * near-white ({@link #WHITE}) region connected to the photo's border, so white parts inside a product (a white
 * chair's seat inside its outline) stay; the box is the bounding box of the pasted cut-out.
 *
 * @param image the room with the product on it
 * @param x1    the pasted product's box in {@code image}, in pixels
 */
public record Composite(BufferedImage image, int x1, int y1, int x2, int y2) {

    /** A pixel whose three channels are all at least this is the catalog photo's white background. */
    public static final int WHITE = 240;

    /**
     * Pastes the product so that its longer side is {@code size} × the room's shorter side and its box is centred
     * at ({@code centreX} × width, {@code centreY} × height), moved inside the room where it would stick out.
     */
    public static Composite paste(BufferedImage product, BufferedImage room, double size, double centreX,
            double centreY) {
        double scale = size * Math.min(room.getWidth(), room.getHeight())
                / Math.max(product.getWidth(), product.getHeight());
        int width = Math.max(1, (int) Math.round(product.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(product.getHeight() * scale));
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(product, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        boolean[] background = background(scaled);
        int minX = width;
        int minY = height;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (!background[y * width + x]) {
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    maxX = Math.max(maxX, x);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (maxX < 0) {
            throw new IllegalArgumentException("the product photo is all white: nothing to paste");
        }
        int boxWidth = maxX - minX + 1;
        int boxHeight = maxY - minY + 1;
        int left = clamp((int) Math.round(centreX * room.getWidth() - boxWidth / 2.0), room.getWidth() - boxWidth);
        int top = clamp((int) Math.round(centreY * room.getHeight() - boxHeight / 2.0), room.getHeight() - boxHeight);
        BufferedImage out = new BufferedImage(room.getWidth(), room.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D canvas = out.createGraphics();
        try {
            canvas.drawImage(room, 0, 0, null);
        } finally {
            canvas.dispose();
        }
        for (int y = minY; y <= maxY; y++) {
            for (int x = minX; x <= maxX; x++) {
                if (!background[y * width + x]) {
                    out.setRGB(left + x - minX, top + y - minY, scaled.getRGB(x, y));
                }
            }
        }
        return new Composite(out, left, top, left + boxWidth, top + boxHeight);
    }

    /** The near-white pixels reachable from the border through near-white pixels (4-connected). */
    private static boolean[] background(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        boolean[] seen = new boolean[width * height];
        java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
        for (int x = 0; x < width; x++) {
            visit(image, seen, queue, x, 0);
            visit(image, seen, queue, x, height - 1);
        }
        for (int y = 0; y < height; y++) {
            visit(image, seen, queue, 0, y);
            visit(image, seen, queue, width - 1, y);
        }
        while (!queue.isEmpty()) {
            int at = queue.poll();
            int x = at % width;
            int y = at / width;
            if (x > 0) visit(image, seen, queue, x - 1, y);
            if (x < width - 1) visit(image, seen, queue, x + 1, y);
            if (y > 0) visit(image, seen, queue, x, y - 1);
            if (y < height - 1) visit(image, seen, queue, x, y + 1);
        }
        return seen;
    }

    private static void visit(BufferedImage image, boolean[] seen, java.util.ArrayDeque<Integer> queue, int x, int y) {
        int at = y * image.getWidth() + x;
        if (!seen[at] && white(image.getRGB(x, y))) {
            seen[at] = true;
            queue.add(at);
        }
    }

    private static boolean white(int rgb) {
        return ((rgb >>> 16) & 0xFF) >= WHITE && ((rgb >>> 8) & 0xFF) >= WHITE && (rgb & 0xFF) >= WHITE;
    }

    private static int clamp(int value, int max) {
        return Math.max(0, Math.min(max, value));
    }
}
