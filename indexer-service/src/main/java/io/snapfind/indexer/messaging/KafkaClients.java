package io.snapfind.indexer.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The ingest consumer and the dead-letter producer, configured the one way the service (and the benchmark) uses. */
public final class KafkaClients {

    /** A dead letter holds the original value in base64: up to about 1.4 × the 16 MiB event limit. */
    private static final int MAX_DEAD_LETTER_BYTES = 32 * 1024 * 1024;
    private static final int MAX_FETCH_BYTES = 20 * 1024 * 1024;

    private KafkaClients() {
    }

    /**
     * Offsets are committed by the loop only after Milvus acknowledged a batch, so auto-commit is off; a new group
     * starts from the earliest record so nothing published before the first start is missed.
     *
     * @param common connection settings (bootstrap servers, security), e.g. Quarkus's {@code kafka.*} properties
     */
    public static KafkaConsumer<String, byte[]> ingestConsumer(Map<String, Object> common, String groupId,
            int maxBatchRecords) {
        Map<String, Object> properties = new HashMap<>(common);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        // A configured kafka.client.id names the instance (the launcher gives each instance its own, so a consumer
        // group's members say which instance holds which partitions).
        properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "indexer-service-" + groupId);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatchRecords);
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_FETCH_BYTES);
        properties.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MAX_FETCH_BYTES);
        // Cooperative rebalancing: adding an instance does not take every partition away from the others mid-batch.
        properties.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                List.of(CooperativeStickyAssignor.class.getName()));
        return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
    }

    public static KafkaProducer<String, byte[]> deadLetterProducer(Map<String, Object> common) {
        Map<String, Object> properties = new HashMap<>(common);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "indexer-service-dlq");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_DEAD_LETTER_BYTES);
        return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
    }
}
