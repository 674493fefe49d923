package io.snapfind.indexer.milvus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import io.snapfind.contracts.SourceRecord;
import io.snapfind.contracts.VectorsEvent;
import io.snapfind.harness.SharedInfrastructure;
import io.snapfind.indexer.CollectionMismatchException;
import io.snapfind.indexer.CollectionSpec;
import io.snapfind.indexer.IndexAdmin;
import io.snapfind.indexer.IndexSettings;
import io.snapfind.indexer.Indexer;
import io.snapfind.indexer.Manifest;
import io.snapfind.indexer.ProductVersion;
import io.snapfind.indexer.TestEvents;
import io.snapfind.milvus.IndexSchema;

/** The Milvus adapter, the batch plan and the alias swap against a real Milvus Lite server. */
class MilvusVectorStoreIT {

    private static final String PREFIX = "itm_";
    private static final int DIM = 8;
    private static MilvusClientV2 client;
    private static MilvusVectorStore index;

    @BeforeAll
    static void connect() {
        client = SharedInfrastructure.milvus().client();
        index = new MilvusVectorStore(() -> client, 16, 64);
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void createsTheCollectionOnceAndValidatesItAfterwards() {
        CollectionSpec spec = CollectionSpec.of(PREFIX, "create-model", DIM);
        index.ensureCollection(spec);
        index.forgetState();
        index.ensureCollection(spec);
        assertEquals(spec, index.describe(spec.name()).orElseThrow(), "model id and dimension read back from Milvus");
        assertTrue(index.collections(PREFIX).contains(spec.name()));
    }

    @Test
    void aDimensionOrMetricMismatchIsRefusedWithAClearMessage() {
        CollectionSpec wrongDimension = CollectionSpec.of(PREFIX, "dim-model", DIM);
        createForeign(wrongDimension.name(), 16, IndexParam.MetricType.COSINE);
        CollectionMismatchException dimension = assertThrows(CollectionMismatchException.class,
                () -> index.ensureCollection(wrongDimension));
        assertTrue(dimension.getMessage().contains("dimension 16 while model 'dim-model' produces 8"), dimension.getMessage());

        CollectionSpec wrongMetric = CollectionSpec.of(PREFIX, "metric-model", DIM);
        createForeign(wrongMetric.name(), DIM, IndexParam.MetricType.L2);
        CollectionMismatchException metric = assertThrows(CollectionMismatchException.class,
                () -> index.ensureCollection(wrongMetric));
        assertTrue(metric.getMessage().contains("metric L2 instead of COSINE"), metric.getMessage());
    }

    @Test
    void hostileProductIdsAreMatchedExactlyAndNeverWidenAFilter() {
        IndexSettings settings = IndexSettings.of(PREFIX + "hostile_", "unused_alias", "m", DIM, true);
        Indexer indexer = new Indexer(index, settings, 100, Clock.systemUTC());
        String hostile = "p\" || productId != \"\\ \n'ü";
        indexer.index(List.of(
                record(TestEvents.vectors(hostile, "i\"1", List.of("i\"1"), "m", DIM, 0, 1)),
                record(TestEvents.vectors("victim", "i", List.of("i"), "m", DIM, 0))));
        String collection = settings.active().name();
        assertEquals(2, index.query(collection, io.snapfind.milvus.Filters.eq(IndexSchema.PRODUCT_ID, hostile)).size());

        indexer.index(List.of(record(TestEvents.vectors(hostile, "i\"1", List.of("i\"1"), "m", DIM, 1))));
        assertEquals(Set.of(TestEvents.cropId(hostile, "i\"1", 1), TestEvents.cropId("victim", "i", 0)),
                cropIds(collection), "the update removed the hostile product's stale crop, and nothing else");
        indexer.index(List.of(record(VectorsEvent.delete(hostile, Instant.now()))));

        assertEquals(Set.of(TestEvents.cropId("victim", "i", 0)), cropIds(collection), "only the victim is left");
    }

    /**
     * The collapsed batch plan must leave exactly the rows that applying the same events one by one leaves: random
     * histories of updates, image removals and deletions, applied both ways on top of the same earlier state.
     */
    @Test
    void aCollapsedBatchEqualsApplyingItsEventsOneByOne() {
        Random random = new Random(42);
        IndexSettings oneByOneSettings = IndexSettings.of(PREFIX + "seq_", "unused_alias", "m", DIM, true);
        IndexSettings batchedSettings = IndexSettings.of(PREFIX + "bat_", "unused_alias", "m", DIM, true);
        Indexer oneByOne = new Indexer(index, oneByOneSettings, 100, Clock.systemUTC());
        Indexer batched = new Indexer(index, batchedSettings, 100, Clock.systemUTC());
        for (int round = 0; round < 12; round++) {
            List<SourceRecord> history = randomHistory(random, 8);
            history.forEach(record -> oneByOne.index(List.of(record)));
            batched.index(history);
            assertEquals(rows(oneByOneSettings.active().name()), rows(batchedSettings.active().name()), "round " + round);
        }
    }

    /**
     * Histories of 150 products, each a few upserts and deletes with rising versions, delivered in a shuffled order
     * in batches of random size, as two catalog writers, dead-letter replays and a re-index could mix them. Every
     * product must end as its newest event left it. RELIABILITY.md's R-stale-applied is this test's count.
     */
    @Test
    void shuffledHistoriesEndAsTheirNewestEventLeftThem() {
        Random random = new Random(15);
        IndexSettings settings = IndexSettings.of(PREFIX + "shuf_", "unused_alias", "m", DIM, true);
        String collection = settings.active().name();
        Indexer indexer = new Indexer(index, settings, 100, Clock.systemUTC());
        Instant t1 = Instant.parse("2025-03-01T11:00:00Z");
        // The active collection exists before the first event, as the service creates it at start-up.
        indexer.index(List.of(record(TestEvents.vectorsAt("other", "a", List.of("a"), "m", DIM, t1, 0))));
        List<VectorsEvent> events = new ArrayList<>();
        Map<String, VectorsEvent> newest = new java.util.HashMap<>();
        for (int p = 0; p < 150; p++) {
            String product = "p" + p;
            int history = 2 + random.nextInt(4);
            for (int k = 0; k < history; k++) {
                Instant at = t1.plusSeconds(60L * k);
                VectorsEvent event = random.nextInt(4) == 0 ? VectorsEvent.delete(product, at)
                        : TestEvents.vectorsAt(product, "v" + k, List.of("v" + k), "m", DIM, at,
                                random.nextBoolean() ? new int[] { 0 } : new int[] { 0, 1 });
                events.add(event);
                newest.put(product, event);
            }
        }
        java.util.Collections.shuffle(events, random);
        int stale = 0;
        Map<String, Instant> seen = new java.util.HashMap<>();
        for (VectorsEvent event : events) {
            Instant before = seen.merge(event.productId(), event.occurredAt(), (a, b) -> a.isAfter(b) ? a : b);
            stale += before.isAfter(event.occurredAt()) ? 1 : 0;
        }
        int skipped = 0;
        for (int from = 0; from < events.size(); ) {
            int to = Math.min(events.size(), from + 1 + random.nextInt(20));
            List<SourceRecord> batch = new ArrayList<>();
            events.subList(from, to).forEach(event -> batch.add(record(event)));
            skipped += indexer.index(batch).skippedStale();
            from = to;
        }
        Map<String, String> stored = rows(collection);
        int applied = 0;
        for (VectorsEvent last : newest.values()) {
            Set<String> expected = new java.util.HashSet<>();
            last.vectors().forEach(vector -> expected.add(vector.cropId()));
            Set<String> found = new java.util.HashSet<>();
            stored.forEach((cropId, owner) -> {
                if (owner.startsWith(last.productId() + "/")) {
                    found.add(cropId);
                }
            });
            applied += found.equals(expected) ? 0 : 1;
        }
        System.out.println("R-stale-applied: " + applied + " (" + stale + " of " + events.size()
                + " events arrived after a newer one of their product; " + skipped + " skipped as stale)");
        assertTrue(stale > 80, "the shuffle makes plenty of stale events: " + stale);
        assertEquals(0, applied, "products not left as their newest event made them");
    }

    /**
     * Versions live in Milvus, not in the indexer: a second indexer (a restart) still refuses an older upsert after a
     * deletion and after a newer upsert; a manifest written before versions were kept is read and superseded.
     */
    @Test
    void versionsAndTombstonesSurviveARestartOfTheIndexer() {
        IndexSettings settings = IndexSettings.of(PREFIX + "ver_", "unused_alias", "m", DIM, true);
        String collection = settings.active().name();
        Instant t1 = Instant.parse("2025-03-01T11:00:00Z");
        Instant t2 = Instant.parse("2025-03-01T12:00:00Z");
        Indexer before = new Indexer(index, settings, 100, Clock.systemUTC());
        before.index(List.of(record(TestEvents.vectorsAt("kept", "i", List.of("i"), "m", DIM, t2, 0)),
                record(TestEvents.vectorsAt("gone", "i", List.of("i"), "m", DIM, t1, 0)),
                record(VectorsEvent.delete("gone", t2))));

        Indexer restarted = new Indexer(index, settings, 100, Clock.systemUTC());
        var outcome = restarted.index(List.of(record(TestEvents.vectorsAt("kept", "i", List.of("i"), "m", DIM, t1, 1)),
                record(TestEvents.vectorsAt("gone", "i", List.of("i"), "m", DIM, t1, 1))));

        assertEquals(2, outcome.skippedStale());
        assertEquals(Set.of(TestEvents.cropId("kept", "i", 0)), cropIds(collection));
        var manifests = index.manifests(collection, List.of("kept", "gone"));
        assertEquals(new ProductVersion(t2.toEpochMilli(), null), manifests.get("kept").version());
        assertTrue(manifests.get("gone").deleted());
        assertEquals(Map.of(), manifests.get("gone").images());

        // The layout before versions: the images object alone. It has no version, so any event applies over it.
        com.google.gson.JsonObject legacy = new com.google.gson.JsonObject();
        com.google.gson.JsonArray crops = new com.google.gson.JsonArray();
        crops.add(TestEvents.cropId("kept", "i", 0));
        legacy.add("i", crops);
        com.google.gson.JsonObject row = MilvusRowCodec.manifestJson("kept", new Manifest(Map.of(), null, false));
        row.add(IndexSchema.MANIFEST_IMAGES, legacy);
        client.upsert(io.milvus.v2.service.vector.request.UpsertReq.builder()
                .collectionName(MilvusVectorStore.manifestOf(collection)).data(List.of(row)).build());
        Manifest read = index.manifests(collection, List.of("kept")).get("kept");
        assertEquals(new Manifest(Map.of("i", Set.of(TestEvents.cropId("kept", "i", 0))), null, false), read);
        assertEquals(0, restarted.index(List.of(record(TestEvents.vectorsAt("kept", "i", List.of("i"), "m", DIM, t1, 1))))
                .skippedStale());
        assertEquals(Set.of(TestEvents.cropId("kept", "i", 1)), cropIds(collection));
    }

    @Test
    void aProductTooBigForItsManifestIsStillCleanedUpFromItsRows() {
        IndexSettings settings = IndexSettings.of(PREFIX + "big_", "unused_alias", "m", DIM, true);
        Indexer indexer = new Indexer(index, settings, 1000, Clock.systemUTC());
        List<String> images = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> "image-" + i + "-" + "x".repeat(300)).toList();
        indexer.index(images.stream()
                .map(image -> record(TestEvents.vectors("big", image, images, "m", DIM, 0).withVersion(7L))).toList());
        String collection = settings.active().name();
        Manifest overflowed = index.manifests(collection, List.of("big")).get("big");
        assertEquals(200, overflowed.images().size(), "the 68 KB manifest overflowed and is read back from the rows");
        assertEquals(7L, overflowed.version().explicit(), "the version is kept beside an overflowing manifest");
        assertEquals(Boolean.TRUE, client.query(io.milvus.v2.service.vector.request.QueryReq.builder()
                .collectionName(MilvusVectorStore.manifestOf(collection)).filter("productId == \"big\"")
                .outputFields(List.of(IndexSchema.MANIFEST_OVERFLOW)).build())
                .getQueryResults().get(0).getEntity().get(IndexSchema.MANIFEST_OVERFLOW));

        List<String> half = images.subList(0, 100);
        indexer.index(List.of(record(TestEvents.vectors("big", half.get(0), half, "m", DIM, 1))));

        Set<String> expected = new HashSet<>();
        expected.add(TestEvents.cropId("big", half.get(0), 1));
        half.subList(1, 100).forEach(image -> expected.add(TestEvents.cropId("big", image, 0)));
        assertEquals(expected, cropIds(collection));
    }

