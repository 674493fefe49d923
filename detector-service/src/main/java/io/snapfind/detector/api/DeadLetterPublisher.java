package io.snapfind.detector.api;

import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Publishes what the detector could not process to {@code catalog.products.dlq}, keyed like the source record,
 * with the original bytes, and counts it. Blocks until the broker has acknowledged, so the source record is only
 * committed once its dead letter is safe.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    /**
     * Base64 grows the original by a third; past this size it would push the dead letter over the broker's 20 MiB
     * record limit, so the original is left out (its topic, partition and offset still locate it).
     */
    static final int MAX_ORIGINAL_BYTES = 14 * 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);

    private final MutinyEmitter<byte[]> emitter;
    private final DetectorMetrics metrics;
    private final EventCodec codec = new EventCodec(2 * EventCodec.DEFAULT_MAX_PAYLOAD_BYTES);

    DeadLetterPublisher(@Channel("dead-letters") MutinyEmitter<byte[]> emitter, DetectorMetrics metrics) {
        this.emitter = emitter;
        this.metrics = metrics;
    }

    /**
     * @param stage the detector's step: {@code event}, {@code fetch}, {@code decode}, {@code detect}, {@code publish}
     */
    public void publish(ConsumerRecord<String, byte[]> source, String stage, String reason, String detail,
            String productId, String imageId, Duration timeout) {
        byte[] original = source.value();
        String fullDetail = detail;
        if (original != null && original.length > MAX_ORIGINAL_BYTES) {
            fullDetail = detail + " (original value of " + original.length + " bytes left out; read it at "
                    + source.topic() + "/" + source.partition() + "@" + source.offset() + ")";
            original = null;
        }
        DeadLetter letter = DeadLetter.of("detector." + stage, reason, fullDetail, source.topic(), source.partition(),
                source.offset(), source.key(), original, productId, imageId, Instant.now());
        Message<byte[]> message = Message.of(codec.encode(letter)).addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder().withKey(source.key()).build());
        emitter.sendMessage(message).await().atMost(timeout);
        metrics.failure(stage, reason);
        LOG.warnf("dead-lettered productId=%s imageId=%s stage=detector.%s reason=%s: %s", productId, imageId, stage,
                reason, fullDetail);
    }
}
