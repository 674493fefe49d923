package io.snapfind.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.snapfind.harness.FreePort;
import io.snapfind.harness.quarkus.MilvusLiteTestResource;

/**
 * The gateway with its broker gone (an address where nothing listens) and Milvus Lite up: ingest answers a 503 that
 * says so within a few seconds, instead of hanging for the producer's two minutes; search stays ready.
 */
@QuarkusTest
@WithTestResource(KafkaDownIT.NoBroker.class)
@WithTestResource(MilvusLiteTestResource.class)
@WithTestResource(GatewayHealthIT.StandInServices.class)
class KafkaDownIT {

    /** A loopback port nobody listens on, as the broker's address. */
    public static final class NoBroker implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("kafka.bootstrap.servers", "127.0.0.1:" + FreePort.find());
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void ingestAnswers503WithinSecondsAndSearchStaysReady() {
        long start = System.nanoTime();
        given().header("X-API-Key", "test-key").contentType("application/json")
                .body("{\"productId\":\"p1\",\"category\":\"chair\",\"title\":\"Chair\",\"images\":[{\"imageId\":\"a\","
                        + "\"url\":\"https://example.com/a.jpg\"}]}")
                .when().post("/v1/products")
                .then().statusCode(503).header("Retry-After", "1")
                .body("title", equalTo("Ingest unavailable")).body("detail", containsString("search is not affected"));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(seconds < 15, "the 503 took " + seconds + " s");

        given().when().delete("/v1/products/p1").then().statusCode(401);
        given().header("X-API-Key", "test-key").when().delete("/v1/products/p1").then().statusCode(503);
        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/health/well").then().statusCode(503);
    }
}
