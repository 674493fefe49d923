package io.snapfind.deploy.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogFileTest {

    @TempDir
    Path dir;

    @Test
    void csvRowsBecomeProductsAndBrokenRowsSayWhy() throws IOException {
        Path csv = dir.resolve("catalog.csv");
        Files.writeString(csv, """
                productId,image,category,name,color
                p1,products/p1.jpg,chair,MYDAL,Pine
                p2,https://example.com/a.jpg?x=1|img/b.png,sofa,"KIVIK, two seats",
                p3,,chair,NO IMAGE,White
                ,products/p4.jpg,chair,NO ID,White
                p5,products/p5.jpg,chair
                """);
        List<CatalogFile.Entry> entries = CatalogFile.read(csv);
        assertEquals(5, entries.size());

        CatalogFile.Row p1 = entries.get(0).row();
        assertEquals("line 2", entries.get(0).where());
        assertEquals("MYDAL", p1.title());
        assertEquals(Map.of("color", "Pine"), p1.metadata());
        assertEquals(new CatalogFile.ImageRef("p1.jpg", null, dir.resolve("products/p1.jpg")), p1.images().get(0));

        CatalogFile.Row p2 = entries.get(1).row();
        assertEquals("KIVIK, two seats", p2.title());
        assertEquals(Map.of(), p2.metadata(), "empty cells are no metadata");
        assertEquals(new CatalogFile.ImageRef("a.jpg", "https://example.com/a.jpg?x=1", null), p2.images().get(0));
        assertEquals("b.png", p2.images().get(1).imageId());

        assertEquals("product p3 has no image", entries.get(2).problem());
        assertEquals("no productId", entries.get(3).problem());
        assertEquals("line 6", entries.get(4).where());
        assertEquals("3 fields where the header has 5", entries.get(4).problem());
    }

    @Test
    void aCsvWithoutTheNeededColumnsIsRefusedAsAWhole() throws IOException {
        Path csv = dir.resolve("catalog.csv");
        Files.writeString(csv, "sku,picture\n1,a.jpg\n");
        IOException e = assertThrows(IOException.class, () -> CatalogFile.read(csv));
        assertTrue(e.getMessage().contains("productId, category and image"), e.getMessage());
    }

    @Test
    void jsonLinesTakeImageObjectsOrStrings() throws IOException {
        Path jsonl = dir.resolve("catalog.jsonl");
        Files.writeString(jsonl, """
                {"productId":"p1","category":"lamp","title":"Lamp","metadata":{"brand":"Snap","size":3},"images":[{"imageId":"front","path":"front.jpg"},"https://cdn.example.com/p1/side.jpg"]}

                {"productId":"p2","category":"lamp","image":"p2.jpg"}
                {"productId":"p3", broken
                {"productId":"p4","category":"lamp","images":["same.jpg","other/same.jpg"],"metadata":"red"}
                {"productId":"p5","category":"lamp","images":["same.jpg","other/same.jpg"]}
                """);
        List<CatalogFile.Entry> entries = CatalogFile.read(jsonl);
        assertEquals(5, entries.size());
        CatalogFile.Row p1 = entries.get(0).row();
        assertEquals(Map.of("brand", "Snap", "size", "3"), p1.metadata());
        assertEquals(List.of(new CatalogFile.ImageRef("front", null, dir.resolve("front.jpg")),
                new CatalogFile.ImageRef("side.jpg", "https://cdn.example.com/p1/side.jpg", null)), p1.images());
        assertNull(entries.get(1).row().title());
        assertEquals("line 4", entries.get(2).where());
        assertTrue(entries.get(2).problem().startsWith("not JSON"), entries.get(2).problem());
        assertEquals("metadata must be an object of strings", entries.get(3).problem());
        assertEquals(List.of("same.jpg", "same.jpg-2"),
                entries.get(4).row().images().stream().map(CatalogFile.ImageRef::imageId).toList());
    }

    @Test
    void aFolderPerCategoryMakesAProductPerImageFile() throws IOException {
        Files.createDirectories(dir.resolve("chair"));
        Files.createDirectories(dir.resolve("sofa"));
        Files.write(dir.resolve("chair/red_chair.jpg"), new byte[] { 1 });
        Files.write(dir.resolve("chair/notes.txt"), new byte[] { 1 });
        Files.write(dir.resolve("sofa/kivik.PNG"), new byte[] { 1 });
        List<CatalogFile.Entry> entries = CatalogFile.read(dir);
        assertEquals(List.of("chair-red_chair", "sofa-kivik"),
                entries.stream().map(e -> e.row().productId()).toList());
        assertEquals("red chair", entries.get(0).row().title());
        assertEquals("chair", entries.get(0).row().category());
    }
}
