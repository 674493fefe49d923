package io.snapfind.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.ProductEvent;
import io.snapfind.harness.quarkus.KafkaTestResource;
import io.snapfind.harness.quarkus.MilvusLiteTestResource;
import jakarta.inject.Inject;

/**
 * A product posted to the gateway travels through the real broker as a ProductEvent and is consumed back with
 * SmallRye Reactive Messaging, key and content intact.
 */
@QuarkusTest
@TestProfile(CatalogProbe.Profile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(MilvusLiteTestResource.class)
class CatalogIngestIT {

    private static final byte[] JPEG_START = { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0 };

    @Inject
    CatalogProbe probe;

    private final EventCodec codec = new EventCodec();

    @Test
    void upsertAndDeleteReachTheCatalogTopicInOrder() {
        given().header("X-API-Key", "test-key").contentType("application/json")
                .body(Map.of("productId", "chair-42", "category", "chair", "title", "Oak chair",
                        "metadata", Map.of("brand", "Snap"),
                        "images", java.util.List.of(Map.of("imageId", "front", "url", "https://shop.example/chair.jpg"),
                                Map.of("imageId", "side", "bytes", Base64.getEncoder().encodeToString(JPEG_START))),
                        "version", 41))
                .when().post("/v1/products")
                .then().statusCode(202).body("productId", equalTo("chair-42")).body("type", equalTo("UPSERT"))
                .body("version", equalTo(41));
        given().header("X-API-Key", "test-key").when().delete("/v1/products/chair-42?version=42")
                .then().statusCode(202).body("type", equalTo("DELETE")).body("version", equalTo(42));

        ProductEvent upsert = awaitEvent(0);
        ProductEvent delete = awaitEvent(1);
        assertEquals(ProductEvent.Type.UPSERT, upsert.type());
        assertEquals("chair", upsert.category());
        assertEquals("Oak chair", upsert.title());
        assertEquals(Map.of("brand", "Snap"), upsert.metadata());
        assertEquals("https://shop.example/chair.jpg", upsert.images().get(0).url());
        assertArrayEquals(JPEG_START, upsert.images().get(1).bytes());
        assertEquals(41L, upsert.version());
        assertEquals(ProductEvent.Type.DELETE, delete.type());
        assertEquals("chair-42", delete.productId());
        assertEquals(42L, delete.version());
    }

    @Test
    void refusesWithoutTheApiKey() {
        given().contentType("application/json").body(Map.of("productId", "x"))
                .when().post("/v1/products")
                .then().statusCode(401).contentType("application/problem+json");
        given().header("X-API-Key", "wrong").when().delete("/v1/products/x").then().statusCode(401);
    }

    @Test
    void namesTheFieldOfAnInvalidProduct() {
        given().header("X-API-Key", "test-key").contentType("application/json")
                .body(Map.of("productId", "p1", "category", "chair", "title", "t",
                        "images", java.util.List.of(Map.of("imageId", "a", "url", "file:///etc/passwd"))))
                .when().post("/v1/products")
                .then().statusCode(422).contentType("application/problem+json")
                .body("field", equalTo("images[0].url"));
    }

    private ProductEvent awaitEvent(int index) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (probe.received().size() <= index && System.nanoTime() < deadline) {
            sleep();
        }
        ConsumerRecord<String, byte[]> record = probe.received().get(index);
        assertEquals("chair-42", record.key(), "catalog events are keyed by productId");
        return codec.decodeProduct(record.value());
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
