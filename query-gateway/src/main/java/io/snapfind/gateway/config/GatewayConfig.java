package io.snapfind.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

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

    /** Fetching a query photo by {@code imageUrl}. */
    Fetch fetch();

    interface Fetch {
        /** Allow loopback addresses; for tests only, never in production. */
        @WithDefault("false")
        boolean allowLoopback();
    }
}
