package io.snapfind.support.deadletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;

/**
 * Publishes what a stage could not process to {@code <source topic>.dlq}, keyed like the failed record, with the
 * original bytes, and logs one line per letter. Callers wait for the broker's acknowledgement before they commit
 * the source record, so nothing is lost between the two.
 */
public final class DeadLetterPublisher {

    /** How a dead letter reaches the broker; the stage completes once the broker has acknowledged it. */
    @FunctionalInterface
    public interface Transport {
        CompletionStage<?> send(String topic, String key, byte[] value);
    }

    /** Thrown when dead letters could not be stored; the caller must not commit the source records. */
    public static final class DeadLetterUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DeadLetterUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Below the 20 MiB producer and broker record limits, with room for the Kafka record overhead. */
    static final int MAX_VALUE_BYTES = 19 * 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);

    private final Transport transport;
    // A dead letter embeds the original value in base64, so it may be larger than any event.
    private final EventCodec codec = new EventCodec(2 * EventCodec.DEFAULT_MAX_PAYLOAD_BYTES);

    public DeadLetterPublisher(Transport transport) {
        this.transport = transport;
    }

    /** A transport over a plain Kafka producer ({@code acks=all} and a 20 MiB request size are the caller's). */
    public static Transport kafka(Producer<String, byte[]> producer) {
        return (topic, key, value) -> {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, failure) -> {
                if (failure != null) {
                    acked.completeExceptionally(failure);
                } else {
                    acked.complete(null);
                }
            });
            return acked;
        };
    }

    /** Sends one letter; the stage completes when the broker has it. */
    public CompletionStage<Void> publish(DeadLetter letter) {
        return transport.send(DeadLetter.topicFor(letter.sourceTopic()), letter.key(), encode(letter))
                .thenRun(() -> LOG.warnf("dead-lettered productId=%s imageId=%s from %s-%d@%d stage=%s reason=%s: %s",
                        letter.productId(), letter.imageId(), letter.sourceTopic(), letter.partition(),
                        letter.offset(), letter.stage(), letter.reason(), letter.detail()));
    }

    /**
     * Sends every letter and waits until all are acknowledged.
     *
     * @throws DeadLetterUnavailableException when any is not stored within {@code timeout}
     */
    public void publishAll(List<DeadLetter> letters, Duration timeout) {
        List<CompletableFuture<Void>> sends = new ArrayList<>(letters.size());
        try {
            for (DeadLetter letter : letters) {
                sends.add(publish(letter).toCompletableFuture());
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadLetterUnavailableException("interrupted while publishing dead letters", e);
        } catch (ExecutionException e) {
            throw new DeadLetterUnavailableException("dead letters not stored: " + e.getCause().getMessage(), e);
        } catch (TimeoutException | RuntimeException e) {
            throw new DeadLetterUnavailableException("dead letters not stored: " + e, e);
        }
    }

    /**
     * The letter's JSON. A record near the event size limit would exceed the topic's message size once
     * base64-embedded; then the original bytes are left out (they stay at the source offset) and the detail says so.
     */
    byte[] encode(DeadLetter letter) {
        byte[] value = codec.encode(letter);
        if (value.length <= MAX_VALUE_BYTES) {
            return value;
        }
        byte[] original = letter.originalValue();
        return codec.encode(DeadLetter.of(letter.stage(), letter.reason(), letter.detail()
                + " [original value of " + (original == null ? 0 : original.length) + " bytes left out: too large "
                + "for the dead-letter topic; read it at " + letter.sourceTopic() + "/" + letter.partition() + "@"
                + letter.offset() + "]", letter.sourceTopic(), letter.partition(), letter.offset(), letter.key(),
                null, letter.productId(), letter.imageId(), letter.failedAt()));
    }
}
