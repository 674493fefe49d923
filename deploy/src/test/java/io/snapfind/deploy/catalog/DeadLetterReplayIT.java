package io.snapfind.deploy.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.Topics;
import io.snapfind.harness.KafkaBroker;
import io.snapfind.harness.SharedInfrastructure;
import io.snapfind.harness.SnapfindTopics;

/** {@code ./snapfind replay} on the real broker: the chosen letters' originals go back, byte for byte, once. */
class DeadLetterReplayIT {

    private static final EventCodec CODEC = new EventCodec();
    private static KafkaBroker kafka;

    @BeforeAll
    static void topics() {
        kafka = SharedInfrastructure.kafka();
        SnapfindTopics.create(kafka);
    }

    @Test
    void replaysTheChosenLettersOriginalsToTheirTopicAndNothingElse() throws Exception {
        String run = UUID.randomUUID().toString();
        Instant start = Instant.now().minusSeconds(1);
        byte[] timedOut = ("{\"original\":\"" + run + "-a\"}").getBytes(StandardCharsets.UTF_8);
        byte[] refused = ("{\"original\":\"" + run + "-b\"}").getBytes(StandardCharsets.UTF_8);
        publish(letter("timeout", run + "-a", timedOut, Topics.CATALOG_PRODUCTS));
        publish(letter("address-not-allowed", run + "-b", refused, Topics.CATALOG_PRODUCTS));
        publish(letter("timeout", run + "-c", null, Topics.CATALOG_PRODUCTS));

        DeadLetterReplay replay = new DeadLetterReplay(kafka.bootstrapServers(), line -> { });
        DeadLetterReplay.Selection timeouts = new DeadLetterReplay.Selection(List.of(Topics.CATALOG_PRODUCTS),
                Optional.of("timeout"), Optional.empty(), start, Instant.now().plusSeconds(1));
        DeadLetterReplay.Summary dry = replay.run(timeouts, true);
        assertEquals(2, dry.matched());
        assertEquals(0, dry.replayed());
        assertEquals(List.of(), originalsOf(run), "a dry run publishes nothing");

        DeadLetterReplay.Summary done = replay.run(timeouts, false);
        assertEquals(1, done.replayed());
        assertEquals(1, done.withoutOriginal(), "a letter without its original cannot be replayed");
        assertEquals(Map.of("timeout", 2), done.matchedByReason());
        List<ConsumerRecord<byte[], byte[]>> back = originalsOf(run);
        assertEquals(1, back.size(), "only the timed-out product goes back, the refused one stays a letter");
        assertEquals(run + "-a", new String(back.get(0).key(), StandardCharsets.UTF_8));
        assertArrayEquals(timedOut, back.get(0).value());
        assertEquals(1, back.get(0).headers().toArray().length);
    }

    private static DeadLetter letter(String reason, String productId, byte[] original, String source) {
        return DeadLetter.of("detector.fetch", reason, "test letter", source, 0, 7, productId, original, productId,
                null, Instant.now());
    }

    private static void publish(DeadLetter letter) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(DeadLetter.topicFor(letter.sourceTopic()),
                    letter.key().getBytes(StandardCharsets.UTF_8), CODEC.encode(letter))).get();
        }
    }

    /** Every record on catalog.products keyed by one of this run's products. */
    private static List<ConsumerRecord<byte[], byte[]>> originalsOf(String run) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CATALOG_PRODUCTS).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && new String(record.key(), StandardCharsets.UTF_8).startsWith(run)) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }
}
