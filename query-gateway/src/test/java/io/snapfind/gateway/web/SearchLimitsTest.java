package io.snapfind.gateway.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.snapfind.harness.ProjectPaths;

/** The search endpoints behind a search key and a per-client rate, imageUrl off, and the security headers. */
@QuarkusTest
@TestProfile(SearchLimitsTest.Limited.class)
class SearchLimitsTest {

    public static final class Limited extends FakeSearchBackends {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("snapfind.gateway.search.api-key", "search-key",
                    "snapfind.gateway.search.per-client-per-second", "0.01",
                    "snapfind.gateway.search.burst", "3",
                    // One at a time: the sequential searches below pass only if each answer frees its slot.
                    "snapfind.gateway.search.max-in-flight", "1",
                    "snapfind.gateway.fetch.enabled", "false");
        }
    }

    @Test
    void searchNeedsTheKeyIsRateLimitedAndFetchesNoUrl() throws IOException {
        byte[] dog = Files.readAllBytes(ProjectPaths.asset("photos/dog.jpg"));
        given().contentType("application/octet-stream").body(dog).when().post("/v1/search").then().statusCode(401)
                .body("detail", not(containsString("search-key")));
        given().when().get("/v1/products/chair-1/similar").then().statusCode(401);
        given().header("X-API-Key", "search-key").contentType("application/json")
                .body(Map.of("imageUrl", "https://example.com/chair.jpg"))
                .when().post("/v1/search").then().statusCode(403).body("reason", equalTo("fetch-disabled"));
        // The burst of 3 is spent by the refused fetch above and two searches; the fourth waits for its token.
        for (int i = 0; i < 2; i++) {
            given().header("X-API-Key", "search-key").contentType("application/octet-stream").body(dog)
                    .when().post("/v1/search").then().statusCode(200);
        }
        given().header("X-API-Key", "search-key").contentType("application/octet-stream").body(dog)
                .when().post("/v1/search").then().statusCode(429).header("Retry-After", notNullValue())
                .body("reason", equalTo("search-rate"));
    }

    @Test
    void aRefusedOrAbandonedUploadFreesItsSlot() throws Exception {
        byte[] dog = Files.readAllBytes(ProjectPaths.asset("photos/dog.jpg"));
        URI gateway = URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port);
        // Over the 30 MB body limit: refused while it is read, the connection closed.
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/search HTTP/1.1\r\nHost: x\r\nX-API-Key: search-key\r\nContent-Type: "
                    + "application/octet-stream\r\nContent-Length: " + (40 << 20) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            try {
                for (int i = 0; i < 40; i++) {
                    out.write(new byte[1 << 20]);
                }
            } catch (IOException closedAtTheLimit) {
                // expected: the server stops reading
            }
        }
        // Half an upload, then the client goes away.
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/search HTTP/1.1\r\nHost: x\r\nX-API-Key: search-key\r\nContent-Type: "
                    + "application/octet-stream\r\nContent-Length: " + dog.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(dog, 0, dog.length / 2);
            out.flush();
            Thread.sleep(500);
        }
        Thread.sleep(500);
        // With one slot, this passes only if both freed theirs (429 would mean the rate, 503 a leaked slot).
        int status = given().header("X-API-Key", "search-key").contentType("application/octet-stream").body(dog)
                .when().post("/v1/search").then().extract().statusCode();
        org.junit.jupiter.api.Assertions.assertNotEquals(503, status, "a slot leaked");
    }

    @Test
    void everyAnswerCarriesSecurityHeadersAndThePageAPolicy() {
        given().when().get("/").then().statusCode(200)
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .header("X-Content-Type-Options", "nosniff").header("X-Frame-Options", "DENY");
        given().when().get("/q/health/live").then()
                .header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "no-referrer");
    }
}
