package io.snapfind.milvus;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings under {@code snapfind.milvus}; each is documented in docs/configuration.md. */
@ConfigMapping(prefix = "snapfind.milvus")
public interface MilvusConfig {

    /** gRPC address of Milvus (Milvus Lite, standalone or cluster), e.g. http://127.0.0.1:19530. */
    String uri();

    /** Authentication token ("user:password" or an API key); none for Milvus Lite. */
    Optional<String> token();

    /** How long one call to Milvus may take before it counts as failed. */
    @WithDefault("5s")
    Duration timeout();
}
