package io.snapfind.detector;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import javax.imageio.ImageIO;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.ConfigProvider;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.snapfind.imaging.pictures.PictureStore;
import io.restassured.path.json.JsonPath;
import io.snapfind.contracts.Box;
import io.snapfind.contracts.Crop;
import io.snapfind.contracts.CropsEvent;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.ProductEvent;
import io.snapfind.contracts.ProductImage;
import io.snapfind.contracts.Topics;
import io.snapfind.harness.SharedInfrastructure;
import io.snapfind.harness.quarkus.KafkaTestResource;

/**
 * The running service on the real broker and the real model: products in on catalog.products, crops out on
 * images.crops, failures on catalog.products.dlq; and the REST endpoint. URL images come from an HTTP server on
 * 127.0.0.1 (the test profile allows loopback); internal addresses appear only as URLs that must be refused.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class DetectorPipelineIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final EventCodec CODEC = new EventCodec();
    private static final EventCodec DEAD_LETTER_CODEC = new EventCodec(2 * EventCodec.DEFAULT_MAX_PAYLOAD_BYTES);
    private static final Set<String> FURNITURE = Set.of("chair", "couch", "bed", "dining table");

    private static HttpServer images;
    private static String imagesBase;

    @BeforeAll
    static void serveImages() throws IOException {
        images = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        images.createContext("/room.jpg", exchange -> {
            byte[] body = DetectorTestImages.roomScene();
            // The header lies; only the magic bytes count.
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        images.createContext("/empty.jpg", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        images.createContext("/to-private.jpg", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://10.0.0.1/internal.jpg");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        images.start();
        imagesBase = "http://127.0.0.1:" + images.getAddress().getPort();
    }

    @AfterAll
    static void stopImages() {
        images.stop(0);
    }

    @Test
    void productsBecomeCropsAndFailuresBecomeDeadLettersWithoutStoppingTheStream() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String good = "p-" + run + "-dog";
        String bad = "p-" + run + "-bad";
        String junk = "p-" + run + "-junk";
        String after = "p-" + run + "-after";
        Instant at = Instant.parse("2025-03-01T12:00:00Z");

        ProductEvent goodUpsert = ProductEvent.upsert(good, "pets", "Dog and bicycle", Map.of("brand", "Snap"), List.of(
                ProductImage.ofBytes("front", DetectorTestImages.dog()),
                ProductImage.ofUrl("room", imagesBase + "/room.jpg"),
                ProductImage.ofUrl("private", "http://10.0.0.1/internal.jpg"),
                ProductImage.ofUrl("metadata", "http://169.254.169.254/latest/meta-data/")), at).withVersion(11L);
        ProductEvent badUpsert = ProductEvent.upsert(bad, "misc", "Broken images", Map.of(), List.of(
                ProductImage.ofBytes("truncated", DetectorTestImages.truncatedJpeg()),
                ProductImage.ofBytes("text", DetectorTestImages.text()),
                ProductImage.ofBytes("bomb", DetectorTestImages.pngHeaderClaiming(30000, 30000)),
                ProductImage.ofUrl("empty", imagesBase + "/empty.jpg"),
                ProductImage.ofUrl("redirect", imagesBase + "/to-private.jpg"),
                ProductImage.ofBytes("fine", DetectorTestImages.asset("photos/person.jpg"))), at);
        ProductEvent afterUpsert = ProductEvent.upsert(after, "pets", "Eagle", Map.of(), List.of(
                ProductImage.ofBytes("eagle", DetectorTestImages.asset("photos/eagle.jpg"))), at);

        byte[] goodBytes = CODEC.encode(goodUpsert);
        byte[] badBytes = CODEC.encode(badUpsert);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.CATALOG_PRODUCTS, good, goodBytes));
            producer.send(new ProducerRecord<>(Topics.CATALOG_PRODUCTS, good,
                    CODEC.encode(ProductEvent.delete(good, at.plusSeconds(60)).withVersion(12L))));
            producer.send(new ProducerRecord<>(Topics.CATALOG_PRODUCTS, bad, badBytes));
            producer.send(new ProducerRecord<>(Topics.CATALOG_PRODUCTS, junk, "{not json".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(Topics.CATALOG_PRODUCTS, after, CODEC.encode(afterUpsert)));
            // The same product again: reprocessing must give the same crop ids.
            producer.send(new ProducerRecord<>(Topics.CATALOG_PRODUCTS, after, CODEC.encode(afterUpsert)));
            producer.flush();
        }

        List<ConsumerRecord<String, byte[]>> crops = await(Topics.IMAGES_CROPS, r -> r.key().startsWith("p-" + run), 6);
        List<ConsumerRecord<String, byte[]>> letters = await(DeadLetter.topicFor(Topics.CATALOG_PRODUCTS),
                r -> r.key() != null && r.key().startsWith("p-" + run), 8);

        // The good product: one event per fetched image, in order, then the DELETE marker.
        List<CropsEvent> goodEvents = decodeCrops(crops, good);
        assertEquals(java.util.Arrays.asList("front", "room", null), goodEvents.stream().map(CropsEvent::imageId).toList());
        assertEquals(CropsEvent.Type.DELETE, goodEvents.get(2).type(), "the delete follows the crops of its upsert");
        CropsEvent front = goodEvents.get(0);
        assertEquals(List.of("front", "room", "private", "metadata"), front.productImageIds(),
                "failed images stay listed, so the indexer keeps their previous rows");
        assertEquals(Map.of("brand", "Snap"), front.metadata());
        assertEquals(at, front.occurredAt());
        assertEquals(11L, front.version(), "the catalog's version travels with occurredAt");
        assertEquals(12L, goodEvents.get(2).version());
        assertEquals(new Box(0, 0, 768, 576), front.crops().get(0).box());
        assertEquals(Crop.WHOLE_IMAGE, front.crops().get(0).label());
        assertTrue(labels(front).containsAll(Set.of("dog", "bicycle")), "dog photo crops: " + labels(front));
        assertInside(front, 768, 576);
        CropsEvent room = goodEvents.get(1);
        assertTrue(labels(room).stream().anyMatch(FURNITURE::contains), "room scene crops: " + labels(room));

        // The broken product: each bad image dead-lettered with its reason; the good one still emitted.
        List<CropsEvent> badEvents = decodeCrops(crops, bad);
        assertEquals(List.of("fine"), badEvents.stream().map(CropsEvent::imageId).toList());
        assertTrue(labels(badEvents.get(0)).contains("person"));

        // The stream kept flowing past all of it, and reprocessing gave the same crop ids.
        List<CropsEvent> afterEvents = decodeCrops(crops, after);
        assertEquals(2, afterEvents.size());
        assertEquals(afterEvents.get(0).crops().stream().map(Crop::cropId).toList(),
                afterEvents.get(1).crops().stream().map(Crop::cropId).toList());

        // The pictures the gateway shows: exactly the crops sent on, per image; none of a deleted product.
        PictureStore pictures = new PictureStore(ConfigProvider.getConfig()
                .getValue("snapfind.detector.pictures-dir", Path.class));
        CropsEvent eagle = afterEvents.get(1);
        assertEquals(Map.of("eagle", eagle.crops().stream().map(Crop::cropId).toList()), pictures.cropIds(after));
        for (Crop crop : eagle.crops()) {
            assertArrayEquals(crop.jpeg(), pictures.crop(after, crop.cropId()).orElseThrow());
        }
        assertArrayEquals(eagle.crops().get(0).jpeg(), pictures.main(after).orElseThrow());
        assertEquals(List.of("fine"), List.copyOf(pictures.cropIds(bad).keySet()), "failed images have no pictures");
        assertTrue(pictures.cropIds(good).isEmpty(), "a deleted product's pictures are removed");
        assertTrue(pictures.crop(good, front.crops().get(0).cropId()).isEmpty());

        Map<String, DeadLetter> byImage = new java.util.HashMap<>();
        for (ConsumerRecord<String, byte[]> record : letters) {
            DeadLetter letter = DEAD_LETTER_CODEC.decodeDeadLetter(record.value());
            byImage.put(letter.productId() + "/" + letter.imageId(), letter);
            assertEquals(record.key(), letter.key());
            assertEquals(Topics.CATALOG_PRODUCTS, letter.sourceTopic());
        }
        assertLetter(byImage.get(good + "/private"), "detector.fetch", "address-not-allowed", goodBytes);
        assertLetter(byImage.get(good + "/metadata"), "detector.fetch", "address-not-allowed", goodBytes);
        assertLetter(byImage.get(bad + "/truncated"), "detector.decode", "corrupt", badBytes);
        assertLetter(byImage.get(bad + "/text"), "detector.decode", "not-an-image", badBytes);
        assertLetter(byImage.get(bad + "/bomb"), "detector.decode", "too-many-pixels", badBytes);
        assertLetter(byImage.get(bad + "/empty"), "detector.fetch", "empty", badBytes);
        assertLetter(byImage.get(bad + "/redirect"), "detector.fetch", "address-not-allowed", badBytes);
        DeadLetter malformed = byImage.get(junk + "/null");
        assertEquals("detector.event", malformed.stage());
        assertEquals("malformed-event", malformed.reason());
        assertNull(malformed.imageId());

        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("snapfind_detector_failures_total{reason=\"too-many-pixels\",stage=\"decode\"}"))
                .body(containsString("snapfind_detector_failures_total{reason=\"address-not-allowed\",stage=\"fetch\"}"))
                .body(containsString("snapfind_detector_detection_seconds_count"));
    }

    @Test
    void detectsFromAMultipartUpload() {
        JsonPath body = given().multiPart("image", "dog.jpg", DetectorTestImages.dog(), "image/jpeg")
                .when().post("/v1/detect")
                .then().statusCode(200).body("width", equalTo(768)).body("height", equalTo(576))
                .body("model", equalTo("yolov8n"))
                .body("detections.label", hasItems("dog", "bicycle"))
                .extract().jsonPath();
        for (Map<String, Integer> box : body.<Map<String, Integer>>getList("detections.box")) {
            assertTrue(box.get("x1") >= 0 && box.get("y1") >= 0 && box.get("x2") <= 768 && box.get("y2") <= 576, box.toString());
        }
        assertTrue(body.getDouble("timings.inferenceMs") > 0);
    }

    @Test
    void detectsFromBase64Json() {
        given().contentType("application/json")
                .body(Map.of("image", Base64.getEncoder().encodeToString(DetectorTestImages.roomScene())))
                .when().post("/v1/detect")
                .then().statusCode(200).body("detections.label", hasItems("chair", "bed"));
    }

    @Test
    void returnsTheCropsOfTheBestDetectionsWhenAsked() throws Exception {
        JsonPath body = given().contentType("application/octet-stream").body(DetectorTestImages.roomScene())
                .when().post("/v1/detect?crops=2")
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> detections = body.getList("detections");
        assertTrue(detections.size() > 2, "the room scene has more than two objects: " + detections.size());
        for (int i = 0; i < detections.size(); i++) {
            Map<String, Object> detection = detections.get(i);
            if (i > 0) {
                assertTrue(((Number) detections.get(i - 1).get("score")).floatValue()
                        >= ((Number) detection.get("score")).floatValue(), "best first");
            }
            assertEquals(i < 2, detection.containsKey("crop"), "crops of the best two only: " + i);
            if (i < 2) {
                BufferedImage crop = ImageIO.read(new java.io.ByteArrayInputStream(
                        Base64.getDecoder().decode((String) detection.get("crop"))));
                @SuppressWarnings("unchecked")
                Map<String, Integer> box = (Map<String, Integer>) detection.get("cropBox");
                int side = Math.max(box.get("x2") - box.get("x1"), box.get("y2") - box.get("y1"));
                assertEquals(Math.min(side, 640), Math.max(crop.getWidth(), crop.getHeight()), 1,
                        "the crop is its padded box, scaled to at most 640 px");
            }
        }
        assertProblem(given().contentType("application/json").body(Map.of("image", "AAAA")).queryParam("crops", 99),
                400, "invalid-crops");
    }

    @Test
    void aProductWithMoreImagesThanTheLimitIsDeadLetteredWhole() {
        String product = "many-" + UUID.randomUUID().toString().substring(0, 8);
        List<ProductImage> images = new java.util.ArrayList<>();
        for (int i = 0; i < 33; i++) {
            images.add(ProductImage.ofBytes("image-" + i, DetectorTestImages.dog()));
        }
        byte[] value = CODEC.encode(ProductEvent.upsert(product, "pets", "Many dogs", Map.of(), images,
                Instant.parse("2025-03-01T12:00:00Z")));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.CATALOG_PRODUCTS, product, value));
            producer.flush();
        }
        DeadLetter letter = DEAD_LETTER_CODEC.decodeDeadLetter(await(DeadLetter.topicFor(Topics.CATALOG_PRODUCTS),
                r -> product.equals(r.key()), 1).get(0).value());
        assertEquals("too-many-images", letter.reason());
        assertTrue(letter.detail().contains("33 images, at most 32"), letter.detail());
        assertArrayEquals(value, letter.originalValue(), "the whole event is kept for a replay");
    }

    /** A burst of large uploads gets 503 with Retry-After beyond the detection slots, never a 500 or an OOM. */
    @Test
    void aBurstBeyondTheDetectionSlotsIsShedWith503() throws Exception {
        java.awt.image.BufferedImage large = new java.awt.image.BufferedImage(6000, 4000,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = large.createGraphics();
        g.setPaint(new java.awt.GradientPaint(0, 0, java.awt.Color.ORANGE, 6000, 4000, java.awt.Color.BLUE));
        g.fillRect(0, 0, 6000, 4000);
        g.dispose();
        byte[] photo = io.snapfind.imaging.JpegEncoder.encode(large, 0.8f);
        int clients = 12;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        List<java.util.concurrent.Future<io.restassured.response.Response>> answers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return given().contentType("application/octet-stream").body(photo).post("/v1/detect");
                }));
            }
            start.countDown();
            int ok = 0;
            int shed = 0;
            for (var answer : answers) {
                io.restassured.response.Response response = answer.get(2, java.util.concurrent.TimeUnit.MINUTES);
                if (response.statusCode() == 503) {
                    shed++;
                    assertEquals("1", response.header("Retry-After"));
                    assertEquals("overloaded", response.jsonPath().getString("reason"));
                } else {
                    assertEquals(200, response.statusCode(), response.asString());
                    ok++;
                }
            }
            assertTrue(ok >= 1 && shed >= 1, ok + " answered, " + shed + " shed");
        } finally {
            pool.shutdownNow();
        }
        given().contentType("application/octet-stream").body(photo).post("/v1/detect").then().statusCode(200);
    }

    @Test
    void refusesBadImagesWithProblemDetails() {
        assertProblem(given().multiPart("image", "a.jpg", DetectorTestImages.text(), "image/jpeg"), 415, "not-an-image");
        assertProblem(given().multiPart("image", "bomb.png", DetectorTestImages.pngHeaderClaiming(30000, 30000), "image/png"),
                413, "too-many-pixels");
        assertProblem(given().multiPart("image", "half.jpg", DetectorTestImages.truncatedJpeg(), "image/jpeg"), 422, "corrupt");
        assertProblem(given().multiPart("image", "empty.jpg", new byte[0], "image/jpeg"), 422, "empty");
        assertProblem(given().contentType("application/octet-stream").body(DetectorTestImages.text()), 415, "not-an-image");
        assertProblem(given().contentType("application/octet-stream").body(new byte[0]), 422, "empty");
        assertProblem(given().contentType("application/json").body(Map.of("image", "!!not base64!!")), 400,
                "invalid-base64");
        assertProblem(given().contentType("application/json").body(Map.of("other", "x")), 400, "missing-image");
    }

    private static void assertProblem(io.restassured.specification.RequestSpecification request, int status,
            String reason) {
        request.when().post("/v1/detect").then().statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status)).body("reason", equalTo(reason));
    }

    private static void assertLetter(DeadLetter letter, String stage, String reason, byte[] original) {
        assertTrue(letter != null, "a dead letter with reason " + reason);
        assertEquals(stage, letter.stage(), letter.toString());
        assertEquals(reason, letter.reason(), letter.detail());
        assertArrayEquals(original, letter.originalValue(), "the original record, byte for byte");
        assertFalse(letter.detail().isBlank());
    }

    private static List<CropsEvent> decodeCrops(List<ConsumerRecord<String, byte[]>> records, String productId) {
        return records.stream().filter(r -> r.key().equals(productId)).map(r -> CODEC.decodeCrops(r.value())).toList();
    }

    private static Set<String> labels(CropsEvent event) {
        return event.crops().stream().map(Crop::label).collect(java.util.stream.Collectors.toSet());
    }

    private static void assertInside(CropsEvent event, int width, int height) {
        Set<String> ids = new java.util.HashSet<>();
        for (Crop crop : event.crops()) {
            Box b = crop.box();
            assertTrue(b.x2() <= width && b.y2() <= height, crop.label() + " " + b + " inside the image");
            assertTrue(ids.add(crop.cropId()), "unique crop ids");
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 20 * 1024 * 1024);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Reads {@code topic} from the start until {@code count} matching records arrived. */
    private static List<ConsumerRecord<String, byte[]>> await(String topic, Predicate<ConsumerRecord<String, byte[]>> filter,
            int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "detector-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 20 * 1024 * 1024);
        List<ConsumerRecord<String, byte[]>> matched = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (matched.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (filter.test(record)) {
                        matched.add(record);
                    }
                }
            }
        }
        assertEquals(count, matched.size(), "records on " + topic);
        return matched;
    }
}
