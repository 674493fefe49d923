package io.snapfind.harness.quarkus;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.snapfind.harness.SharedInfrastructure;

/** Points a Quarkus test at the real shared KRaft broker. */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", SharedInfrastructure.kafka().bootstrapServers());
    }

    @Override
    public void stop() {
        // shared for the whole JVM; SharedInfrastructure stops it at exit
    }
}
