package io.snapfind.indexer.messaging;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.snapfind.indexer.IndexAdmin;
import io.snapfind.indexer.IndexUnavailableException;
import io.snapfind.indexer.Indexer;
import io.snapfind.indexer.config.IndexerConfig;
import io.snapfind.indexer.messaging.IngestLoop;
import io.snapfind.indexer.messaging.KafkaClients;
import io.snapfind.indexer.metrics.MicrometerIndexerMetrics;
import io.snapfind.support.deadletter.DeadLetterPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Checks the configured model's collection and the alias at start-up, then runs the ingest loop on its own thread.
 * A collection that does not fit the configured model stops start-up. If Milvus is away at start-up the service
 * still starts (not ready) and the loop makes the same check once Milvus answers.
 */
@ApplicationScoped
public class IngestService {

    private static final Logger LOG = Logger.getLogger(IngestService.class);

    private final IndexerConfig config;
    private final IndexAdmin admin;
    private final Indexer indexer;
    private final MicrometerIndexerMetrics metrics;
    private final MeterRegistry registry;
    private final Map<String, Object> kafka;
    private IngestLoop loop;
    private KafkaProducer<String, byte[]> producer;
    private KafkaClientMetrics consumerMetrics;

    IngestService(IndexerConfig config, IndexAdmin admin, Indexer indexer, MicrometerIndexerMetrics metrics,
            MeterRegistry registry, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.admin = admin;
        this.indexer = indexer;
        this.metrics = metrics;
        this.registry = registry;
        this.kafka = kafka;
    }

    void start(@Observes StartupEvent started) {
        try {
            admin.initialize();
        } catch (IndexUnavailableException e) {
            LOG.warnf("Milvus is not reachable at start-up (%s); the collection check runs once it answers", e.getMessage());
        }
        if (!config.ingest().enabled()) {
            LOG.info("Ingest is disabled (snapfind.indexer.ingest.enabled=false): serving the status and admin API only");
            return;
        }
        IndexerConfig.Ingest ingest = config.ingest();
        KafkaConsumer<String, byte[]> consumer = KafkaClients.ingestConsumer(kafka, ingest.groupId(),
                ingest.maxBatchRecords());
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        producer = KafkaClients.deadLetterProducer(kafka);
        loop = new IngestLoop(consumer, ingest.topic(), indexer, new DeadLetterPublisher(DeadLetterPublisher.kafka(producer)),
                metrics, admin::initialize, (batch, outcome) -> {
                }, ingest.pollTimeout(), ingest.retryInitialBackoff(), ingest.retryMaxBackoff());
        Thread thread = new Thread(loop, "indexer-ingest");
        thread.setDaemon(true);
        thread.start();
        LOG.infof("Consuming %s as group %s into collections %s* (alias %s)", ingest.topic(), ingest.groupId(),
                config.collectionPrefix(), config.alias());
    }

    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        if (loop != null && !loop.stop(Duration.ofSeconds(20))) {
            LOG.warn("The ingest loop did not stop within 20 s; its batch stays uncommitted and is read again");
        }
        if (consumerMetrics != null) {
            consumerMetrics.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** The loop's state; empty when ingest is disabled. */
    public java.util.Optional<IngestLoop.State> state() {
        return java.util.Optional.ofNullable(loop).map(IngestLoop::state);
    }
}
