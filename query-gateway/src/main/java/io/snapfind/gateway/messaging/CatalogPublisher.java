package io.snapfind.gateway.messaging;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.ProductEvent;
import jakarta.enterprise.context.ApplicationScoped;

/** Publishes product events to {@code catalog.products}, keyed by productId, completing once the broker acked. */
@ApplicationScoped
public class CatalogPublisher {

    private final MutinyEmitter<byte[]> products;
    private final EventCodec codec = new EventCodec();

    CatalogPublisher(@Channel("catalog-products") MutinyEmitter<byte[]> products) {
        this.products = products;
    }

    public Uni<Void> publish(ProductEvent event) {
        Message<byte[]> message = Message.of(codec.encode(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.productId()).build());
        return products.sendMessage(message);
    }
}
