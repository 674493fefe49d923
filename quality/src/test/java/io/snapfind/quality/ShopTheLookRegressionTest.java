package io.snapfind.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.snapfind.harness.ProjectPaths;

/**
 * The shop-the-look evaluation on real models and data, small enough for every build: the first 5 rooms (by name) of
 * the IKEA shop-the-look set against a 100-product catalog that holds every product of those rooms plus seeded random
 * others, MobileNetV2, the gateway's regions (best 8 objects) and grouping (k = 20 from 100 vector hits), exact
 * search, no cache. Thresholds sit a little under the figures measured on the 2-core build machine, so a change that
 * makes the pipeline's room search worse (crops, regions, grouping, merging, metrics) fails. The same subset from the
 * command line: {@code quality/eval.sh rooms --rooms 5 --catalog-size 100}.
 */
class ShopTheLookRegressionTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void roomsFindTheirProductsInASmallCatalog(@TempDir Path out) throws Exception {
        ShopTheLook all = ShopTheLook.load(ProjectPaths.asset("datasets/ikea-shop-the-look"));
        assertEquals(2294, all.products().size());
        assertEquals(102, all.rooms().size());
        ShopTheLook set = all.subset(all.rooms().subList(0, 5), 100, ShopTheLook.SPLIT_SEED);
        assertEquals(100, set.products().size());
        RoomsRun.Settings settings = new RoomsRun.Settings(ProjectPaths.requireAssets().resolve("models"),
                "mobilenetv2", null, "yolov8n", 0, RoomsRun.DEFAULT_K, RoomsRun.GATEWAY_CANDIDATES_PER_HIT, -1f,
                RoomRegions.Settings.GATEWAY, null, false);
        RoomsRun.Result run = RoomsRun.run(set, settings, QUIET);
        RoomScoring.Summary s = run.summary();
        String measured = String.format(java.util.Locale.ROOT, "hit@10 %.3f recall@10 %.3f recall@50 %.3f "
                + "object top-1 %.3f regions/room %.2f", s.hitAt10(), s.recallAt10(), s.recallAt50(), s.objectTop1(),
                s.regionsPerRoom());
        System.out.println("rooms subset " + measured);
        // Measured 2026-12-01 on this subset (Intel Xeon): hit@10 1.000, recall@10 0.196, recall@50 0.565, object
        // top-1 0.350, 4.80 regions per room; 2026-12-02 (AMD EPYC, the same code of e5523db too): 1.000, 0.200,
        // 0.530, 0.450. MobileNetV2 is int8, and ONNX Runtime's integer kernels differ between the two CPUs enough
        // to move a few hits. One product of one room moves recall by about 0.015, one region object top-1 by about
        // 0.04 (one room is 0.2 of hit@10); the thresholds sit under the lower of the two.
        assertEquals(5, s.rooms());
        assertTrue(s.hitAt10() >= 0.99, measured);
        assertTrue(s.recallAt10() >= 0.18, measured);
        assertTrue(s.recallAt50() >= 0.51, measured);
        assertTrue(s.objectTop1() >= 0.32, measured);
        for (RoomsRun.RoomResult room : run.rooms()) {
            assertTrue(room.regions().size() >= 1 && room.regions().size() <= RoomRegions.GATEWAY_MAX_OBJECTS,
                    "the gateway searches 1 to 8 regions: " + room.regions().size());
            room.regions().forEach(r -> assertTrue(r.hits().size() <= RoomsRun.DEFAULT_K));
        }

        RoomsReport report = new RoomsReport(run, List.of("rooms", "--rooms", "5", "--catalog-size", "100"),
                "the first 5");
        assertTrue(report.figureLines().get(0).startsWith("rooms-hit10: "));
        Path markdown = report.write(out, 2);
        String text = Files.readString(markdown);
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "| %.3f | %.3f | %.3f | %.3f |", s.hitAt10(),
                s.recallAt10(), s.recallAt50(), s.objectTop1())), text);
        assertTrue(text.contains("## Per category"), text);
        BufferedImage grid = ImageIO.read(out.resolve("examples.png").toFile());
        assertTrue(grid != null && grid.getWidth() > 300);
        assertEquals(1 + 5, Files.readAllLines(out.resolve("rooms.tsv")).size(), "a header, then one row per room");
    }
}
