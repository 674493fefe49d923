package io.snapfind.detector.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.snapfind.contracts.ContractViolation;
import io.snapfind.contracts.Crop;
import io.snapfind.contracts.CropsEvent;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.ProductEvent;
import io.snapfind.detector.ProductProcessor.ImageFailure;
import io.snapfind.detector.ProductProcessor.Outcome;
import io.snapfind.detector.ProductProcessor;
import io.snapfind.detector.config.DetectorConfig;
import io.snapfind.detector.metrics.DetectorMetrics;
import io.snapfind.support.deadletter.DeadLetterPublisher;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code catalog.products} → {@code images.crops}, keyed by productId. Records are processed one at a time on a
 * worker thread, in order ({@code @Blocking(ordered = true)}), so a product's upserts and deletes keep their order. A
 * record is acknowledged (and its offset committed) only after every CropsEvent and dead letter it produced has
 * been acknowledged by the broker: at least once. A broken record or image never stops the stream: it is
 * dead-lettered. Only a failure to publish (broker unavailable past the publish timeout) fails the channel, so the
 * record is redelivered after a restart rather than lost.
 */
@ApplicationScoped
public class ProductConsumer {

    private static final Logger LOG = Logger.getLogger(ProductConsumer.class);

    private final ProductProcessor processor;
    private final MutinyEmitter<byte[]> crops;
    private final DeadLetterPublisher deadLetters;
    private final DetectorMetrics metrics;
    private final Duration publishTimeout;
    private final int maxImagesPerProduct;
    private final EventCodec codec = new EventCodec();

    ProductConsumer(ProductProcessor processor, @Channel("images-crops") MutinyEmitter<byte[]> crops,
            @Channel("dead-letters") MutinyEmitter<byte[]> deadLetters, DetectorMetrics metrics,
            DetectorConfig config) {
        this.processor = processor;
        this.crops = crops;
        // The channel's topic is catalog.products.dlq whatever the source topic, as configured.
        this.deadLetters = new DeadLetterPublisher((topic, key, value) -> deadLetters.sendMessage(keyed(key, value))
                .subscribeAsCompletionStage());
        this.metrics = metrics;
        this.publishTimeout = config.publishTimeout();
        this.maxImagesPerProduct = config.maxImagesPerProduct();
    }

    @Incoming("catalog-products")
    @Blocking(ordered = true)
    public void consume(ConsumerRecord<String, byte[]> record) {
        ProductEvent event;
        try {
            event = codec.decodeProduct(record.value());
        } catch (ContractViolation e) {
            deadLetter(record, "event", reasonOf(e, record.value()), e.getMessage(), record.key(), null);
            return;
        }
        if (event.type() == ProductEvent.Type.UPSERT && event.images().size() > maxImagesPerProduct) {
            deadLetter(record, "event", "too-many-images", "the product has " + event.images().size()
                    + " images, at most " + maxImagesPerProduct + " are processed (snapfind.detector."
                    + "max-images-per-product)", event.productId(), null);
            return;
        }
        long start = System.nanoTime();
        Outcome outcome = processor.process(event);
        List<String> summary = new ArrayList<>();
        for (CropsEvent cropsEvent : outcome.events()) {
            publish(record, event, cropsEvent, summary);
        }
        for (ImageFailure failure : outcome.failures()) {
            deadLetter(record, failure.stage(), failure.reason(), failure.imageId() + ": " + failure.detail(),
                    event.productId(), failure.imageId());
            summary.add(failure.imageId() + "=" + failure.reason());
        }
        if (outcome.picturesProblem() != null) {
            LOG.warnf("productId=%s pictures not stored: %s", event.productId(), outcome.picturesProblem());
            metrics.failure("pictures", "not-stored");
        }
        LOG.infof("productId=%s type=%s images=[%s] in %d ms", event.productId(), event.type(),
                String.join(", ", summary), (System.nanoTime() - start) / 1_000_000);
    }

    private void publish(ConsumerRecord<String, byte[]> record, ProductEvent event, CropsEvent cropsEvent,
            List<String> summary) {
        byte[] value;
        try {
            value = codec.encode(cropsEvent);
        } catch (ContractViolation e) {
            // Only the size can fail here: the event was validated when it was built.
            deadLetter(record, "publish", "output-too-large", cropsEvent.imageId() + ": " + e.getMessage(),
                    event.productId(), cropsEvent.imageId());
            summary.add(cropsEvent.imageId() + "=output-too-large");
            return;
        }
        crops.sendMessage(keyed(event.productId(), value)).await().atMost(publishTimeout);
        if (cropsEvent.type() == CropsEvent.Type.CROPS) {
            metrics.imageDone(cropsEvent.crops().size());
            summary.add(cropsEvent.imageId() + "=" + cropsEvent.crops().size() + " crops "
                    + cropsEvent.crops().stream().map(Crop::label).toList());
        } else {
            summary.add("DELETE marker");
        }
    }

    /**
     * Dead-letters the record and waits for the broker, so the record is committed only once its letter is safe.
     *
     * @param stage the detector's step: {@code event}, {@code fetch}, {@code decode}, {@code detect}, {@code publish}
     */
    private void deadLetter(ConsumerRecord<String, byte[]> source, String stage, String reason, String detail,
            String productId, String imageId) {
        DeadLetter letter = DeadLetter.of("detector." + stage, reason, detail, source.topic(), source.partition(),
                source.offset(), source.key(), source.value(), productId, imageId, Instant.now());
        Uni.createFrom().completionStage(deadLetters.publish(letter)).await().atMost(publishTimeout);
        metrics.failure(stage, reason);
    }

    private static Message<byte[]> keyed(String key, byte[] value) {
        return Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
    }

    static String reasonOf(ContractViolation violation, byte[] value) {
        if (value == null || value.length == 0) {
            return "empty-event";
        }
        return switch (violation.kind()) {
            case MALFORMED_JSON -> "malformed-event";
            case UNKNOWN_SCHEMA_VERSION -> "unknown-schema-version";
            case TOO_LARGE -> "event-too-large";
            case MISSING_FIELD, WRONG_TYPE, INVALID_VALUE -> "invalid-event";
        };
    }
}
