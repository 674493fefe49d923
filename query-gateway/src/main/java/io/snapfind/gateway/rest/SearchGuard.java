package io.snapfind.gateway.rest;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.snapfind.gateway.config.GatewayConfig;
import io.snapfind.support.problem.ProblemException;
import io.snapfind.support.security.ApiKeyCheck;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * Who may search and how often: an optional search key, a per-client search rate, and the {@code imageUrl} fetch,
 * which is off unless enabled and then limited per client and overall, so the gateway is no open fetch proxy. A
 * client is its address as the HTTP layer sees it (behind a proxy, set {@code quarkus.http.proxy.*} so that is the
 * caller's): a key a caller chooses would let it pick a fresh bucket per request.
 */
@ApplicationScoped
public class SearchGuard {

    /** Enough clients for a busy shop; an idle client's bucket is refilled anyway, so dropping it loses nothing. */
    private static final int MAX_TRACKED_CLIENTS = 100_000;

    private final Optional<ApiKeyCheck> key;
    private final Optional<PerClient> searches;
    private final Semaphore inFlight;
    private final boolean fetchEnabled;
    private final PerClient fetches;
    private final Bucket allFetches;

    SearchGuard(GatewayConfig config) {
        GatewayConfig.Search search = config.search();
        key = search.apiKey().filter(k -> !k.isBlank())
                .map(k -> new ApiKeyCheck(ProductResource.API_KEY_HEADER, Optional.of(k), "", ""));
        searches = search.perClientPerSecond() > 0
                ? Optional.of(new PerClient(() -> bucket(search.burst(),
                        Math.max(1, Math.round(search.perClientPerSecond() * 60)), Duration.ofMinutes(1))))
                : Optional.empty();
        inFlight = new Semaphore(search.maxInFlight());
        GatewayConfig.Fetch fetch = config.fetch();
        fetchEnabled = fetch.enabled();
        fetches = new PerClient(() -> bucket(fetch.perClientPerMinute(), fetch.perClientPerMinute(),
                Duration.ofMinutes(1)));
        allFetches = bucket(fetch.perMinute(), fetch.perMinute(), Duration.ofMinutes(1));
    }

    /** Every search endpoint passes here first: the photo search, its explanations and "more like this". */
    @ServerRequestFilter
    public void guardSearches(ContainerRequestContext request, RoutingContext routing) {
        HttpServerRequest http = routing.request();
        String path = request.getUriInfo().getPath();
        boolean search = request.getMethod().equals("POST") && (path.equals("/v1/search")
                || path.equals("/v1/explain"))
                || request.getMethod().equals("GET") && path.startsWith("/v1/products/") && path.endsWith("/similar");
        if (search) {
            admitSearch(request.getHeaderString(ProductResource.API_KEY_HEADER), client(http));
            holdSlot(routing);
        }
    }

    /**
     * Takes one of the searches in flight until its answer ends or its connection closes. The filter runs before
     * the body is read, so a burst of large uploads beyond the slots is refused before it fills the heap.
     */
    private void holdSlot(RoutingContext routing) {
        if (!inFlight.tryAcquire()) {
            throw ProblemException.retryLater(503, "Search busy", "the gateway is answering as many searches as it may "
                    + "at once (snapfind.gateway.search.max-in-flight); retry shortly", "overloaded", 1);
        }
        // Called once, when the answer has been sent or the connection closed before (the response's own end and
        // close handlers belong to the REST layer, which replaces them).
        routing.addEndHandler(ignored -> inFlight.release());
    }

    /** The caller as the rate limits count it. */
    static String client(HttpServerRequest http) {
        return http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
    }

    /**
     * @throws ProblemException 401 without the configured search key, 429 (with {@code Retry-After}) when the
     *                          client is over its rate
     */
    public void admitSearch(String presentedKey, String client) {
        key.ifPresent(check -> check.require(presentedKey));
        searches.ifPresent(perClient -> take(perClient.of(client), "too many searches from " + client
                + " (snapfind.gateway.search.per-client-per-second)", "search-rate"));
    }

    /**
     * @throws ProblemException 403 while {@code imageUrl} fetching is off, 429 when the client or the gateway as a
     *                          whole has used its fetches of the minute
     */
    public void admitFetch(String client) {
        if (!fetchEnabled) {
            throw new ProblemException(403, "imageUrl disabled", "this gateway does not fetch photos by URL "
                    + "(snapfind.gateway.fetch.enabled); send the photo itself", "imageUrl", "fetch-disabled");
        }
        take(fetches.of(client), "too many imageUrl fetches from " + client
                + " (snapfind.gateway.fetch.per-client-per-minute)", "fetch-rate");
        take(allFetches, "too many imageUrl fetches on this gateway (snapfind.gateway.fetch.per-minute)",
                "fetch-rate");
    }

    private static void take(Bucket bucket, String detail, String reason) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            throw ProblemException.retryLater(429, "Too many requests", detail, reason,
                    TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()) + 1);
        }
    }

    private static Bucket bucket(long capacity, long refillTokens, Duration refillPeriod) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(Math.max(1, capacity)).refillGreedy(refillTokens, refillPeriod))
                .build();
    }

    /** One bucket per client, made on first use and forgotten when the client has been idle long enough. */
    private static final class PerClient {
        private final Cache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(MAX_TRACKED_CLIENTS)
                .expireAfterAccess(Duration.ofMinutes(10)).build();
        private final Supplier<Bucket> fresh;

        PerClient(Supplier<Bucket> fresh) {
            this.fresh = fresh;
        }

        Bucket of(String client) {
            return buckets.get(client, ignored -> fresh.get());
        }
    }
}
