package io.snapfind.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.snapfind.contracts.Box;

class IndexPlanTest {

    @Test
    void onlyTheLastCropSetOfAnImageIsUpserted() {
        IndexPlan plan = IndexPlan.of(List.of(
                image("c", "p", "a", List.of("a"), "a1", "a2"),
                image("c", "p", "a", List.of("a"), "a3")));
        assertEquals(List.of("a3"), cropIds(plan.upserts().get("c")));
        IndexPlan.ProductImages images = plan.productImages().get("c").get(0);
        Map<String, Set<String>> before = Map.of("a", Set.of("a1", "a2"), "gone", Set.of("g1"));
        assertEquals(Map.of("a", Set.of("a3")), images.after(before));
        assertEquals(Set.of("a1", "a2", "g1"), IndexPlan.ProductImages.removed(before, images.after(before)));
    }

    @Test
    void aDeletionDiscardsWhatCameBeforeIt() {
        IndexPlan plan = IndexPlan.of(List.of(
                image("c", "p", "a", List.of("a"), "a1"),
                new ProductChange.Deletion("p", V1),
                image("c", "p", "b", List.of("b"), "b1")));
        assertEquals(Map.of("p", V1), plan.deletedProducts());
        assertEquals(List.of("b1"), cropIds(plan.upserts().get("c")));
        assertEquals(Map.of("b", Set.of("b1")), plan.productImages().get("c").get(0).after(Map.of()),
                "after phase 1 emptied the product, only what follows the deletion is there");
    }

    @Test
    void aDeletionAtTheEndLeavesNothingToUpsert() {
        IndexPlan plan = IndexPlan.of(List.of(image("c", "p", "a", List.of("a"), "a1"), new ProductChange.Deletion("p", V1)));
        assertEquals(Map.of("p", V1), plan.deletedProducts());
        assertTrue(plan.upserts().isEmpty());
    }

    @Test
    void anImageDroppedByALaterVersionIsNotUpsertedAndIsRemoved() {
        IndexPlan plan = IndexPlan.of(List.of(
                image("c", "p", "a", List.of("a", "b"), "a1"),
                image("c", "p", "b", List.of("a", "b"), "b1"),
                image("c", "p", "b", List.of("b"), "b2")));
        assertEquals(List.of("b2"), cropIds(plan.upserts().get("c")));
        IndexPlan.ProductImages images = plan.productImages().get("c").get(0);
        assertEquals(Set.of("b"), images.keptImages());
        assertEquals(Map.of("b", Set.of("b2")), images.after(Map.of("a", Set.of("a0"), "b", Set.of("b0"))),
                "image a was dropped, crop b0 replaced");
    }

    @Test
    void imagesTheBatchDidNotSetKeepTheirRowsOnlyIfEveryChangeListsThem() {
        IndexPlan plan = IndexPlan.of(List.of(
                image("c", "p", "a", List.of("a", "b", "c"), "a1"),
                image("c", "p", "a", List.of("a", "b"), "a2")));
        Map<String, Set<String>> after = plan.productImages().get("c").get(0)
                .after(Map.of("a", Set.of("a0"), "b", Set.of("b0"), "c", Set.of("c0")));
        assertEquals(Map.of("a", Set.of("a2"), "b", Set.of("b0")), after,
                "b is listed by both versions and keeps its rows; c was dropped by the second");
    }

    @Test
    void anImageWithoutCropsLosesAllItsRows() {
        IndexPlan plan = IndexPlan.of(List.of(image("c", "p", "a", List.of("a"))));
        assertTrue(plan.upserts().isEmpty());
        assertEquals(Map.of("a", Set.of()), plan.productImages().get("c").get(0).after(Map.of("a", Set.of("a1"))));
    }

    @Test
    void collectionsArePlannedSeparately() {
        IndexPlan plan = IndexPlan.of(List.of(image("old", "p", "a", List.of("a"), "x"),
                image("new", "p", "a", List.of("a"), "y")));
        assertEquals(Map.of("old", List.of("x"), "new", List.of("y")),
                Map.of("old", cropIds(plan.upserts().get("old")), "new", cropIds(plan.upserts().get("new"))));
    }

    private static final ProductVersion V1 = new ProductVersion(1, null);

    static ProductChange.ImageVectors image(String collection, String productId, String imageId, List<String> imageIds,
            String... cropIds) {
        List<IndexRow> rows = java.util.Arrays.stream(cropIds).map(cropId -> new IndexRow(cropId, productId, imageId, "c",
                "t", Map.of(), "l", new Box(0, 0, 1, 1), 1f, "m", 0, 0, new float[] { 1 })).toList();
        return new ProductChange.ImageVectors(collection, productId, imageId, imageIds, rows, V1);
    }

    private static List<String> cropIds(List<IndexRow> rows) {
        return rows.stream().map(IndexRow::cropId).toList();
    }
}
