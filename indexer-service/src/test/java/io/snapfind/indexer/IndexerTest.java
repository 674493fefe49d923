package io.snapfind.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.SourceRecord;
import io.snapfind.contracts.VectorsEvent;

class IndexerTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:05Z");
    private static final String MODEL = "m1";
    private static final Instant T1 = Instant.parse("2025-03-01T11:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-01T11:30:00Z");
    private static final Instant T3 = Instant.parse("2025-03-01T11:45:00Z");

    private final FakeVectorStore index = new FakeVectorStore();
    private final IndexSettings settings = IndexSettings.of("t_", "t_products", MODEL, 4, true);
    private final Indexer indexer = new Indexer(index, settings, 2, Clock.fixed(NOW, ZoneOffset.UTC));
    private long offset;

    @Test
    void vectorsAreUpsertedIntoTheModelsCollectionWithEverythingTheGatewayNeeds() {
        Instant occurredAt = Instant.parse("2025-03-01T12:00:00Z");
        BatchOutcome outcome = indexer.index(List.of(record(
                TestEvents.vectorsAt("p1", "front", List.of("front"), MODEL, 4, occurredAt, 0, 1, 2))));

        assertEquals(List.of(), outcome.deadLetters());
        assertEquals(3, outcome.rowsUpserted(), "three rows, written in chunks of two");
        assertEquals(List.of(occurredAt), outcome.indexedOccurredAt());
        IndexRow row = index.rows.get("t_m1_4").get(TestEvents.cropId("p1", "front", 1));
        assertEquals("p1", row.productId());
        assertEquals("front", row.imageId());
        assertEquals("shoes", row.category());
        assertEquals("Title of p1", row.title());
        assertEquals("Acme", row.metadata().get("brand"));
        assertEquals(TestEvents.box(1), row.box());
        assertEquals(MODEL, row.modelId());
        assertEquals(occurredAt.toEpochMilli(), row.occurredAtMillis());
        assertEquals(NOW.toEpochMilli(), row.indexedAtMillis());
        assertEquals(List.of(), index.deleteFilters, "nothing was stale, so nothing is deleted");
    }

    @Test
    void staleCropsAreDeletedByPrimaryKey() {
        indexer.index(List.of(record(TestEvents.vectors("p1", "a", List.of("a", "b"), MODEL, 4, 0, 1)),
                record(TestEvents.vectors("p1", "b", List.of("a", "b"), MODEL, 4, 0))));
        indexer.index(List.of(record(TestEvents.vectors("p1", "a", List.of("a"), MODEL, 4, 1))));
        assertEquals(List.of("t_m1_4: cropIds [" + TestEvents.cropId("p1", "a", 0) + ", "
                + TestEvents.cropId("p1", "b", 0) + "]"), index.deleteFilters);
        assertEquals(Map.of("a", Set.of(TestEvents.cropId("p1", "a", 1))), index.manifests.get("t_m1_4/p1").images());
    }

    @Test
    void aDeleteMarkerRemovesTheProductFromEveryCollection() {
        index.ensureCollection(CollectionSpec.of("t_", "m1", 4));
        index.ensureCollection(CollectionSpec.of("t_", "m2", 4));
        index.ensureCollection(new CollectionSpec("other_x_4", "x", 4));

        indexer.index(List.of(record(VectorsEvent.delete("p\"1", NOW))));

        assertEquals(List.of("t_m1_4: productId in [\"p\\\"1\"]", "t_m2_4: productId in [\"p\\\"1\"]"), index.deleteFilters);
    }

    @Test
    void poisonRecordsBecomeDeadLettersAndTheRestIsIndexed() {
        List<SourceRecord> batch = new ArrayList<>();
        batch.add(new SourceRecord("images.vectors", 1, 7, "k", "{not json".getBytes(StandardCharsets.UTF_8)));
        batch.add(new SourceRecord("images.vectors", 1, 8, "k", null));
        batch.add(record(TestEvents.vectors("p-wrong-dim", "i", List.of("i"), MODEL, 8, 0)));
        batch.add(record(TestEvents.vectors("x".repeat(600), "i", List.of("i"), MODEL, 4, 0)));
        batch.add(record(TestEvents.vectors("p-ok", "i", List.of("i"), MODEL, 4, 0)));

        BatchOutcome outcome = indexer.index(batch);

        List<String> reasons = outcome.deadLetters().stream().map(DeadLetter::reason).toList();
        assertEquals(List.of("contract-violation", "contract-violation", "dimension-mismatch", "field-too-long"), reasons);
        DeadLetter first = outcome.deadLetters().get(0);
        assertEquals("indexer.decode", first.stage());
        assertEquals(7, first.offset());
        assertEquals("{not json", new String(first.originalValue(), StandardCharsets.UTF_8));
        assertEquals("p-wrong-dim", outcome.deadLetters().get(2).productId());
        assertEquals("indexer.route", outcome.deadLetters().get(2).stage());
        assertEquals(1, index.rows.get("t_m1_4").size(), "the valid record is indexed");
    }

    @Test
    void anotherModelGetsItsOwnCollectionUnlessAutoCreationIsOff() {
        indexer.index(List.of(record(TestEvents.vectors("p1", "i", List.of("i"), "m2", 8, 0))));
        assertTrue(index.collections.containsKey("t_m2_8"));

        Indexer strict = new Indexer(index, IndexSettings.of("t_", "t_products", MODEL, 4, false), 10, Clock.systemUTC());
        BatchOutcome outcome = strict.index(List.of(record(TestEvents.vectors("p1", "i", List.of("i"), "m3", 8, 0))));
        assertEquals("unknown-model", outcome.deadLetters().get(0).reason());
        assertFalse(index.collections.containsKey("t_m3_8"));
    }

    @Test
    void aCollectionThatDoesNotFitDeadLettersItsRecords() {
        index.mismatched.add("t_m2_8");
        BatchOutcome outcome = indexer.index(List.of(record(TestEvents.vectors("p1", "i", List.of("i"), "m2", 8, 0))));
        assertEquals("collection-mismatch", outcome.deadLetters().get(0).reason());
    }

    @Test
    void aRecordMilvusRefusesIsIsolatedAndDeadLetteredWhileTheOthersAreIndexed() {
        index.rejectProducts.add("p-bad");
        BatchOutcome outcome = indexer.index(List.of(
                record(TestEvents.vectors("p-a", "i", List.of("i"), MODEL, 4, 0)),
                record(TestEvents.vectors("p-bad", "i", List.of("i"), MODEL, 4, 0)),
                record(TestEvents.vectors("p-b", "i", List.of("i"), MODEL, 4, 0))));

        assertEquals(List.of("milvus-rejected"), outcome.deadLetters().stream().map(DeadLetter::reason).toList());
        assertEquals("indexer.write", outcome.deadLetters().get(0).stage());
        assertEquals(2, outcome.indexedOccurredAt().size());
        assertEquals(2, index.rows.get("t_m1_4").size());
    }

    @Test
    void whenMilvusIsUnavailableTheWholeBatchFailsSoItCanBeRetried() {
        index.unavailable = true;
        assertThrows(IndexUnavailableException.class,
                () -> indexer.index(List.of(record(TestEvents.vectors("p", "i", List.of("i"), MODEL, 4, 0)))));
        indexer.recover();
        assertEquals(1, index.forgets);
    }

    @Test
    void anOlderUpsertIsSkippedWithinABatchAndAcrossBatches() {
        VectorsEvent newer = TestEvents.vectorsAt("p1", "a", List.of("a"), MODEL, 4, T2, 0, 1);
        VectorsEvent older = TestEvents.vectorsAt("p1", "a", List.of("a"), MODEL, 4, T1, 2);

        BatchOutcome reordered = indexer.index(List.of(record(newer), record(older)));
        assertEquals(1, reordered.skippedStale());
        assertEquals(List.of(T2), reordered.indexedOccurredAt(), "only the newer counts as indexed");
        BatchOutcome late = indexer.index(List.of(record(older)));
        assertEquals(1, late.skippedStale());
        assertEquals(0, late.rowsUpserted());

        assertEquals(Set.of(TestEvents.cropId("p1", "a", 0), TestEvents.cropId("p1", "a", 1)),
                index.rows.get("t_m1_4").keySet(), "crop 2 of the older version was never written");
        assertEquals(new ProductVersion(T2.toEpochMilli(), null), index.manifests.get("t_m1_4/p1").version());
    }

    @Test
    void aDeletionLeavesATombstoneThatALateOlderUpsertCannotPass() {
        indexer.index(List.of(record(TestEvents.vectorsAt("p1", "a", List.of("a"), MODEL, 4, T1, 0))));
        indexer.index(List.of(record(VectorsEvent.delete("p1", T2))));
        Manifest tombstone = index.manifests.get("t_m1_4/p1");
        assertTrue(tombstone.deleted());
        assertEquals(Map.of(), tombstone.images());

        BatchOutcome late = indexer.index(List.of(record(TestEvents.vectorsAt("p1", "b", List.of("b"), MODEL, 4, T1, 0))));
        assertEquals(1, late.skippedStale(), "an upsert older than the deletion does not bring the product back");
        assertFalse(index.rows.get("t_m1_4").containsKey(TestEvents.cropId("p1", "b", 0)));
        assertEquals(tombstone, index.manifests.get("t_m1_4/p1"));

        BatchOutcome again = indexer.index(List.of(record(TestEvents.vectorsAt("p1", "c", List.of("c"), MODEL, 4, T2, 0))));
        assertEquals(0, again.skippedStale(), "with equal versions the later record of the partition wins");
        assertEquals(Map.of("c", Set.of(TestEvents.cropId("p1", "c", 0))), index.manifests.get("t_m1_4/p1").images());
        assertFalse(index.manifests.get("t_m1_4/p1").deleted());
    }

    @Test
    void anOlderDeletionDoesNotRemoveANewerVersion() {
        indexer.index(List.of(record(TestEvents.vectorsAt("p1", "a", List.of("a"), MODEL, 4, T2, 0))));
        BatchOutcome outcome = indexer.index(List.of(record(VectorsEvent.delete("p1", T1))));
        assertEquals(1, outcome.skippedStale());
        assertEquals(List.of(), index.deleteFilters, "nothing was deleted");
        assertFalse(index.manifests.get("t_m1_4/p1").deleted());
    }

    @Test
    void anExplicitVersionOrdersEventsInsteadOfTheirTime() {
        indexer.index(List.of(record(TestEvents.vectorsAt("p1", "a", List.of("a"), MODEL, 4, T2, 0).withVersion(5L))));
        BatchOutcome v6 = indexer.index(List.of(
                record(TestEvents.vectorsAt("p1", "a", List.of("a"), MODEL, 4, T1, 1).withVersion(6L))));
        assertEquals(0, v6.skippedStale(), "version 6 is newer though its clock is behind");
        BatchOutcome v4 = indexer.index(List.of(
                record(TestEvents.vectorsAt("p1", "a", List.of("a"), MODEL, 4, T3, 2).withVersion(4L))));
        assertEquals(1, v4.skippedStale(), "version 4 is older though its clock is ahead");
        assertEquals(Map.of("a", Set.of(TestEvents.cropId("p1", "a", 1))), index.manifests.get("t_m1_4/p1").images());
    }

    @Test
    void versionsAreKeptPerProductAndTheImagesOfOneVersionAllApply() {
        BatchOutcome outcome = indexer.index(List.of(
                record(TestEvents.vectorsAt("p1", "a", List.of("a", "b"), MODEL, 4, T2, 0)),
                record(TestEvents.vectorsAt("p2", "a", List.of("a"), MODEL, 4, T1, 0)),
                record(TestEvents.vectorsAt("p1", "b", List.of("a", "b"), MODEL, 4, T2, 0))));
        assertEquals(0, outcome.skippedStale(), "p2's older clock says nothing about p1");
        assertEquals(Set.of("a", "b"), index.manifests.get("t_m1_4/p1").images().keySet());
    }

    @Test
    void titlesAreCutOnACharacterBoundary() {
        assertEquals("ab", Indexer.truncateUtf8("ab", 2));
        assertEquals("a", Indexer.truncateUtf8("aé", 2), "é needs two bytes");
        assertEquals("a", Indexer.truncateUtf8("a😀", 4), "the emoji needs four bytes");
        assertEquals("a😀", Indexer.truncateUtf8("a😀b", 5));
    }

    private SourceRecord record(VectorsEvent event) {
        return new SourceRecord("images.vectors", 0, offset++, event.productId(), TestEvents.encode(event));
    }
}
