package io.snapfind.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.snapfind.harness.ProjectPaths;

class GroceryStoreTest {

    private final GroceryStore store = GroceryStore.load(
            ProjectPaths.requireAssets().resolve("datasets/grocery-store/dataset"), "val.txt");

    @Test
    void readsTheCatalogueAndTheNaturalPhotosWithBothLabels() {
        assertEquals(81, store.iconic().size());
        assertEquals(296, store.natural().size());
        store.iconic().forEach(photo -> assertTrue(Files.isRegularFile(photo.path()), photo.path().toString()));
        store.natural().forEach(photo -> assertTrue(Files.isRegularFile(photo.path()), photo.path().toString()));
        GroceryStore.Photo first = store.natural().get(0);
        assertEquals("Golden-Delicious", first.fine());
        assertEquals("Apple", first.coarse());
    }

    @Test
    void theDocumentedSplitIsDisjointRepeatableAndKeepsEveryClassInTheEvaluationPart() {
        GroceryStore.PhotoSplit split = store.documentedSplit();
        assertEquals(split, store.documentedSplit());
        Set<GroceryStore.Photo> training = new HashSet<>(split.training());
        split.evaluation().forEach(photo -> assertTrue(!training.contains(photo), photo.path().toString()));
        assertEquals(store.natural().size(), split.training().size() + split.evaluation().size());
        Set<String> evaluated = new HashSet<>();
        split.evaluation().forEach(photo -> evaluated.add(photo.fine()));
        Set<String> all = new HashSet<>();
        store.natural().forEach(photo -> all.add(photo.fine()));
        assertEquals(all, evaluated);
        assertTrue(split.training().size() >= 120, "about half trains: " + split.training().size());
    }
}
