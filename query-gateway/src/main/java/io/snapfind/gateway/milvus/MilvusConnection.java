package io.snapfind.gateway.milvus;

import java.util.concurrent.TimeUnit;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.snapfind.gateway.config.MilvusConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one Milvus client of this service, connected on first use rather than at start-up, so the service boots
 * (and reports not-ready) while Milvus is still away, and reconnects when it comes back.
 */
@ApplicationScoped
public class MilvusConnection {

    private final MilvusConfig config;
    private MilvusClientV2 client;

    MilvusConnection(MilvusConfig config) {
        this.config = config;
    }

    /** The connected client; throws when Milvus cannot be reached within the configured timeout. */
    public synchronized MilvusClientV2 client() {
        if (client == null) {
            ConnectConfig.ConnectConfigBuilder connect = ConnectConfig.builder()
                    .uri(config.uri())
                    .connectTimeoutMs(config.timeout().toMillis())
                    .rpcDeadlineMs(config.timeout().toMillis());
            config.token().ifPresent(connect::token);
            client = new MilvusClientV2(connect.build());
        }
        return client;
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
