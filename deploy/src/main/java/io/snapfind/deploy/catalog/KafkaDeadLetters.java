package io.snapfind.deploy.catalog;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.snapfind.contracts.ContractViolation;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.Topics;

/**
 * The dead letters of every stage ({@code <topic>.dlq} of the catalog, crops and vectors topics) published since a
 * moment, read without a consumer group so that an import leaves no trace in the broker. When the broker cannot be
 * reached the import goes on without reasons: its failures then show as products that were never indexed.
 */
public final class KafkaDeadLetters implements CatalogImport.DeadLetters {

    /** The topics whose stages dead-letter what they cannot process. */
    public static final List<String> SOURCE_TOPICS = List.of(Topics.CATALOG_PRODUCTS, Topics.IMAGES_CROPS,
            Topics.IMAGES_VECTORS);
    static final List<String> TOPICS = SOURCE_TOPICS.stream().map(DeadLetter::topicFor).toList();

    /** A dead letter holds the original record, image bytes included: allow more than an event may carry. */
    private final EventCodec codec = new EventCodec(64 * 1024 * 1024);
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Consumer<String> warn;
    private boolean broken;

    public KafkaDeadLetters(String bootstrapServers, Instant since, Consumer<String> warn) {
        this.warn = warn;
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "snapfind-import");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(32 * 1024 * 1024));
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            Map<String, List<PartitionInfo>> topics = consumer.listTopics();
            for (String topic : TOPICS) {
                for (PartitionInfo info : topics.getOrDefault(topic, List.of())) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> at = new HashMap<>();
            partitions.forEach(p -> at.put(p, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(at);
            Set<TopicPartition> none = new HashSet<>();
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp offset = offsets.get(partition);
                if (offset == null) {
                    none.add(partition);
                } else {
                    consumer.seek(partition, offset.offset());
                }
            }
            consumer.seekToEnd(none);
            // seekToEnd is lazy: resolve the end now, before the import publishes, or its first letters are skipped.
            none.forEach(consumer::position);
        } catch (KafkaException e) {
            unreadable(e);
        }
    }

    @Override
    public List<DeadLetter> poll() {
        List<DeadLetter> letters = new ArrayList<>();
        if (broken) {
            return letters;
        }
        try {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                try {
                    letters.add(codec.decodeDeadLetter(record.value()));
                } catch (ContractViolation e) {
                    // not a letter of this schema: nothing an import can attribute
                }
            }
        } catch (KafkaException e) {
            unreadable(e);
        }
        return letters;
    }

    private void unreadable(KafkaException e) {
        broken = true;
        warn.accept("cannot read the dead-letter topics (" + e.getMessage() + "): failures will show without "
                + "their reasons");
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
