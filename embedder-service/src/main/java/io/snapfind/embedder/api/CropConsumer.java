package io.snapfind.embedder.api;

import java.time.Clock;
import java.time.Duration;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.VectorsEvent;
import io.snapfind.embedder.CropEmbedding;
import io.snapfind.embedder.EmbedderOverloaded;
import io.snapfind.embedder.config.EmbedderRuntime;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code images.crops} → {@code images.vectors} (+ {@code images.crops.dlq}), keyed like the input.
 *
 * <p>At least once: a record is acknowledged, and so its offset becomes committable, only after everything it
 * produced has been acknowledged by the broker. SmallRye calls this method for the next record of a consumer only
 * when the previous one's Uni completed, so records of one partition are handled strictly in order (a DELETE never
 * overtakes the vectors before it); {@code concurrency} consumers work on different partitions in parallel.
 * Poison records become dead letters and the partition moves on; if publishing itself fails, the record is nacked
 * and the channel stops (health turns DOWN) rather than skip it.
 */
@ApplicationScoped
public class CropConsumer {

    private static final Logger LOG = Logger.getLogger(CropConsumer.class);

    private final CropEmbedding cropEmbedding;
    private final EventCodec deadLetterCodec = new EventCodec(2 * EventCodec.DEFAULT_MAX_PAYLOAD_BYTES);
    private final MutinyEmitter<byte[]> vectors;
    private final MutinyEmitter<byte[]> deadLetters;
    private final EmbedderMetrics metrics;

    CropConsumer(EmbedderRuntime runtime, EmbedderMetrics metrics,
            @Channel("vectors") MutinyEmitter<byte[]> vectors,
            @Channel("dead-letters") MutinyEmitter<byte[]> deadLetters) {
        this.cropEmbedding = new CropEmbedding(new EventCodec(), runtime.embedder(), Clock.systemUTC());
        this.vectors = vectors;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    @Incoming("crops")
    public Uni<Void> consume(Message<byte[]> message) {
        @SuppressWarnings("unchecked")
        IncomingKafkaRecordMetadata<String, byte[]> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("not a Kafka record"));
        CropEmbedding.SourceRecord source = new CropEmbedding.SourceRecord(record.getTopic(), record.getPartition(),
                record.getOffset(), record.getKey(), message.getPayload());
        return Uni.createFrom().completionStage(() -> cropEmbedding.process(source))
                .onFailure(EmbedderOverloaded.class).retry()
                .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).indefinitely()
                // Encoding and sending happen off the inference threads that completed the embedding.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .chain(outcome -> publish(source, outcome))
                .chain(() -> Uni.createFrom().completionStage(message::ack))
                .onFailure().recoverWithUni(failure -> {
                    LOG.errorf(failure, "Cannot process %s-%d@%d (key %s); stopping the stream so it is retried "
                            + "after a restart", source.topic(), source.partition(), source.offset(), source.key());
                    return Uni.createFrom().completionStage(() -> message.nack(failure));
                });
    }

    private Uni<Void> publish(CropEmbedding.SourceRecord source, CropEmbedding.Outcome outcome) {
        Uni<Void> published = Uni.createFrom().voidItem();
        VectorsEvent event = outcome.vectors();
        if (event != null) {
            byte[] value = outcome.vectorsValue();
            published = published.chain(() -> vectors.sendMessage(keyed(outcome.key(), value)))
                    .invoke(() -> {
                        metrics.published(event.type().name());
                        LOG.infof("%s productId=%s imageId=%s vectors=%d from %s-%d@%d", event.type(),
                                event.productId(), event.imageId(), event.vectors().size(), source.topic(),
                                source.partition(), source.offset());
                    });
        }
        DeadLetter deadLetter = outcome.deadLetter();
        if (deadLetter != null) {
            byte[] value = deadLetterValue(deadLetter);
            published = published.chain(() -> deadLetters.sendMessage(keyed(outcome.key(), value)))
                    .invoke(() -> {
                        metrics.deadLettered(deadLetter.reason());
                        LOG.warnf("Dead letter %s/%s productId=%s imageId=%s from %s-%d@%d: %s", deadLetter.stage(),
                                deadLetter.reason(), deadLetter.productId(), deadLetter.imageId(), source.topic(),
                                source.partition(), source.offset(), deadLetter.detail());
                    });
        }
        return published;
    }

    /**
     * The dead letter's JSON. A record near the 16 MiB event limit would exceed the topic's message size once
     * base64-embedded; then the original bytes are left out (they stay at the source offset) and the detail says so.
     */
    private byte[] deadLetterValue(DeadLetter deadLetter) {
        byte[] value = deadLetterCodec.encode(deadLetter);
        if (value.length <= DEAD_LETTER_MAX_BYTES) {
            return value;
        }
        byte[] original = deadLetter.originalValue();
        return deadLetterCodec.encode(DeadLetter.of(deadLetter.stage(), deadLetter.reason(), deadLetter.detail()
                + " [original value of " + (original == null ? 0 : original.length) + " bytes left out: too large "
                + "for the dead-letter topic; it is still at the source offset]", deadLetter.sourceTopic(),
                deadLetter.partition(), deadLetter.offset(), deadLetter.key(), null, deadLetter.productId(),
                deadLetter.imageId(), deadLetter.failedAt()));
    }

    /** Below the 20 MiB producer and broker limits, with room for the Kafka record overhead. */
    private static final int DEAD_LETTER_MAX_BYTES = 19 * 1024 * 1024;

    private static Message<byte[]> keyed(String key, byte[] value) {
        return Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
    }
}
