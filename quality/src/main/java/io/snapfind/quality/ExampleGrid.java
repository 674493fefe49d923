package io.snapfind.quality;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.ImageRejected;

/**
 * A grid of example queries: each row a query photo, then its top results with a green frame where the label
 * matches at the chosen level, red where not. Thumbnails are small so the PNG stays a few hundred KB.
 */
final class ExampleGrid {

    static final int THUMB = 72;
    private static final int LABEL = 14;
    private static final int GAP = 6;
    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

    /** Queries spread evenly over the query list (which is sorted by class), so rows show different classes. */
    static List<Integer> spreadQueries(int queries, int rows) {
        List<Integer> chosen = new ArrayList<>();
        int count = Math.min(rows, queries);
        for (int r = 0; r < count; r++) {
            chosen.add((int) ((long) r * queries / count));
        }
        return chosen;
    }

    void write(EvalSet set, QualityRun.ConfigResult result, int level, List<Integer> queries, int columns, Path file)
            throws IOException {
        int cellHeight = THUMB + LABEL + GAP;
        int width = GAP + (columns + 1) * (THUMB + GAP) + GAP;
        int height = 24 + queries.size() * cellHeight + GAP;
        BufferedImage grid = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            g.drawString("query | top-" + columns + " of " + result.configuration().name() + " ("
                    + set.levels().get(level) + ")", GAP, 16);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            for (int row = 0; row < queries.size(); row++) {
                int q = queries.get(row);
                QualityRun.Outcome outcome = result.outcomes().get(q);
                EvalSet.Item query = set.queries().get(q);
                int y = 24 + row * cellHeight;
                draw(g, query, GAP, y, Color.BLUE, query.label(level));
                for (int c = 0; c < Math.min(columns, outcome.ranking().length); c++) {
                    EvalSet.Item hit = set.gallery().get(outcome.ranking()[c]);
                    boolean right = hit.label(level).equals(query.label(level));
                    draw(g, hit, GAP + (c + 1) * (THUMB + GAP) + GAP, y, right ? new Color(0, 150, 0) : Color.RED,
                            hit.label(level));
                }
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(grid, "png", file.toFile());
    }

    private void draw(Graphics2D g, EvalSet.Item item, int x, int y, Color frame, String label) throws IOException {
        BufferedImage thumb = thumbnail(item.path(), THUMB);
        g.drawImage(thumb, x + (THUMB - thumb.getWidth()) / 2, y + (THUMB - thumb.getHeight()) / 2, null);
        g.setColor(frame);
        g.setStroke(new BasicStroke(3));
        g.drawRect(x, y, THUMB, THUMB);
        g.setColor(Color.BLACK);
        String text = label.length() > 16 ? label.substring(0, 15) + "…" : label;
        g.drawString(text, x, y + THUMB + LABEL - 2);
    }

    /** The image scaled to fit a square of {@code side} pixels. */
    BufferedImage thumbnail(Path file, int side) throws IOException {
        BufferedImage image;
        try {
            image = decoder.decode(java.nio.file.Files.readAllBytes(file)).image();
        } catch (ImageRejected e) {
            throw new IOException("Cannot decode " + file + ": " + e.getMessage(), e);
        }
        double scale = (double) side / Math.max(image.getWidth(), image.getHeight());
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage thumb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = thumb.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image.getScaledInstance(w, h, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        } finally {
            g.dispose();
        }
        return thumb;
    }
}
