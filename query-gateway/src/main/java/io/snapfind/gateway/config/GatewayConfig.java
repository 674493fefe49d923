package io.snapfind.gateway.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Settings under {@code snapfind.gateway}; each is documented in docs/configuration.md. */
@ConfigMapping(prefix = "snapfind.gateway")
public interface GatewayConfig {

    /** Key that catalog clients send as {@code X-API-Key}; ingest is refused while none is configured. */
    Optional<String> apiKey();
}
