package io.snapfind.deploy.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.snapfind.contracts.DeadLetter;

/**
 * The import against a gateway and dead-letter topics that behave like the pipeline: a product is indexed a few
 * status checks after it was accepted, unless its images are dead-lettered.
 */
class CatalogImportTest {

    @TempDir
    Path dir;

    /** Indexes what it accepts after two status checks; images named "bad*" are dead-lettered instead. */
    private static final class Pipeline implements CatalogImport.Gateway, CatalogImport.DeadLetters {
        final Map<String, CatalogImport.Indexed> index = new HashMap<>();
        final Map<String, CatalogImport.Upsert> accepted = new HashMap<>();
        final Map<String, Integer> checks = new HashMap<>();
        final List<DeadLetter> letters = new ArrayList<>();
        final List<String> publishes = new ArrayList<>();
        boolean neverIndex;

        @Override
        public CatalogImport.Published publish(CatalogImport.Upsert upsert) {
            publishes.add(upsert.productId());
            if (upsert.category().equals("refused")) {
                return CatalogImport.Published.refused(400, "Invalid event: must be a known category (category)",
                        false);
            }
            Instant now = Instant.now();
            accepted.put(upsert.productId(), upsert);
            checks.put(upsert.productId(), 0);
            for (CatalogImport.Upsert.Image image : upsert.images()) {
                if (image.imageId().startsWith("bad")) {
                    letters.add(DeadLetter.of("detector.decode", "not-an-image", image.imageId() + ": no image type",
                            "catalog.products", 0, 1, upsert.productId(), null, upsert.productId(), image.imageId(),
                            now.plusMillis(5)));
                }
            }
            return CatalogImport.Published.accepted(now);
        }

        @Override
        public Optional<CatalogImport.Indexed> status(String productId) {
            CatalogImport.Upsert upsert = accepted.get(productId);
            if (upsert != null && !neverIndex && upsert.images().stream().anyMatch(i -> !i.imageId().startsWith("bad"))
                    && checks.merge(productId, 1, Integer::sum) > 2) {
                index.put(productId, new CatalogImport.Indexed(Instant.now(), upsert.metadata()));
            }
            return Optional.ofNullable(index.get(productId));
        }

        @Override
        public List<DeadLetter> poll() {
            List<DeadLetter> out = List.copyOf(letters);
            letters.clear();
            return out;
        }

        @Override
        public void close() {
        }
    }

    private CatalogImport.Summary run(Pipeline pipeline, Path csv, ByteArrayOutputStream out) throws Exception {
        return new CatalogImport(pipeline, pipeline, new CatalogImport.Settings(1000, Duration.ofMillis(300),
                Duration.ofMillis(5)), new ProgressLine(new PrintStream(out, true, StandardCharsets.UTF_8), false))
                .run(CatalogFile.read(csv));
    }

    private Path catalog() throws IOException {
        for (String name : List.of("a.jpg", "b.jpg", "bad.jpg", "c.jpg")) {
            Files.write(dir.resolve(name), name.getBytes(StandardCharsets.UTF_8));
        }
        Path csv = dir.resolve("catalog.csv");
        Files.writeString(csv, """
                productId,category,title,image,color
                p1,chair,One,a.jpg,red
                p2,chair,Two,b.jpg|bad.jpg,
                p3,chair,Three,bad.jpg,
                p1,chair,One again,c.jpg,
                p4,chair,Four,missing.jpg,
                p5,refused,Five,c.jpg,
                p6,chair,Six
                """);
        return csv;
    }

    @Test
    void everyRowIsIndexedOrReportedWithItsReason() throws Exception {
        Pipeline pipeline = new Pipeline();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CatalogImport.Summary summary = run(pipeline, catalog(), out);

        assertFalse(summary.ok());
        assertEquals(7, summary.rows());
        assertEquals(3, summary.published(), "p1, p2, p3");
        assertEquals(2, summary.indexed(), "p1 and p2 (without its bad image)");
        assertEquals(0, summary.waiting());
        List<String> reasons = summary.failures().stream().map(f -> f.where() + " " + f.reason()).toList();
        assertEquals(List.of(
                "line 3 indexed without image bad.jpg: not-an-image at detector.decode: no image type",
                "line 4 image bad.jpg: not-an-image at detector.decode: no image type",
                "line 5 duplicate productId, first on line 2 (that one is imported)",
                "line 6 image file not found: " + dir.resolve("missing.jpg"),
                "line 7 refused by the gateway (HTTP 400): Invalid event: must be a known category (category)",
                "line 8 3 fields where the header has 5"), reasons);
        assertEquals("red", pipeline.accepted.get("p1").metadata().get("color"));
        assertTrue(pipeline.accepted.get("p1").metadata().containsKey(CatalogImport.DIGEST_KEY));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("indexed [#######-----------------] 2/7   skipped 0   failed 6"),
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSecondRunSkipsWhatIsIndexedWithTheSameContentAndRepublishesTheRest() throws Exception {
        Pipeline pipeline = new Pipeline();
        Path csv = catalog();
        run(pipeline, csv, new ByteArrayOutputStream());
        pipeline.publishes.clear();
        Files.write(dir.resolve("b.jpg"), "new pixels".getBytes(StandardCharsets.UTF_8));

        CatalogImport.Summary again = run(pipeline, csv, new ByteArrayOutputStream());
        assertEquals(1, again.skipped(), "p1 is unchanged");
        assertEquals(List.of("p2", "p3", "p5"), pipeline.publishes, "p2's image changed, p3 was never indexed");
    }

    @Test
    void productsNeverSeenIndexedAreReportedAsStillInFlight() throws Exception {
        Pipeline pipeline = new Pipeline();
        pipeline.neverIndex = true;
        Path csv = dir.resolve("one.csv");
        Files.write(dir.resolve("a.jpg"), new byte[] { 1 });
        Files.writeString(csv, "productId,category,image\np1,chair,a.jpg\n");
        CatalogImport.Summary summary = run(pipeline, csv, new ByteArrayOutputStream());
        assertFalse(summary.ok());
        assertEquals(1, summary.waiting());
        assertTrue(summary.failures().get(0).reason().startsWith("accepted, but neither indexed nor failed"));
    }
}
