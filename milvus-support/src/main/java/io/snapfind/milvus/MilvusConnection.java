package io.snapfind.milvus;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one Milvus client of this service, connected on first use rather than at start-up, so the service boots
 * (and reports not-ready) while Milvus is still away, and reconnects when it comes back. The SDK's own retries are
 * turned off: the indexer's ingest loop retries with its own backoff, pausing consumption meanwhile, and a search
 * or status request should fail fast (503) rather than hang for minutes.
 */
@ApplicationScoped
public class MilvusConnection {

    private final MilvusConfig config;
    private MilvusClientV2 client;

    public MilvusConnection(MilvusConfig config) {
        this.config = config;
    }

    /** The connected client; throws when Milvus cannot be reached within the configured timeout. */
    public synchronized MilvusClientV2 client() {
        if (client == null) {
            client = connect(config.uri(), config.token(), config.timeout());
        }
        return client;
    }

    /** A client whose every call fails after {@code timeout} instead of waiting for Milvus to come back. */
    public static MilvusClientV2 connect(String uri, Optional<String> token, Duration timeout) {
        ConnectConfig.ConnectConfigBuilder connect = ConnectConfig.builder()
                .uri(uri)
                .connectTimeoutMs(timeout.toMillis())
                .rpcDeadlineMs(timeout.toMillis());
        token.ifPresent(connect::token);
        MilvusClientV2 connected = new MilvusClientV2(connect.build());
        connected.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
        return connected;
    }

    /** Round-trips one cheap call; throws when Milvus does not answer. */
    public void ping() {
        client().withTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS).listCollections();
    }

    public String uri() {
        return config.uri();
    }

    @PreDestroy
    synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
