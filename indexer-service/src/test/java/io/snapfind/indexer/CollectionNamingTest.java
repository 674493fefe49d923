package io.snapfind.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CollectionNamingTest {

    @Test
    void safeModelIdsAreUsedAsTheyAre() {
        assertEquals("snapfind_mobilenet_v2_1280", CollectionNaming.collectionName("snapfind_", "mobilenet_v2", 1280));
    }

    @Test
    void unsafeCharactersBecomeUnderscoresPlusAHashSoDistinctIdsNeverCollide() {
        String dashed = CollectionNaming.collectionName("snapfind_", "clip-vit/b32", 512);
        String underscored = CollectionNaming.collectionName("snapfind_", "clip_vit_b32", 512);
        assertTrue(dashed.matches("snapfind_clip_vit_b32_[0-9a-f]{8}_512"), dashed);
        assertNotEquals(underscored, dashed);
        assertEquals(dashed, CollectionNaming.collectionName("snapfind_", "clip-vit/b32", 512), "stable");
    }

    @Test
    void dimensionIsPartOfTheName() {
        assertNotEquals(CollectionNaming.collectionName("s_", "m", 512), CollectionNaming.collectionName("s_", "m", 768));
    }

    @Test
    void longModelIdsAreShortenedWithAHash() {
        String name = CollectionNaming.collectionName("snapfind_", "m".repeat(400), 8);
        assertTrue(name.length() < 255, "Milvus names are limited to 255 characters");
        assertNotEquals(name, CollectionNaming.collectionName("snapfind_", "m".repeat(401), 8));
    }

    @Test
    void invalidPrefixesAndInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CollectionNaming.collectionName("9bad", "m", 8));
        assertThrows(IllegalArgumentException.class, () -> CollectionNaming.collectionName("bad-prefix", "m", 8));
        assertThrows(IllegalArgumentException.class, () -> CollectionNaming.collectionName("ok_", " ", 8));
        assertThrows(IllegalArgumentException.class, () -> CollectionNaming.collectionName("ok_", "m", 0));
    }
}
