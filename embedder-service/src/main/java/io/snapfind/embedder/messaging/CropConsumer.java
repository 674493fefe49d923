package io.snapfind.embedder.messaging;

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
import io.snapfind.contracts.SourceRecord;
import io.snapfind.contracts.VectorsEvent;
import io.snapfind.embedder.CropEmbedding;
import io.snapfind.embedder.EmbedderOverloaded;
import io.snapfind.embedder.config.EmbedderBeans;
import io.snapfind.embedder.metrics.EmbedderMetrics;
import io.snapfind.support.deadletter.DeadLetterPublisher;
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
    private final MutinyEmitter<byte[]> vectors;
    private final DeadLetterPublisher deadLetters;
    private final EmbedderMetrics metrics;

    CropConsumer(EmbedderBeans runtime, EmbedderMetrics metrics,
            @Channel("vectors") MutinyEmitter<byte[]> vectors,
            @Channel("dead-letters") MutinyEmitter<byte[]> deadLetters) {
        this.cropEmbedding = new CropEmbedding(new EventCodec(), runtime.embedder(), Clock.systemUTC());
        this.vectors = vectors;
        // The channel's topic is images.crops.dlq whatever the source topic, as configured.
        this.deadLetters = new DeadLetterPublisher((topic, key, value) -> deadLetters.sendMessage(keyed(key, value))
                .subscribeAsCompletionStage());
        this.metrics = metrics;
    }

    @Incoming("crops")
    public Uni<Void> consume(Message<byte[]> message) {
        @SuppressWarnings("unchecked")
        IncomingKafkaRecordMetadata<String, byte[]> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("not a Kafka record"));
        SourceRecord source = new SourceRecord(record.getTopic(), record.getPartition(),
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

    private Uni<Void> publish(SourceRecord source, CropEmbedding.Outcome outcome) {
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
            published = published.chain(() -> Uni.createFrom().completionStage(deadLetters.publish(deadLetter)))
                    .invoke(() -> metrics.deadLettered(deadLetter.reason()));
        }
        return published;
    }

    private static Message<byte[]> keyed(String key, byte[] value) {
        return Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
    }
}
