package io.snapfind.indexer;

import static io.restassured.RestAssured.given;
import static io.snapfind.indexer.messaging.KafkaTestSupport.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.milvus.v2.client.MilvusClientV2;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.Topics;
import io.snapfind.contracts.VectorsEvent;
import io.snapfind.harness.SharedInfrastructure;
import io.snapfind.harness.quarkus.KafkaTestResource;
import io.snapfind.harness.quarkus.MilvusLiteTestResource;
import io.snapfind.indexer.messaging.KafkaTestSupport;
import io.snapfind.indexer.milvus.MilvusVectorStore;
import io.snapfind.milvus.Filters;
import io.snapfind.milvus.IndexSchema;

/** The service end to end: images.vectors on the real broker into Milvus Lite, the status API and the admin API. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(MilvusLiteTestResource.class)
class IndexerIngestIT {

    // From the %test profile in application.properties.
    private static final String MODEL = "test-model";
    private static final int DIM = 8;
    private static final String GROUP = "indexer-service-it";
    private static final String PREFIX = "itq_";
    private static final String ADMIN_KEY = "test-admin-key";

    private static KafkaTestSupport kafka;
    private static MilvusClientV2 client;
    private static MilvusVectorStore milvus;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestSupport();
        client = SharedInfrastructure.milvus().client();
        milvus = new MilvusVectorStore(() -> client, 16, 64);
    }

    @AfterAll
    static void close() {
        kafka.close();
        client.close();
    }

    @Test
    void aRedeliveredEventLeavesExactlyOneRowPerCrop() throws Exception {
        String product = unique("dup");
        VectorsEvent event = TestEvents.vectors(product, "a", List.of("a"), MODEL, DIM, 0, 1);
        send(event);
        send(event);
        awaitConsumed();
        assertEquals(Set.of(TestEvents.cropId(product, "a", 0), TestEvents.cropId(product, "a", 1)), cropIds(product));
        given().get("/v1/index/products/{id}", product).then().statusCode(200).body("rows", equalTo(2));
    }

    @Test
    void anUpdateThatChangesCropsLeavesNoStaleCrops() throws Exception {
        String product = unique("upd");
        send(TestEvents.vectors(product, "a", List.of("a", "b"), MODEL, DIM, 0, 1, 2));
        send(TestEvents.vectors(product, "b", List.of("a", "b"), MODEL, DIM, 0));
        awaitConsumed();
        assertEquals(4, cropIds(product).size());

        send(TestEvents.vectors(product, "a", List.of("a"), MODEL, DIM, 1, 3));
        awaitConsumed();
        assertEquals(Set.of(TestEvents.cropId(product, "a", 1), TestEvents.cropId(product, "a", 3)), cropIds(product),
                "crops 0 and 2 of image a and the whole of image b are gone");
    }

    /** Events of one product published out of order, as a second catalog writer or a replayed dead letter would. */
    @Test
    void reorderedEventsNeverApplyAnOlderVersionOverANewerOne() throws Exception {
        String product = unique("order");
        String revived = unique("revived");
        Instant t1 = Instant.parse("2025-03-01T11:00:00Z");
        Instant t2 = Instant.parse("2025-03-01T12:00:00Z");
        send(TestEvents.vectorsAt(product, "new", List.of("new"), MODEL, DIM, t2, 0, 1));
        send(TestEvents.vectorsAt(revived, "a", List.of("a"), MODEL, DIM, t1, 0));
        awaitConsumed();
        send(TestEvents.vectorsAt(product, "old", List.of("old"), MODEL, DIM, t1, 0));
        send(VectorsEvent.delete(product, t1));
        send(VectorsEvent.delete(revived, t2));
        send(TestEvents.vectorsAt(revived, "a", List.of("a"), MODEL, DIM, t1, 0, 1));
        awaitConsumed();

        assertEquals(Set.of(TestEvents.cropId(product, "new", 0), TestEvents.cropId(product, "new", 1)),
                cropIds(product), "neither the older upsert nor the older delete was applied");
        assertEquals(Set.of(), cropIds(revived), "the upsert older than the delete did not bring the product back");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("snapfind_indexer_stale_skipped_total"), "stale events are counted");
    }

    @Test
    void aDeleteLeavesNoRowsAndTheStatusSaysSo() throws Exception {
        String product = unique("del");
        send(TestEvents.vectors(product, "a", List.of("a"), MODEL, DIM, 0, 1));
        awaitConsumed();
        send(VectorsEvent.delete(product, Instant.now()));
        awaitConsumed();
        assertEquals(Set.of(), cropIds(product));
        given().get("/v1/index/products/{id}", product).then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404)).body("title", equalTo("Not indexed"));
    }

    @Test
    void theStatusApiTellsWhenAProductIsSearchable() throws Exception {
        String product = unique("status \"quoted\" / slashed");
        Instant occurredAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(3);
        send(TestEvents.vectorsAt(product, "a", List.of("a"), MODEL, DIM, occurredAt, 0, 1, 2));
        awaitConsumed();
        given().get("/v1/index/products/{id}", product).then().statusCode(200)
                .body("productId", equalTo(product))
                .body("indexed", equalTo(true))
                .body("rows", equalTo(3))
                .body("modelId", equalTo(MODEL))
                .body("collection", startsWith(PREFIX + "test_model_"))
                .body("occurredAt", equalTo(occurredAt.toString()))
                .body("lastIndexedAt", startsWith(Instant.now().toString().substring(0, 10)));
    }

    @Test
    void poisonRecordsAreDeadLetteredWithTheirReasonAndTheStreamFlowsOn() throws Exception {
        String garbageKey = unique("garbage");
        byte[] garbage = "{\"schemaVersion\":1,\"type\":\"VECTORS\"".getBytes(StandardCharsets.UTF_8);
        kafka.send(Topics.IMAGES_VECTORS, garbageKey, garbage);
        String wrongDimension = unique("dim");
        send(TestEvents.vectors(wrongDimension, "a", List.of("a"), MODEL, DIM * 2, 0));
        String valid = unique("after-poison");
        send(TestEvents.vectors(valid, "a", List.of("a"), MODEL, DIM, 0));
        awaitConsumed();

        assertEquals(1, cropIds(valid).size(), "the record after the poison ones is indexed");
        EventCodec codec = new EventCodec(2 * EventCodec.DEFAULT_MAX_PAYLOAD_BYTES);
        Map<String, DeadLetter> letters = new java.util.HashMap<>();
        for (ConsumerRecord<String, byte[]> record : kafka.readAll(DeadLetter.topicFor(Topics.IMAGES_VECTORS))) {
            letters.put(record.key(), codec.decodeDeadLetter(record.value()));
        }
        DeadLetter malformed = letters.get(garbageKey);
        assertEquals("indexer.decode", malformed.stage());
        assertEquals("contract-violation", malformed.reason());
        assertEquals(Topics.IMAGES_VECTORS, malformed.sourceTopic());
        assertArrayEquals(garbage, malformed.originalValue());
        DeadLetter dimension = letters.get(wrongDimension);
        assertEquals("dimension-mismatch", dimension.reason());
        assertEquals(wrongDimension, dimension.productId());
        assertEquals("a", dimension.imageId());
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("snapfind_indexer_failures_total{reason=\"contract-violation\"}"))
                .body(containsString("snapfind_indexer_failures_total{reason=\"dimension-mismatch\"}"));
    }

    @Test
    void aReindexFillsTheNewModelsCollectionAndTheAliasSwapsToItAndBack() throws Exception {
        String product = unique("reindex");
        send(TestEvents.vectors(product, "a", List.of("a"), MODEL, DIM, 0));
        send(TestEvents.vectors(product, "a", List.of("a"), "next-model", DIM, 0, 1));
        awaitConsumed();
        String active = given().header("X-Admin-Key", ADMIN_KEY).get("/v1/admin/alias").then().statusCode(200)
                .body("alias", equalTo(PREFIX + "products")).extract().path("collection");
        String next = CollectionSpec.of(PREFIX, "next-model", DIM).name();
        given().header("X-Admin-Key", ADMIN_KEY).get("/v1/admin/collections").then().statusCode(200)
                .body("name", hasItems(active, next));

        given().header("X-Admin-Key", ADMIN_KEY).contentType(ContentType.JSON).body(Map.of("collection", next))
                .put("/v1/admin/alias").then().statusCode(409).contentType("application/problem+json");
        given().header("X-Admin-Key", ADMIN_KEY).contentType(ContentType.JSON)
                .body(Map.of("collection", next, "minCoverage", 0.0)).put("/v1/admin/alias").then().statusCode(200)
                .body("from", equalTo(active)).body("to", equalTo(next));
        given().get("/v1/index/products/{id}", product).then().statusCode(200)
                .body("collection", equalTo(next)).body("rows", equalTo(2)).body("modelId", equalTo("next-model"));
        given().header("X-Admin-Key", ADMIN_KEY).delete("/v1/admin/collections/{name}", next).then().statusCode(409);

        send(VectorsEvent.delete(product, Instant.now()));
        awaitConsumed();
        given().get("/v1/index/products/{id}", product).then().statusCode(404);
        given().get("/v1/index/products/{id}?collection={c}", product, active).then().statusCode(404);

        given().header("X-Admin-Key", ADMIN_KEY).contentType(ContentType.JSON)
                .body(Map.of("collection", active, "force", true)).put("/v1/admin/alias").then().statusCode(200);
        given().header("X-Admin-Key", ADMIN_KEY).delete("/v1/admin/collections/{name}", next).then().statusCode(204);
        given().delete("/v1/admin/collections/{name}", active).then().statusCode(401);
        given().header("X-Admin-Key", ADMIN_KEY).delete("/v1/admin/collections/{name}", "not_ours").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/v1/index/nothing-here").then().statusCode(404).contentType("application/problem+json");
        given().header("X-Admin-Key", "wrong").get("/v1/admin/collections").then().statusCode(401);
    }

    @Test
    void replayRewindsAStoppedConsumerGroupToTheStartOfTheCatalog() throws Exception {
        String group = unique("detector");
        for (int i = 0; i < 4; i++) {
            kafka.send(Topics.CATALOG_PRODUCTS, unique("replay"), "{}".getBytes(StandardCharsets.UTF_8));
        }
        try (KafkaConsumer<String, byte[]> detector = kafka.consumer(group, 100)) {
            detector.subscribe(List.of(Topics.CATALOG_PRODUCTS));
            await("the stand-in detector joined", Duration.ofSeconds(30), () -> {
                detector.poll(Duration.ofMillis(200));
                return !detector.assignment().isEmpty();
            });
            detector.seekToEnd(detector.assignment());
            detector.assignment().forEach(detector::position);
            detector.commitSync();
            given().header("X-Admin-Key", ADMIN_KEY).contentType(ContentType.JSON).body(Map.of("group", group))
                    .post("/v1/admin/replay").then().statusCode(409).body("detail", containsString("active member"));
        }
        given().header("X-Admin-Key", ADMIN_KEY).contentType(ContentType.JSON).body(Map.of("group", group))
                .post("/v1/admin/replay").then().statusCode(200).body("topic", equalTo(Topics.CATALOG_PRODUCTS));
        try (var admin = SharedInfrastructure.kafka().admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            assertEquals(3, offsets.size());
            offsets.values().forEach(offset -> assertEquals(0, offset.offset(), "rewound to the start"));
        }
    }

    @Test
    void freshnessAndThroughputMetricsAreExported() throws Exception {
        send(TestEvents.vectors(unique("metrics"), "a", List.of("a"), MODEL, DIM, 0));
        awaitConsumed();
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("snapfind_indexer_freshness_seconds_count", "snapfind_indexer_freshness_seconds_bucket",
                "snapfind_indexer_rows_upserted_total", "snapfind_indexer_rows_deleted_total",
                "snapfind_indexer_batch_records_count", "snapfind_indexer_milvus_retries_total",
                "kafka_consumer_fetch_manager_records_lag_max")) {
            assertTrue(metrics.contains(name), name + " is exported");
        }
    }

    private static void send(VectorsEvent event) {
        kafka.send(Topics.IMAGES_VECTORS, event.productId(), TestEvents.encode(event));
    }

    /** Waits until the service has committed everything on images.vectors, i.e. Milvus acknowledged it. */
    private static void awaitConsumed() throws InterruptedException {
        await("the indexer caught up", Duration.ofSeconds(60), () -> kafka.lag(GROUP, Topics.IMAGES_VECTORS) == 0);
    }

    private static Set<String> cropIds(String productId) {
        String collection = CollectionSpec.of(PREFIX, MODEL, DIM).name();
        Set<String> ids = new HashSet<>();
        milvus.query(collection, Filters.eq(IndexSchema.PRODUCT_ID, productId)).forEach(row -> ids.add(row.cropId()));
        return ids;
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
