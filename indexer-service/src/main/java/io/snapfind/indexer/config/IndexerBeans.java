package io.snapfind.indexer.config;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;

import io.smallrye.common.annotation.Identifier;
import io.snapfind.indexer.IndexAdmin;
import io.snapfind.indexer.IndexSettings;
import io.snapfind.indexer.Indexer;
import io.snapfind.indexer.VectorStore;
import io.snapfind.indexer.config.IndexerConfig;
import io.snapfind.indexer.messaging.ConsumerGroupReplay;
import io.snapfind.indexer.milvus.MilvusVectorStore;
import io.snapfind.milvus.MilvusConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the plain-Java domain objects from the configuration. */
@ApplicationScoped
public class IndexerBeans {

    @Produces
    @Singleton
    IndexSettings settings(IndexerConfig config) {
        return IndexSettings.of(config.collectionPrefix(), config.alias(), config.modelId(), config.dimension(),
                config.autoCreateCollections());
    }

    @Produces
    @Singleton
    VectorStore vectorIndex(MilvusConnection milvus, IndexerConfig config) {
        return new MilvusVectorStore(milvus::client, config.hnsw().m(), config.hnsw().efConstruction());
    }

    @Produces
    @Singleton
    IndexAdmin indexAdmin(VectorStore index, IndexSettings settings) {
        return new IndexAdmin(index, settings);
    }

    @Produces
    @Singleton
    Indexer indexer(VectorStore index, IndexSettings settings, IndexerConfig config) {
        return new Indexer(index, settings, config.ingest().writeChunkRows(), Clock.systemUTC());
    }

    @Produces
    @Singleton
    Admin kafkaAdmin(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        return Admin.create(new HashMap<>(kafka));
    }

    void closeKafkaAdmin(@Disposes Admin admin) {
        admin.close();
    }

    @Produces
    @Singleton
    ConsumerGroupReplay replay(Admin admin) {
        return new ConsumerGroupReplay(admin);
    }
}
