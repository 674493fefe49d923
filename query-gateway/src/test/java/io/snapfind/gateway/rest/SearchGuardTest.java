package io.snapfind.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.snapfind.gateway.config.GatewayConfig;
import io.snapfind.support.problem.ProblemException;

/** The search key and the rate limits, on the real configuration mapping with chosen settings. */
class SearchGuardTest {

    private static SearchGuard guard(Map<String, String> settings) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withDefaultValues(Map.of("snapfind.gateway.publish-timeout", "PT5S")).withDefaultValues(settings).build();
        return new SearchGuard(config.getConfigMapping(GatewayConfig.class));
    }

    @Test
    void imageUrlFetchingIsOffUnlessEnabled() {
        ProblemException refused = assertThrows(ProblemException.class, () -> guard(Map.of()).admitFetch("10.1.1.1"));
        assertEquals(403, refused.status());
        assertEquals("fetch-disabled", refused.reason());
    }

    @Test
    void imageUrlFetchesAreLimitedPerClientAndOverall() {
        SearchGuard guard = guard(Map.of("snapfind.gateway.fetch.enabled", "true",
                "snapfind.gateway.fetch.per-client-per-minute", "2", "snapfind.gateway.fetch.per-minute", "3"));
        guard.admitFetch("a");
        guard.admitFetch("a");
        ProblemException third = assertThrows(ProblemException.class, () -> guard.admitFetch("a"));
        assertEquals(429, third.status());
        assertTrue(third.retryAfterSeconds() >= 1 && third.retryAfterSeconds() <= 31, "" + third.retryAfterSeconds());
        guard.admitFetch("b");
        ProblemException overall = assertThrows(ProblemException.class, () -> guard.admitFetch("c"));
        assertTrue(overall.getMessage().contains("on this gateway"), overall.getMessage());
    }

    @Test
    void searchesAreLimitedPerClientOnlyWhenConfigured() {
        SearchGuard open = guard(Map.of());
        for (int i = 0; i < 100; i++) {
            open.admitSearch(null, "a");
        }
        SearchGuard limited = guard(Map.of("snapfind.gateway.search.per-client-per-second", "0.5",
                "snapfind.gateway.search.burst", "2"));
        limited.admitSearch(null, "a");
        limited.admitSearch(null, "a");
        ProblemException third = assertThrows(ProblemException.class, () -> limited.admitSearch(null, "a"));
        assertEquals(429, third.status());
        assertEquals("search-rate", third.reason());
        assertDoesNotThrow(() -> limited.admitSearch(null, "b"), "another client has its own bucket");
    }

    @Test
    void aConfiguredSearchKeyIsRequired() {
        SearchGuard guard = guard(Map.of("snapfind.gateway.search.api-key", "search-secret"));
        assertEquals(401, assertThrows(ProblemException.class, () -> guard.admitSearch(null, "a")).status());
        ProblemException wrong = assertThrows(ProblemException.class, () -> guard.admitSearch("guess", "a"));
        assertEquals(401, wrong.status());
        assertTrue(!wrong.getMessage().contains("search-secret"), "the key is never echoed");
        guard.admitSearch("search-secret", "a");
    }
}
