package io.snapfind.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.milvus.v2.common.ConsistencyLevel;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings under {@code snapfind.gateway}; each is documented in docs/configuration.md. */
@ConfigMapping(prefix = "snapfind.gateway")
public interface GatewayConfig {

    /** Key that catalog clients send as {@code X-API-Key}; ingest is refused while none is configured. */
    Optional<String> apiKey();

    /** Milvus alias the search reads; the indexer points it at the active model's collection. */
    @WithDefault("products")
    String collectionAlias();

    /**
     * The consistency level of search reads. BOUNDED (default) never waits for fresh writes, so on Milvus standalone
     * or cluster a product indexed within the staleness window (5 s by default) may not be found yet; STRONG waits
     * until every write acknowledged before the search is visible (freshness at the cost of latency under ingest);
     * SESSION and EVENTUALLY as Milvus defines them. On Milvus Lite writes are visible at once whatever the level.
     */
    @WithDefault("BOUNDED")
    ConsistencyLevel consistencyLevel();

    /** Largest query photo accepted, in bytes. */
    @WithDefault("20971520")
    long maxImageBytes();

    /** Largest query photo accepted, in pixels (width × height, read from the header before decoding). */
    @WithDefault("40000000")
    long maxImagePixels();

    /**
     * Directory of the products' pictures, as the detector writes them ({@code snapfind.detector.pictures-dir});
     * none serves no pictures.
     */
    Optional<Path> picturesDir();

    /**
     * How long an ingest call waits for the broker's acknowledgement before it answers 503: a Kafka outage costs a
     * catalog client this long, not the producer's two minutes. The producer's own limits (max.block.ms,
     * delivery.timeout.ms of the catalog-products channel) are set to the same, so it gives up with the request.
     */
    @WithDefault("5s")
    Duration publishTimeout();

    /** Decoding query photos (whole-photo searches and the detector's fallback). */
    Decode decode();

    interface Decode {
        /**
         * Photos decoded at once; each holds its pixels, up to 120 MB at the 40-megapixel limit. One: with two, 100
         * concurrent 39 MP uploads still ran the 512 MB gateway out of heap once (AbuseSuiteIT on a clean clone).
         */
        @WithDefault("1")
        int threads();

        /**
         * Photos waiting for a decoding thread; beyond them a search answers 503 with {@code Retry-After}. As many as
         * {@code search.max-in-flight}, so admitted searches always get a place: the threads bound the memory.
         */
        @WithDefault("16")
        int queue();
    }

    /** Who may search ({@code /v1/search}, {@code /v1/explain}, {@code /v1/products/{id}/similar}) and how often. */
    Search search();

    /** Fetching a query photo by {@code imageUrl}. */
    Fetch fetch();

    interface Search {
        /**
         * Key search clients send as {@code X-API-Key}; none: search is open to whoever reaches the gateway (the web
         * page sends no key, so with one set it works only behind a proxy that adds it).
         */
        Optional<String> apiKey();

        /**
         * Searches per second one client may make on average (a client is its key, else its address); 0: no
         * limit. Beyond it the answer is 429 with {@code Retry-After}.
         */
        @WithDefault("0")
        double perClientPerSecond();

        /** How many searches a client may make at once beyond its rate, e.g. the regions of one room photo. */
        @WithDefault("20")
        int burst();

        /**
         * Searches answered at once over all clients, their uploads included (up to 30 MB each); beyond, 503 with
         * {@code Retry-After} before the upload is read.
         */
        @WithDefault("16")
        int maxInFlight();
    }

    interface Fetch {
        /**
         * Whether a search may name its photo by {@code imageUrl}, which makes the gateway fetch a URL for anyone
         * who can reach it: off unless a deployment wants it, and then rate-limited below.
         */
        @WithDefault("false")
        boolean enabled();

        /** {@code imageUrl} fetches per minute one client may make. */
        @WithDefault("30")
        int perClientPerMinute();

        /** {@code imageUrl} fetches per minute over all clients, so many addresses cannot turn it into a proxy. */
        @WithDefault("300")
        int perMinute();

        /** Allow loopback addresses; for tests only, never in production. */
        @WithDefault("false")
        boolean allowLoopback();
    }
}
