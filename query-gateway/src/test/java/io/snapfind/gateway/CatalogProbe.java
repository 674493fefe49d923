package io.snapfind.gateway;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.quarkus.test.junit.QuarkusTestProfile;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads catalog.products back through SmallRye Reactive Messaging, as the detector would. */
@ApplicationScoped
public class CatalogProbe {

    private final List<ConsumerRecord<String, byte[]>> received = new CopyOnWriteArrayList<>();

    /** Through a method, not the field: tests hold a client proxy whose own fields are not the bean's. */
    List<ConsumerRecord<String, byte[]>> received() {
        return received;
    }

    @Incoming("catalog-products-probe")
    void receive(ConsumerRecord<String, byte[]> record) {
        received.add(record);
    }

    /** Subscribes the probe channel to catalog.products from the beginning. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String channel = "mp.messaging.incoming.catalog-products-probe.";
            return Map.of(
                    channel + "connector", "smallrye-kafka",
                    channel + "topic", "catalog.products",
                    channel + "group.id", "gateway-catalog-probe",
                    channel + "auto.offset.reset", "earliest");
        }
    }
}
