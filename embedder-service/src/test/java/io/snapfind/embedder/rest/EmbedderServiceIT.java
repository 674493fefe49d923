package io.snapfind.embedder.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.snapfind.contracts.Box;
import io.snapfind.contracts.Crop;
import io.snapfind.contracts.CropIds;
import io.snapfind.contracts.CropsEvent;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.Topics;
import io.snapfind.contracts.VectorsEvent;
import io.snapfind.embedder.EmbedderTestImages;
import io.snapfind.embedder.Vectors;
import io.snapfind.harness.SharedInfrastructure;
import io.snapfind.harness.quarkus.KafkaTestResource;

/** The running service on the real broker and the deployed default model: REST and the Kafka stream. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class EmbedderServiceIT {

    private static final EventCodec CODEC = new EventCodec();
    private static final EventCodec DEAD_LETTERS = new EventCodec(2 * EventCodec.DEFAULT_MAX_PAYLOAD_BYTES);
    private static final Instant OCCURRED = Instant.parse("2025-03-01T12:00:00Z");
    /** The deployed default: the fusion of EfficientNet-Lite0 (1280-d) and MobileNetV2 (1280-d). */
    private static final String MODEL = "efficientnet-lite0+mobilenetv2";
    private static final int DIMENSION = 2560;

    private final byte[] chair = EmbedderTestImages.read(EmbedderTestImages.ikea("chair").get(0));
    private final byte[] couch = EmbedderTestImages.read(EmbedderTestImages.ikea("couch").get(0));

    @Test
    void multipartImagesGetOneUnitVectorEachInOrder() {
        JsonPath body = given().multiPart("image", "chair.jpg", chair, "image/jpeg")
                .multiPart("image", "couch.jpg", couch, "image/jpeg")
                .when().post("/v1/embed")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("modelId", equalTo(MODEL))
                .body("dimension", equalTo(DIMENSION))
                .body("vectors", hasSize(2))
                .extract().jsonPath();
        float[] chairVector = vector(body, 0);
        assertEquals(DIMENSION, chairVector.length);
        assertEquals(1.0, Vectors.norm(chairVector), 1e-4);
        assertTrue(Vectors.cosine(chairVector, vector(body, 1)) < 0.99, "a chair and a couch differ");

        // The JSON form gives the same vector for the same bytes.
        float[] again = vector(given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Base64.getEncoder().encodeToString(chair))))
                .when().post("/v1/embed")
                .then().statusCode(200).body("vectors", hasSize(1)).extract().jsonPath(), 0);
        assertArrayEquals(chairVector, again, 1e-5f);
    }

    @Test
    void refusedImagesGetProblemDetailsNamingTheImage() {
        problem(given().multiPart("image", "a.jpg", chair, "image/jpeg")
                .multiPart("image", "notes.txt", "just text".getBytes(StandardCharsets.UTF_8), "text/plain"),
                415, "images[1]", "not a JPEG");
        problem(given().multiPart("image", "empty.jpg", new byte[0], "image/jpeg"), 422, "images[0]", "empty");
        problem(given().multiPart("image", "broken.jpg", Arrays.copyOf(chair, 400), "image/jpeg"),
                422, "images[0]", "");
        byte[] bomb = pngClaiming(30_000, 30_000);
        problem(given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Base64.getEncoder().encodeToString(bomb)))), 413, "images[0]", "pixels");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            tooMany.add("AAAA");
        }
        problem(given().contentType(ContentType.JSON).body(Map.of("images", tooMany)), 413, "images", "at most 32");
        problem(given().contentType(ContentType.JSON).body(Map.of("images", List.of())), 422, "images", "at least one");
        problem(given().contentType(ContentType.JSON).body(Map.of("images", List.of("not base64!"))),
                422, "images[0]", "base64");
        given().contentType(ContentType.TEXT).body("hello").when().post("/v1/embed")
                .then().statusCode(415).contentType("application/problem+json").body("status", equalTo(415));
    }

    @Test
    void explainsAPairWithTheServingModelsFeatureMap() {
        String encodedChair = Base64.getEncoder().encodeToString(chair);
        String encodedCouch = Base64.getEncoder().encodeToString(couch);
        JsonPath explanation = given().contentType(ContentType.JSON)
                .body(Map.of("query", encodedChair, "match", encodedCouch))
                .when().post("/v1/explain")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("modelId", equalTo(MODEL))
                .body("query.gridWidth", equalTo(7)).body("query.heat", hasSize(49)).body("match.shares", hasSize(49))
                .extract().jsonPath();
        JsonPath embedded = given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(encodedChair, encodedCouch))).when().post("/v1/embed")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(Vectors.cosine(vector(embedded, 0), vector(embedded, 1)), explanation.getDouble("score"), 1e-4,
                "the explained score is the one search computes from the served vectors");

        given().contentType(ContentType.JSON).body(Map.of("query", encodedChair)).when().post("/v1/explain")
                .then().statusCode(422).contentType("application/problem+json").body("field", equalTo("match"));
        given().contentType(ContentType.JSON).body(Map.of("query", encodedChair, "match", "bm90IGFuIGltYWdl"))
                .when().post("/v1/explain").then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void theApiIsDocumented() {
        JsonPath openApi = given().when().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        Map<String, Object> post = openApi.getMap("paths.'/v1/embed'.post");
        assertTrue(post != null, "POST /v1/embed is documented");
        Map<String, Object> content = openApi.getMap("paths.'/v1/embed'.post.requestBody.content");
        assertTrue(content.containsKey("multipart/form-data") && content.containsKey("application/json"),
                "both request forms are documented: " + content.keySet());
        Map<String, Object> responses = openApi.getMap("paths.'/v1/embed'.post.responses");
        assertTrue(responses.keySet().containsAll(List.of("200", "413", "415", "422")), "responses: " + responses.keySet());
    }

    @Test
    void cropMessagesBecomeVectorMessagesAndPoisonGoesToTheDeadLetterTopic() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String product = "chair-" + run;
        String poisonKey = "poison-" + run;
        String mixed = "mixed-" + run;
        byte[] poison = "{\"schemaVersion\":1,\"type\":\"CROPS\",\"productId\":".getBytes(StandardCharsets.UTF_8);
        byte[] mixedValue = CODEC.encode(crops(mixed, List.of(chair, Arrays.copyOf(couch, 300))));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.IMAGES_CROPS, product, CODEC.encode(crops(product,
                    List.of(chair, couch))))).get();
            producer.send(new ProducerRecord<>(Topics.IMAGES_CROPS, product,
                    CODEC.encode(CropsEvent.delete(product, OCCURRED)))).get();
            producer.send(new ProducerRecord<>(Topics.IMAGES_CROPS, poisonKey, poison)).get();
            producer.send(new ProducerRecord<>(Topics.IMAGES_CROPS, mixed, mixedValue)).get();
        }

        Map<String, List<ConsumerRecord<String, byte[]>>> vectors = await(Topics.IMAGES_VECTORS,
                Map.of(product, 2, mixed, 1));
        List<ConsumerRecord<String, byte[]>> productRecords = vectors.get(product);
        VectorsEvent upsert = CODEC.decodeVectors(productRecords.get(0).value());
        VectorsEvent delete = CODEC.decodeVectors(productRecords.get(1).value());
        assertEquals(VectorsEvent.Type.VECTORS, upsert.type(), "the vectors come before the DELETE that followed");
        assertEquals(VectorsEvent.Type.DELETE, delete.type());
        assertEquals(MODEL, upsert.modelId());
        assertEquals(DIMENSION, upsert.dimension());
        assertEquals(2, upsert.vectors().size());
        assertEquals(cropId(product, 0), upsert.vectors().get(0).cropId());
        assertEquals(OCCURRED, upsert.occurredAt());
        assertEquals(1.0, Vectors.norm(upsert.vectors().get(1).vector()), 1e-4);
        assertEquals(1, CODEC.decodeVectors(vectors.get(mixed).get(0).value()).vectors().size(),
                "the good crop of a partly broken image is still published");

        Map<String, List<ConsumerRecord<String, byte[]>>> deadLetters = await(DeadLetter.topicFor(Topics.IMAGES_CROPS),
                Map.of(poisonKey, 1, mixed, 1));
        DeadLetter contract = DEAD_LETTERS.decodeDeadLetter(deadLetters.get(poisonKey).get(0).value());
        assertEquals("embedder.contract", contract.stage());
        assertEquals("contract-violation", contract.reason());
        assertArrayEquals(poison, contract.originalValue());
        assertEquals(Topics.IMAGES_CROPS, contract.sourceTopic());
        DeadLetter corrupt = DEAD_LETTERS.decodeDeadLetter(deadLetters.get(mixed).get(0).value());
        assertEquals("embedder.decode", corrupt.stage());
        assertEquals("corrupt", corrupt.reason());
        assertTrue(corrupt.detail().contains(cropId(mixed, 1)), corrupt.detail());
        assertArrayEquals(mixedValue, corrupt.originalValue());

        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("snapfind_embedder_batch_size"))
                .body(containsString("snapfind_embedder_dead_letters_total{reason=\"contract-violation\"}"))
                .body(containsString("snapfind_embedder_image_failures_total{reason=\"corrupt\"}"))
                .body(containsString("snapfind_embedder_vectors_events_total{type=\"DELETE\"}"));
    }

    private static void problem(io.restassured.specification.RequestSpecification request, int status, String field,
            String detailContains) {
        request.when().post("/v1/embed").then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("field", equalTo(field))
                .body("detail", containsString(detailContains))
                .body("title", startsWith(""));
    }

    private static float[] vector(JsonPath body, int index) {
        List<Float> values = body.getList("vectors[" + index + "]", Float.class);
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return vector;
    }

    private static CropsEvent crops(String productId, List<byte[]> jpegs) {
        List<Crop> crops = new ArrayList<>();
        for (int i = 0; i < jpegs.size(); i++) {
            crops.add(new Crop(cropId(productId, i), box(i), i == 0 ? Crop.WHOLE_IMAGE : "chair", 0.9f, jpegs.get(i)));
        }
        return CropsEvent.crops(productId, "furniture", "Test " + productId, Map.of(), "front", List.of("front"),
                crops, OCCURRED);
    }

    private static Box box(int index) {
        return new Box(index * 64, 0, index * 64 + 64, 64);
    }

    private static String cropId(String productId, int index) {
        return CropIds.of(productId, "front", box(index));
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 20 * 1024 * 1024);
        return new KafkaProducer<>(properties);
    }

    /** Reads {@code topic} from the start until each key has its expected number of records (in offset order). */
    private static Map<String, List<ConsumerRecord<String, byte[]>>> await(String topic, Map<String, Integer> expected) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "embedder-it-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 20 * 1024 * 1024);
        Map<String, List<ConsumerRecord<String, byte[]>>> received = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline && !complete(received, expected)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (expected.containsKey(record.key())) {
                        received.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(record);
                    }
                }
            }
        }
        expected.forEach((key, count) -> assertEquals(count, received.getOrDefault(key, List.of()).size(),
                "records for key " + key + " on " + topic));
        return received;
    }

    private static boolean complete(Map<String, List<ConsumerRecord<String, byte[]>>> received,
            Map<String, Integer> expected) {
        return expected.entrySet().stream()
                .allMatch(e -> received.getOrDefault(e.getKey(), List.of()).size() >= e.getValue());
    }

    /** A PNG signature and header chunk claiming {@code width × height} pixels. */
    private static byte[] pngClaiming(int width, int height) {
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(17);
        header.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put(new byte[] { 8, 2, 0, 0, 0 });
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(header.array());
        java.nio.ByteBuffer png = java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' }).putInt(13).put(header.array())
                .putInt((int) crc.getValue());
        return png.array();
    }
}
