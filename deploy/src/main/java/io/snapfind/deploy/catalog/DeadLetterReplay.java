package io.snapfind.deploy.catalog;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.snapfind.contracts.ContractViolation;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;

/**
 * Sends chosen dead letters back through the pipeline once their cause is fixed: each letter's original record,
 * bytes and key untouched, to the topic it came from. Safe to repeat and to run beside the live catalog: the indexer
 * applies a product's event only when its version is at least the indexed one, so a replayed event older than what
 * the catalog sent since is skipped as stale, and a replayed equal one re-applies the same content. Only the letters
 * present when the replay starts are read, so a record that fails again becomes a new letter, not a loop.
 */
public final class DeadLetterReplay {

    /** Which letters: those of these source topics, optionally of one reason and one product, failed in a window. */
    public record Selection(List<String> sourceTopics, Optional<String> reason, Optional<String> productId,
            Instant since, Instant until) {

        boolean matches(DeadLetter letter) {
            return reason.map(letter.reason()::equals).orElse(true)
                    && productId.map(id -> id.equals(letter.productId())).orElse(true)
                    && !letter.failedAt().isBefore(since) && letter.failedAt().isBefore(until);
        }
    }

    /** What the replay did; {@code matchedByReason} counts the letters selected, per reason. */
    public record Summary(int read, int matched, int replayed, int withoutOriginal, int unreadable,
            Map<String, Integer> matchedByReason) {
    }

    /** Header on every replayed record: the letter it came from, as topic/partition/offset. */
    public static final String REPLAYED_FROM_HEADER = "snapfind-replayed-from";

    /** A letter holds the original record, image bytes included: allow more than an event may carry. */
    private final EventCodec codec = new EventCodec(64 * 1024 * 1024);
    private final String bootstrapServers;
    private final Consumer<String> progress;

    public DeadLetterReplay(String bootstrapServers, Consumer<String> progress) {
        this.bootstrapServers = bootstrapServers;
        this.progress = progress;
    }

    /** Reads the selected letters and, unless {@code dryRun}, publishes their originals and waits for the acks. */
    public Summary run(Selection selection, boolean dryRun) throws InterruptedException, ExecutionException {
        int read = 0;
        int matched = 0;
        int withoutOriginal = 0;
        int unreadable = 0;
        Map<String, Integer> byReason = new TreeMap<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer();
                KafkaProducer<byte[], byte[]> producer = dryRun ? null : producer()) {
            Map<TopicPartition, Long> end = assign(consumer, selection);
            while (!end.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.getOrDefault(partition, -1L)) {
                        continue;
                    }
                    read++;
                    DeadLetter letter;
                    try {
                        letter = codec.decodeDeadLetter(record.value());
                    } catch (ContractViolation e) {
                        unreadable++;
                        continue;
                    }
                    if (!selection.matches(letter)) {
                        continue;
                    }
                    matched++;
                    byReason.merge(letter.reason(), 1, Integer::sum);
                    if (letter.originalValue() == null) {
                        withoutOriginal++;
                        continue;
                    }
                    if (producer != null) {
                        ProducerRecord<byte[], byte[]> original = new ProducerRecord<>(letter.sourceTopic(),
                                letter.key() == null ? null : letter.key().getBytes(StandardCharsets.UTF_8),
                                letter.originalValue());
                        original.headers().add(REPLAYED_FROM_HEADER, (record.topic() + "/" + record.partition() + "/"
                                + record.offset()).getBytes(StandardCharsets.UTF_8));
                        sent.add(producer.send(original));
                    }
                    if (matched % 100 == 0) {
                        progress.accept(matched + " letters selected so far");
                    }
                }
                end.keySet().removeIf(partition -> consumer.position(partition) >= end.get(partition));
            }
            if (producer != null) {
                producer.flush();
                for (Future<RecordMetadata> ack : sent) {
                    ack.get();
                }
            }
        }
        return new Summary(read, matched, dryRun ? 0 : sent.size(), withoutOriginal, unreadable, byReason);
    }

    /** Assigns every partition of the selected letters' topics from {@code since}; answers where each ends now. */
    private static Map<TopicPartition, Long> assign(KafkaConsumer<byte[], byte[]> consumer, Selection selection) {
        Map<String, List<PartitionInfo>> topics = consumer.listTopics();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String source : selection.sourceTopics()) {
            for (PartitionInfo info : topics.getOrDefault(DeadLetter.topicFor(source), List.of())) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
        // A letter is written after its failure, so none failed since `since` lies before the first written then.
        Map<TopicPartition, Long> at = new HashMap<>();
        partitions.forEach(partition -> at.put(partition, selection.since().toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(at);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = starts.get(partition);
            consumer.seek(partition, start == null ? end.get(partition) : start.offset());
        }
        end.values().removeIf(offset -> offset == 0);
        end.keySet().removeIf(partition -> consumer.position(partition) >= end.get(partition));
        return end;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "snapfind-replay");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "snapfind-replay");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // The originals were accepted by these topics once, so they fit their 20 MiB message limit.
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(21 * 1024 * 1024));
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
