package io.snapfind.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@code ./snapfind up --instances}: what it accepts, what it refuses, and what status says about instances. */
class InstancesOptionTest {

    @Test
    void aNumberScalesEveryConsumingServiceAndNamedCountsOverrideIt() {
        LocalSystem.Instances instances = LocalSystem.Instances.parse("2,indexer-service=1");
        assertEquals(2, instances.of("detector-service"));
        assertEquals(2, instances.of("embedder-service"));
        assertEquals(1, instances.of("indexer-service"));
        assertEquals(1, LocalSystem.Instances.parse("embedder-service=3").of("detector-service"));
    }

    @Test
    void refusesTheGatewayMorePartitionsThanTopicsHaveAndNonNumbers() {
        assertThrows(IllegalArgumentException.class, () -> LocalSystem.Instances.parse("query-gateway=2"));
        assertThrows(IllegalArgumentException.class, () -> LocalSystem.Instances.parse("4"));
        assertThrows(IllegalArgumentException.class, () -> LocalSystem.Instances.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> LocalSystem.Instances.parse("two"));
    }

    @Test
    void theUpCommandParsesTheOptionAndNamesTheProblemOfABadOne() {
        Launcher.Up up = new Launcher.Up();
        new CommandLine(up).parseArgs("--instances", "detector-service=2");
        assertEquals(2, up.instances.of("detector-service"));
        assertEquals(1, up.instances.of("indexer-service"));
        Launcher.Up plain = new Launcher.Up();
        new CommandLine(plain).parseArgs();
        LocalSystem.CONSUMING_SERVICES.forEach(service -> assertEquals(1, plain.instances.of(service), service));

        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Launcher.Up()).setErr(new PrintWriter(err)).execute("--instances", "9");
        assertEquals(2, exit);
        assertTrue(err.toString().contains("1 to 3"), err.toString());
    }

    @Test
    void eachInstanceHasClientIdsOfItsOwn() {
        ServiceSpec second = new ServiceSpec("detector-service-2", "detector-service", 1, "1g", List.of());
        ServiceSpec indexer = new ServiceSpec("indexer-service-2", "indexer-service", 1, "512m", List.of());
        assertEquals("mp.messaging.connector.smallrye-kafka.client-id-prefix=detector-service-2-",
                LocalSystem.clientIdSetting(second));
        assertEquals("kafka.client.id=indexer-service-2", LocalSystem.clientIdSetting(indexer));
    }

    @Test
    void statusCountsTheReadyInstancesOfEachService() {
        List<String[]> processes = List.of(
                new String[] { "kafka", "1", "a", "running", "0", "-" },
                new String[] { "detector-service", "2", "a", "ready", "0", "-" },
                new String[] { "detector-service-2", "3", "a", "restarting in 1 s", "1", "137" },
                new String[] { "embedder-service", "4", "a", "ready", "0", "-" },
                new String[] { "indexer-service", "5", "a", "ready", "0", "-" },
                new String[] { "indexer-service-2", "6", "a", "ready", "0", "-" });
        assertEquals("instances: detector-service 2 (1 ready), embedder-service 1 (1 ready), "
                + "indexer-service 2 (2 ready)", Launcher.instancesLine(processes));
    }
}
