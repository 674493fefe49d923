package io.snapfind.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.snapfind.harness.quarkus.KafkaTestResource;
import io.snapfind.harness.quarkus.MilvusLiteTestResource;

/**
 * The service boots against the real broker and Milvus Lite and reports what search needs: ready while Milvus and
 * the embedder are (the detector only degrades search), whatever the broker does; ingest is its own check. The
 * embedder's and the detector's readiness endpoints are stand-ins whose answer the test sets.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(MilvusLiteTestResource.class)
@WithTestResource(GatewayHealthIT.StandInServices.class)
class GatewayHealthIT {

    @AfterEach
    void everythingUp() {
        StandInServices.embedderStatus = 200;
        StandInServices.detectorStatus = 200;
    }

    @Test
    void readyWhenSearchCanBeServed() {
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("search", "milvus"))
                .body("checks.name", not(hasItems("Kafka connection health check")));
        given().when().get("/q/health/well").then().statusCode(200).body("checks.name", hasItems("ingest"));
    }

    @Test
    void notReadyWithoutTheEmbedderButReadyWithoutTheDetector() {
        StandInServices.embedderStatus = 503;
        given().when().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'search' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'search' }.data.embedder", containsString("503"));

        StandInServices.embedderStatus = 200;
        StandInServices.detectorStatus = 503;
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'search' }.data.detector", containsString("whole photo"));
    }

    @Test
    void liveAndExposesPrometheusMetrics() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    /** One loopback HTTP server standing in for the embedder's and the detector's {@code /q/health/ready}. */
    public static final class StandInServices implements QuarkusTestResourceLifecycleManager {
        static volatile int embedderStatus = 200;
        static volatile int detectorStatus = 200;
        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/embedder/q/health/ready", exchange -> {
                exchange.sendResponseHeaders(embedderStatus, -1);
                exchange.close();
            });
            server.createContext("/detector/q/health/ready", exchange -> {
                exchange.sendResponseHeaders(detectorStatus, -1);
                exchange.close();
            });
            server.start();
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            return Map.of("quarkus.rest-client.embedder.url", base + "/embedder",
                    "quarkus.rest-client.detector.url", base + "/detector");
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }
}
