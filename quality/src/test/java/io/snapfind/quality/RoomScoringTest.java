package io.snapfind.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.snapfind.contracts.Box;

/** The shop-the-look definitions on hand-made hits, the tile grid, the room split and the CSV reader. */
class RoomScoringTest {

    private static CatalogIndex.VectorHit v(int vector, double score) {
        return new CatalogIndex.VectorHit(vector, (float) score);
    }

    private static RoomScoring.ProductHit p(int product, double score) {
        return new RoomScoring.ProductHit(product, (float) score, -1);
    }

    @Test
    void groupingKeepsEachProductsBestVectorAsTheGatewayDoes() {
        // Vectors 0..5 belong to products 0,0,1,2,2,3 (vector / 2 rounded oddly on purpose).
        int[] owner = { 0, 0, 1, 2, 2, 3 };
        List<CatalogIndex.VectorHit> nearest = List.of(v(1, 0.9), v(0, 0.8), v(4, 0.7), v(2, 0.6), v(3, 0.5),
                v(5, 0.1));
        List<RoomScoring.ProductHit> grouped = RoomScoring.group(nearest, i -> owner[i], 20, -1f);
        assertEquals(List.of(0, 2, 1, 3), grouped.stream().map(RoomScoring.ProductHit::product).toList());
        assertEquals(0.9f, grouped.get(0).score());
        assertEquals(1, grouped.get(0).vector(), "the product's best vector");
        assertEquals(2, RoomScoring.group(nearest, i -> owner[i], 2, -1f).size(), "at most k products");
        assertEquals(List.of(0, 2, 1), RoomScoring.group(nearest, i -> owner[i], 20, 0.55f).stream()
                .map(RoomScoring.ProductHit::product).toList(), "minScore drops hits before grouping");
    }

    @Test
    void mergingTakesEachProductsBestScoreOverRegions() {
        List<RoomScoring.ProductHit> merged = RoomScoring.merge(List.of(List.of(p(7, 0.5), p(3, 0.4)),
                List.of(p(3, 0.9), p(8, 0.45)), List.of()));
        assertEquals(List.of(3, 7, 8), merged.stream().map(RoomScoring.ProductHit::product).toList());
        assertEquals(0.9f, merged.get(0).score());
        assertEquals(2, RoomScoring.rank(merged, 7));
        assertEquals(0, RoomScoring.rank(merged, 99));
    }

    @Test
    void roomFiguresFollowTheIssuesDefinitions() {
        // 12 merged products 100..111; the room holds 101 (rank 2), 111 (rank 12) and 500 (never found).
        List<RoomScoring.ProductHit> merged = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            merged.add(p(100 + i, 1 - i * 0.01));
        }
        Set<Integer> room = Set.of(101, 111, 500);
        List<List<RoomScoring.ProductHit>> regions = List.of(List.of(p(101, 0.99), p(100, 0.5)),
                List.of(p(100, 1.0), p(101, 0.2)), List.of(p(111, 0.89)), List.of());
        RoomScoring.RoomFigures f = RoomScoring.figures(regions, merged, room);
        assertTrue(f.hitAt10());
        assertEquals(1 / 3.0, f.recallAt10(), 1e-9);
        assertEquals(2 / 3.0, f.recallAt50(), 1e-9);
        assertEquals(2 / 4.0, f.objectTop1(), 1e-9, "2 of 4 regions start with a room product; empty counts");
        assertFalse(RoomScoring.figures(regions, merged.subList(0, 1), room).hitAt10());

