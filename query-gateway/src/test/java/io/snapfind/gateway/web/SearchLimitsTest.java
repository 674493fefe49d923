package io.snapfind.gateway.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
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
    void everyAnswerCarriesSecurityHeadersAndThePageAPolicy() {
        given().when().get("/").then().statusCode(200)
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .header("X-Content-Type-Options", "nosniff").header("X-Frame-Options", "DENY");
        given().when().get("/q/health/live").then()
                .header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "no-referrer");
    }
}
