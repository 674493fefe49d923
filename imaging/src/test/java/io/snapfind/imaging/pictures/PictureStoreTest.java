package io.snapfind.imaging.pictures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.snapfind.imaging.pictures.PictureStore.Picture;

class PictureStoreTest {

    @TempDir
    Path root;

    private static final String A0 = "a".repeat(32);
    private static final String A1 = "a".repeat(31) + "1";
    private static final String B0 = "b".repeat(32);
    private static final String C0 = "c".repeat(32);

    @Test
    void storesCropsAndServesTheFirstImagesWholeCropAsTheMainPicture() {
        PictureStore store = new PictureStore(root);
        store.put("chair/1", List.of("front", "side"), Map.of(
                "front", List.of(picture(A0), picture(A1)),
                "side", List.of(picture(B0))));

        assertArrayEquals(bytes(A1), store.crop("chair/1", A1).orElseThrow());
        assertArrayEquals(bytes(A0), store.main("chair/1").orElseThrow());
        assertEquals(Map.of("front", List.of(A0, A1), "side", List.of(B0)), store.cropIds("chair/1"));
        assertTrue(store.crop("chair/2", A0).isEmpty(), "another product's crop id is not this product's picture");
    }

    @Test
    void anUpdateReplacesProcessedImagesKeepsFailedOnesAndDropsUnlistedOnes() throws IOException {
        PictureStore store = new PictureStore(root);
        store.put("p", List.of("front", "side", "back"), Map.of(
                "front", List.of(picture(A0), picture(A1)),
                "side", List.of(picture(B0)),
                "back", List.of(picture(C0))));

        // "front" now has one crop, "side" failed this time (no fresh pictures), "back" left the product.
        store.put("p", List.of("front", "side"), Map.of("front", List.of(picture(A0))));

        assertEquals(Map.of("front", List.of(A0), "side", List.of(B0)), store.cropIds("p"));
        assertTrue(store.crop("p", A1).isEmpty(), "a crop the new version no longer has is removed");
        assertTrue(store.crop("p", C0).isEmpty(), "an image the new version no longer lists is removed");
        assertTrue(store.crop("p", B0).isPresent(), "an image that failed this time keeps its pictures");
        assertEquals(2, jpegFiles());
    }

    @Test
    void aDeleteRemovesEverything() throws IOException {
        PictureStore store = new PictureStore(root);
        store.put("p", List.of("front"), Map.of("front", List.of(picture(A0))));
        store.delete("p");
        store.delete("p");
        store.delete("never-stored");

        assertTrue(store.crop("p", A0).isEmpty());
        assertTrue(store.main("p").isEmpty());
        assertEquals(0, jpegFiles());
    }

    @Test
    void anythingButACropIdIsNeverReadFromDisk() throws IOException {
        PictureStore store = new PictureStore(root);
        store.put("p", List.of("front"), Map.of("front", List.of(picture(A0))));
        Files.writeString(root.resolve("secret.jpg"), "secret");

        for (String cropId : List.of("../../secret", "../secret.jpg", A0.toUpperCase(), A0 + "/", "", "pictures.manifest")) {
            assertTrue(store.crop("p", cropId).isEmpty(), cropId);
        }
        assertThrows(IllegalArgumentException.class, () -> picture("../x"));
    }

    @Test
    void aPartialFileLeftByACrashIsCleanedUpByTheNextWrite() throws IOException {
        PictureStore store = new PictureStore(root);
        store.put("p", List.of("front"), Map.of("front", List.of(picture(A0))));
        Path dir;
        try (Stream<Path> files = Files.walk(root)) {
            dir = files.filter(f -> f.getFileName().toString().equals(A0 + ".jpg")).findFirst().orElseThrow().getParent();
        }
        Files.writeString(dir.resolve(B0 + ".jpg.partial"), "half");

        store.put("p", List.of("front"), Map.of("front", List.of(picture(A0))));

        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".partial")));
        }
    }

    private long jpegFiles() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".jpg")).count();
        }
    }

    private static Picture picture(String cropId) {
        return new Picture(cropId, bytes(cropId));
    }

    private static byte[] bytes(String cropId) {
        return ("jpeg of " + cropId).getBytes(StandardCharsets.UTF_8);
    }
}
