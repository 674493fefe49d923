package io.snapfind.gateway.messaging;

import java.time.Duration;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.ProductEvent;
import io.snapfind.gateway.config.GatewayConfig;
import io.snapfind.support.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Publishes product events to {@code catalog.products}, keyed by productId, completing once the broker acked. When
 * the broker does not acknowledge within {@code snapfind.gateway.publish-timeout} the call fails with a 503: the
 * event may still have reached the broker, and sending it again is safe (an upsert replaces the product, a delete is
 * a delete).
 */
@ApplicationScoped
public class CatalogPublisher {

    private final MutinyEmitter<byte[]> products;
    private final EventCodec codec = new EventCodec();
    private final Duration timeout;

    CatalogPublisher(@Channel("catalog-products") MutinyEmitter<byte[]> products, GatewayConfig config) {
        this.products = products;
        this.timeout = config.publishTimeout();
    }

    public Uni<Void> publish(ProductEvent event) {
        Message<byte[]> message = Message.of(codec.encode(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.productId()).build());
        return products.sendMessage(message)
                .ifNoItem().after(timeout).failWith(() -> unavailable("the broker did not acknowledge within "
                        + timeout.toSeconds() + " s"))
                // Every failure of a send is the broker's: Kafka's own exception, or SmallRye's IllegalStateException
                // ("Retries exhausted") wrapping it, which can arrive a moment before the timeout above.
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> unavailable(rootCause(e).getMessage()));
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static ProblemException unavailable(String why) {
        return new ProblemException(503, "Ingest unavailable", "the catalog topic cannot be written now (" + why
                + "); search is not affected; retry later, sending the same event again is safe");
    }
}