    @Test
    void searchesThroughTheAliasKeepWorkingWhileItIsSwapped() throws Exception {
        IndexSettings settings = IndexSettings.of(PREFIX + "swap_", PREFIX + "swap_products", "old", DIM, true);
        IndexAdmin admin = new IndexAdmin(index, settings);
        admin.initialize();
        Indexer indexer = new Indexer(index, settings, 100, Clock.systemUTC());
        List<SourceRecord> records = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            records.add(record(TestEvents.vectors("p" + p, "i", List.of("i"), "old", DIM, 0)));
            records.add(record(TestEvents.vectors("p" + p, "i", List.of("i"), "new", DIM, 0)));
        }
        indexer.index(records);
        String oldCollection = settings.active().name();
        String newCollection = CollectionSpec.of(settings.prefix(), "new", DIM).name();

        AtomicBoolean searching = new AtomicBoolean(true);
        AtomicInteger searches = new AtomicInteger();
        Set<String> modelsSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            while (searching.get()) {
                try {
                    SearchResp response = client.search(SearchReq.builder().collectionName(settings.alias())
                            .data(List.of(new FloatVec(TestEvents.unitVector(DIM, 7)))).annsField(IndexSchema.VECTOR)
                            .topK(3).outputFields(List.of(IndexSchema.MODEL_ID)).build());
                    List<SearchResp.SearchResult> hits = response.getSearchResults().get(0);
                    if (hits.size() != 3) {
                        failures.add(new AssertionError("expected 3 hits, got " + hits.size()));
                    }
                    hits.forEach(hit -> modelsSeen.add(String.valueOf(hit.getEntity().get(IndexSchema.MODEL_ID))));
                    searches.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        });
        reader.start();
        try {
            for (int swap = 0; swap < 6; swap++) {
                Thread.sleep(150);
                admin.swapAlias(swap % 2 == 0 ? newCollection : oldCollection, 1.0, false);
            }
            Thread.sleep(150);
        } finally {
            searching.set(false);
            reader.join();
        }
        assertEquals(List.of(), failures, "every search through the alias succeeded");
        assertTrue(searches.get() > 6, "searched during the swaps: " + searches.get());
        assertEquals(Set.of("old", "new"), modelsSeen, "results came from both collections");
        assertEquals(oldCollection, admin.aliasTarget());
    }

    @Test
    void theAliasIsNotSwappedToACollectionThatHasNotCaughtUp() {
        IndexSettings settings = IndexSettings.of(PREFIX + "lag_", PREFIX + "lag_products", "old", DIM, true);
        IndexAdmin admin = new IndexAdmin(index, settings);
        admin.initialize();
        Indexer indexer = new Indexer(index, settings, 100, Clock.systemUTC());
        indexer.index(List.of(record(TestEvents.vectors("p1", "i", List.of("i"), "old", DIM, 0, 1)),
                record(TestEvents.vectors("p1", "i", List.of("i"), "new", DIM, 0))));
        String newCollection = CollectionSpec.of(settings.prefix(), "new", DIM).name();

        var refused = assertThrows(io.snapfind.indexer.AdminException.class,
                () -> admin.swapAlias(newCollection, 1.0, false));
        assertTrue(refused.getMessage().contains("1 rows, 0.500 of the 2 rows"), refused.getMessage());
        assertThrows(io.snapfind.indexer.AdminException.class, () -> admin.dropCollection(settings.active().name()),
                "the alias target cannot be dropped");

        admin.swapAlias(newCollection, 0.5, false);
        admin.dropCollection(settings.active().name());
        assertTrue(index.describe(settings.active().name()).isEmpty());
    }

    private static List<SourceRecord> randomHistory(Random random, int events) {
        List<SourceRecord> history = new ArrayList<>();
        for (int e = 0; e < events; e++) {
            String product = "rp" + random.nextInt(3);
            if (random.nextInt(6) == 0) {
                history.add(record(VectorsEvent.delete(product, Instant.now())));
                continue;
            }
            List<String> images = new ArrayList<>();
            for (String image : List.of("a", "b", "c")) {
                if (random.nextBoolean()) {
                    images.add(image);
                }
            }
            if (images.isEmpty()) {
                images.add("a");
            }
            String image = images.get(random.nextInt(images.size()));
            int[] crops = random.ints(random.nextInt(4), 0, 5).distinct().toArray();
            history.add(record(TestEvents.vectors(product, image, images, "m", DIM, crops)));
        }
        return history;
    }

    private static Map<String, String> rows(String collection) {
        Map<String, String> rows = new TreeMap<>();
        index.query(collection, "cropId != \"\"").forEach(row -> rows.put(row.cropId(), row.productId() + "/" + row.imageId()));
        return rows;
    }

    private static Set<String> cropIds(String collection) {
        Set<String> ids = new HashSet<>();
        index.query(collection, "cropId != \"\"").forEach(row -> ids.add(row.cropId()));
        return ids;
    }

    private static long offset;

    private static SourceRecord record(VectorsEvent event) {
        return new SourceRecord("images.vectors", 0, offset++, event.productId(), TestEvents.encode(event));
    }

    private static void createForeign(String name, int dimension, IndexParam.MetricType metric) {
        CreateCollectionReq.CollectionSchema schema = client.createSchema();
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.CROP_ID).dataType(DataType.VarChar).maxLength(64)
                .isPrimaryKey(true).build());
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.PRODUCT_ID).dataType(DataType.VarChar).maxLength(64).build());
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.IMAGE_ID).dataType(DataType.VarChar).maxLength(64).build());
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.VECTOR).dataType(DataType.FloatVector)
                .dimension(dimension).build());
        client.createCollection(CreateCollectionReq.builder().collectionName(name).collectionSchema(schema)
                .indexParams(List.of(IndexParam.builder().fieldName(IndexSchema.VECTOR)
                        .indexType(IndexParam.IndexType.HNSW).metricType(metric).build()))
                .build());
    }
}
