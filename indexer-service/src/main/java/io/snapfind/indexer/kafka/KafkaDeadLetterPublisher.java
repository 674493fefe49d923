package io.snapfind.indexer.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.indexer.DeadLetterSink;

/** Publishes dead letters to {@code <source topic>.dlq}, keyed like the failed record, and waits for the acks. */
public final class KafkaDeadLetterPublisher implements DeadLetterSink {

    private static final System.Logger LOG = System.getLogger(KafkaDeadLetterPublisher.class.getName());

    private final Producer<String, byte[]> producer;
    private final Duration ackTimeout;
    // A dead letter embeds the original value in base64, so it may be larger than any event.
    private final EventCodec codec = new EventCodec(2 * EventCodec.DEFAULT_MAX_PAYLOAD_BYTES);

    public KafkaDeadLetterPublisher(Producer<String, byte[]> producer, Duration ackTimeout) {
        this.producer = producer;
        this.ackTimeout = ackTimeout;
    }

    @Override
    public void publish(List<DeadLetter> deadLetters) {
        if (deadLetters.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>(deadLetters.size());
        try {
            for (DeadLetter letter : deadLetters) {
                sends.add(producer.send(new ProducerRecord<>(DeadLetter.topicFor(letter.sourceTopic()), letter.key(),
                        codec.encode(letter))));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadLetterUnavailableException("interrupted while publishing dead letters", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new DeadLetterUnavailableException("dead letters not stored: " + e.getMessage(), e);
        }
        for (DeadLetter letter : deadLetters) {
            LOG.log(System.Logger.Level.WARNING, () -> String.format(
                    "Dead-lettered productId=%s imageId=%s from %s-%d@%d: %s: %s", letter.productId(), letter.imageId(),
                    letter.sourceTopic(), letter.partition(), letter.offset(), letter.reason(), letter.detail()));
        }
    }
}
