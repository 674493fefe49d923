package io.snapfind.indexer.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Settings under {@code snapfind.indexer}; each is documented in indexer-service/README.md. */
@ConfigMapping(prefix = "snapfind.indexer")
public interface IndexerConfig {

    /** The embedding model whose collection is created at start-up and aliased when the alias is new. */
    @WithDefault("efficientnet-lite0+mobilenetv2")
    String modelId();

    /** Vector length of that model (the fusion's: 1280 + 1280). */
    @WithDefault("2560")
    int dimension();

    /** Alias the readers (the gateway) search through. */
    @WithDefault("products")
    String alias();

    /** Start of every collection name: {@code <prefix><model>_<dimension>}. */
    @WithDefault("snapfind_")
    String collectionPrefix();

    /** Whether a vectors event of a model without a collection creates that model's collection. */
    @WithDefault("true")
    boolean autoCreateCollections();

    Hnsw hnsw();

    Ingest ingest();

    /** Key operators send as {@code X-Admin-Key} to the /v1/admin endpoints; they are refused while none is set. */
    Optional<String> adminKey();

    interface Hnsw {
        /** HNSW graph degree. */
        @WithDefault("16")
        int m();

        /** HNSW candidate list size while building. */
        @WithName("ef-construction")
        @WithDefault("128")
        int efConstruction();
    }

    interface Ingest {
        /** Whether the service consumes images.vectors (off only for an admin-only instance). */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("images.vectors")
        String topic();

        @WithDefault("indexer-service")
        String groupId();

        /** Most records in one batch (Kafka max.poll.records). */
        @WithDefault("500")
        int maxBatchRecords();

        /** How long one poll waits for records. */
        @WithDefault("200ms")
        Duration pollTimeout();

        /** Most rows in one Milvus upsert call. */
        @WithDefault("1000")
        int writeChunkRows();

        /** First wait before a batch is retried after Milvus failed; doubles up to retry-max-backoff. */
        @WithDefault("250ms")
        Duration retryInitialBackoff();

        @WithDefault("5s")
        Duration retryMaxBackoff();
    }
}
