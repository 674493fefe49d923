package io.snapfind.quality;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import io.snapfind.contracts.Box;

/**
 * Example rooms: each block shows the room photo with its searched regions boxed and numbered, then one row per
 * region (its crop, then its first hits) and a last row with the room's first merged products. Hits that are
 * products of the room are framed green, others light grey.
 */
final class RoomsGrid {

    static final int THUMB = 48;
    private static final int GAP = 4;
    private static final int CAPTION = 11;
    private static final int ROOM_SIDE = 300;
    private static final int REGION_ROWS = 6;
    private static final int HITS = 5;
    private static final int MERGED = 10;
    private static final Color RIGHT = new Color(0, 160, 0);
    private static final Color WRONG = new Color(200, 200, 200);
    private static final Color[] REGION_COLOURS = { new Color(230, 90, 0), new Color(0, 110, 220),
            new Color(170, 0, 170), new Color(0, 150, 150), new Color(200, 160, 0), new Color(120, 60, 20),
            new Color(220, 0, 60), new Color(80, 80, 80) };

    private final ExampleGrid thumbnails = new ExampleGrid();
    private final Map<Integer, BufferedImage> productThumbs = new HashMap<>();

    void write(RoomsRun.Result run, List<RoomsRun.RoomResult> rooms, Path file) throws IOException {
        int rowHeight = THUMB + CAPTION + GAP;
        int columns = Math.max(MERGED, 1 + HITS + 1);
        int width = GAP + ROOM_SIDE + 2 * GAP + columns * (THUMB + GAP) + GAP;
        int[] heights = new int[rooms.size()];
        int height = 22;
        for (int i = 0; i < rooms.size(); i++) {
            int rows = Math.min(REGION_ROWS, rooms.get(i).regions().size()) + 1;
            heights[i] = 18 + Math.max(ROOM_SIDE + CAPTION, rows * rowHeight + CAPTION) + 2 * GAP;
            height += heights[i];
        }
        BufferedImage grid = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            g.drawString("room with its regions | per region: crop, first " + HITS + " products | last row: first "
                    + MERGED + " merged products; green = in the room", GAP, 15);
            int y = 22;
            for (int i = 0; i < rooms.size(); i++) {
                drawRoom(g, run, rooms.get(i), y, rowHeight);
                y += heights[i];
                g.setColor(new Color(225, 225, 225));
                g.drawLine(0, y - GAP, width, y - GAP);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(grid, "png", file.toFile());
    }

    private void drawRoom(Graphics2D g, RoomsRun.Result run, RoomsRun.RoomResult room, int top, int rowHeight)
            throws IOException {
        RoomScoring.RoomFigures f = room.figures();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
        g.setColor(Color.BLACK);
        String name = room.room().name();
        g.drawString(String.format(java.util.Locale.ROOT, "%s | %d products | hit@10 %s, R@10 %.2f, "
                + "R@50 %.2f, top-1 %d/%d", name.length() > 44 ? name.substring(0, 43) + "…" : name,
                room.products().size(), f.hitAt10() ? "yes" : "no", f.recallAt10(), f.recallAt50(), f.regionsRight(),
                f.regions()), GAP, top + 12);
        int y = top + 18;
        BufferedImage photo = thumbnails.thumbnail(room.room().image(), ROOM_SIDE);
        double scale = (double) photo.getWidth() / room.width();
        g.drawImage(photo, GAP, y, null);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 10));
        for (int r = 0; r < room.regions().size(); r++) {
            RoomRegions.Region region = room.regions().get(r).region();
            if (!region.kind().equals(RoomRegions.OBJECT)) {
                continue;
            }
            Box box = region.box();
            g.setColor(REGION_COLOURS[r % REGION_COLOURS.length]);
            g.setStroke(new BasicStroke(2));
            int bx = GAP + (int) Math.round(box.x1() * scale);
            int by = y + (int) Math.round(box.y1() * scale);
            g.drawRect(bx, by, (int) Math.round((box.x2() - box.x1()) * scale),
                    (int) Math.round((box.y2() - box.y1()) * scale));
            g.fillRect(bx, by, 14, 12);
            g.setColor(Color.WHITE);
            g.drawString(Integer.toString(r + 1), bx + 2, by + 10);
        }
        int x0 = GAP + ROOM_SIDE + 2 * GAP;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        int shown = Math.min(REGION_ROWS, room.regions().size());
        for (int r = 0; r < shown; r++) {
            RoomsRun.RegionResult result = room.regions().get(r);
            int rowY = y + r * rowHeight;
            Color colour = result.region().kind().equals(RoomRegions.OBJECT)
                    ? REGION_COLOURS[r % REGION_COLOURS.length] : Color.DARK_GRAY;
            drawThumb(g, scaled(result.region().image(), THUMB), x0, rowY, colour,
                    (r + 1) + " " + result.region().label());
            for (int h = 0; h < Math.min(HITS, result.hits().size()); h++) {
                int product = result.hits().get(h).product();
                drawProduct(g, run, product, room.products().contains(product), x0 + (h + 1) * (THUMB + GAP) + GAP,
                        rowY, String.format(java.util.Locale.ROOT, "%.2f", result.hits().get(h).score()));
            }
        }
        int mergedY = y + shown * rowHeight;
        if (room.regions().size() > shown) {
            g.setColor(Color.GRAY);
            g.drawString("+" + (room.regions().size() - shown) + " more regions", x0 + (HITS + 1) * (THUMB + GAP)
                    + 2 * GAP, y + (shown - 1) * rowHeight + THUMB / 2);
        }
        for (int m = 0; m < Math.min(MERGED, room.merged().size()); m++) {
            int product = room.merged().get(m).product();
            drawProduct(g, run, product, room.products().contains(product), x0 + m * (THUMB + GAP), mergedY,
                    "#" + (m + 1));
        }
    }

    private void drawProduct(Graphics2D g, RoomsRun.Result run, int product, boolean right, int x, int y,
            String caption) throws IOException {
        BufferedImage thumb = productThumbs.get(product);
        if (thumb == null) {
            thumb = thumbnails.thumbnail(run.catalog().products().get(product).image(), THUMB);
            productThumbs.put(product, thumb);
        }
        drawThumb(g, thumb, x, y, right ? RIGHT : WRONG, caption);
    }

    private static void drawThumb(Graphics2D g, BufferedImage thumb, int x, int y, Color frame, String caption) {
        g.drawImage(thumb, x + (THUMB - thumb.getWidth()) / 2, y + (THUMB - thumb.getHeight()) / 2, null);
        g.setColor(frame);
        g.setStroke(new BasicStroke(frame == RIGHT ? 3 : 1));
        g.drawRect(x, y, THUMB, THUMB);
        g.setColor(Color.BLACK);
        g.drawString(caption.length() > 10 ? caption.substring(0, 9) + "…" : caption, x, y + THUMB + CAPTION - 2);
    }

    private static BufferedImage scaled(BufferedImage image, int side) {
        double scale = (double) side / Math.max(image.getWidth(), image.getHeight());
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image.getScaledInstance(w, h, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