        RoomScoring.Summary s = RoomScoring.Summary.of(List.of(f,
                new RoomScoring.RoomFigures(false, 0, 0.5, 0.25, 2, 0)));
        assertEquals(0.5, s.hitAt10(), 1e-9, "averaged over rooms");
        assertEquals((1 / 3.0) / 2, s.recallAt10(), 1e-9);
        assertEquals((0.5 + 0.25) / 2, s.objectTop1(), 1e-9);
        assertEquals(3, s.regionsPerRoom(), 1e-9);
    }

    @Test
    void perCategoryPoolsPairsAndCountsRooms() {
        List<List<RoomScoring.RankedProduct>> rooms = new ArrayList<>();
        rooms.add(List.of(new RoomScoring.RankedProduct("chair", 3), new RoomScoring.RankedProduct("chair", 0),
                new RoomScoring.RankedProduct("lamp", 40)));
        rooms.add(List.of(new RoomScoring.RankedProduct("chair", 11), new RoomScoring.RankedProduct("rug", 0)));
        List<RoomScoring.CategoryFigures> table = RoomScoring.perCategory(rooms, 2);
        RoomScoring.CategoryFigures chair = table.get(0);
        assertEquals("chair", chair.category());
        assertEquals(2, chair.rooms());
        assertEquals(3, chair.pairs());
        assertEquals(0.5, chair.hitAt10(), 1e-9, "one of the two rooms has a chair in its first 10");
        assertEquals(1 / 3.0, chair.recallAt10(), 1e-9);
        assertEquals(2 / 3.0, chair.recallAt50(), 1e-9);
        RoomScoring.CategoryFigures rest = table.get(1);
        assertTrue(rest.category().startsWith("(2 other categories"), rest.category());
        assertEquals(2, rest.pairs());
        assertEquals(0.5, rest.recallAt50(), 1e-9);
    }

    @Test
    void tilesCoverTheImageWithOverlap() {
        List<Box> two = RoomRegions.tiles(1000, 800, 2, 0.25);
        assertEquals(4, two.size());
        assertEquals(new Box(0, 0, 625, 500), two.get(0));
        assertEquals(new Box(375, 300, 1000, 800), two.get(3), "the last tile ends at the corner");
        List<Box> three = RoomRegions.tiles(900, 600, 3, 0.25);
        assertEquals(9, three.size());
        assertEquals(new Box(263, 0, 638, 250), three.get(1), "the middle column is centred");
        assertEquals(List.of(new Box(0, 0, 90, 60)), RoomRegions.tiles(90, 60, 1, 0.25), "1×1 is the image");
        assertThrows(IllegalArgumentException.class,
                () -> new RoomRegions.Settings(8, false, List.of(9), 0.25));
    }

    @Test
    void roomSplitIsSeededDisjointAndComplete() {
        List<ShopTheLook.Room> rooms = new ArrayList<>();
        for (int i = 0; i < 102; i++) {
            rooms.add(new ShopTheLook.Room(String.format("room-%03d.jpg", i), Path.of("r" + i), Set.of("p")));
        }
        ShopTheLook set = new ShopTheLook(Path.of("x"), List.of(new ShopTheLook.Product("p", Path.of("p.jpg"), "c",
                "N", "t", "")), rooms);
        List<ShopTheLook.Room> tune = set.part(ShopTheLook.Part.TUNE, ShopTheLook.SPLIT_SEED, 0.33);
        List<ShopTheLook.Room> report = set.part(ShopTheLook.Part.REPORT, ShopTheLook.SPLIT_SEED, 0.33);
        assertEquals(34, tune.size(), "round(0.33 × 102)");
        assertEquals(68, report.size());
        Set<ShopTheLook.Room> union = new HashSet<>(tune);
        union.addAll(report);
        assertEquals(102, union.size(), "disjoint and complete");
        assertEquals(tune, set.part(ShopTheLook.Part.TUNE, ShopTheLook.SPLIT_SEED, 0.33), "seeded");
        assertFalse(tune.equals(set.part(ShopTheLook.Part.TUNE, 1L, 0.33)), "another seed, another split");
        assertEquals(rooms, set.part(ShopTheLook.Part.ALL, ShopTheLook.SPLIT_SEED, 0.33));
    }

    @Test
    void csvReadsQuotedFields() {
        List<List<String>> rows = ShopTheLook.parseCsv("productId,category,name\r\n1,\"rug, flatwoven\",\"A \"\"B\"\"\"\n"
                + "2,,C\n", "t.csv");
        assertEquals(List.of("1", "rug, flatwoven", "A \"B\""), rows.get(1));
        assertEquals(List.of("2", "", "C"), rows.get(2));
        assertThrows(IllegalArgumentException.class, () -> ShopTheLook.parseCsv("a,b\n1\n", "t.csv"));
    }
}
