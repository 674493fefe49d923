package io.snapfind.indexer.messaging;

import static io.snapfind.indexer.messaging.KafkaTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.milvus.v2.client.MilvusClientV2;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.VectorsEvent;
import io.snapfind.harness.SharedInfrastructure;
import io.snapfind.indexer.IndexAdmin;
import io.snapfind.indexer.IndexSettings;
import io.snapfind.indexer.Indexer;
import io.snapfind.indexer.IndexerMetrics;
import io.snapfind.indexer.TestEvents;
import io.snapfind.indexer.VectorStore;
import io.snapfind.indexer.milvus.MilvusVectorStore;
import io.snapfind.milvus.Filters;
import io.snapfind.milvus.IndexSchema;
import io.snapfind.milvus.MilvusConnection;
import io.snapfind.support.deadletter.DeadLetterPublisher;

/**
 * The ingest loop on the real broker and Milvus Lite, without Quarkus: a crash between the Milvus writes and the
 * commit, and Milvus going away for 20 seconds while events keep arriving.
 */
class IngestLoopIT {

    private static final String MODEL = "loop-model";
    private static final int DIM = 8;

    private static KafkaTestSupport kafka;
    private static MilvusClientV2 client;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestSupport();
        client = MilvusConnection.connect(SharedInfrastructure.milvus().uri(), Optional.empty(), Duration.ofSeconds(2));
    }

    @AfterAll
    static void close() {
        kafka.close();
        client.close();
    }

    @Test
    void anIndexerKilledBetweenTheMilvusWriteAndTheCommitLosesAndDuplicatesNothing() throws Exception {
        Fixture fixture = new Fixture("kill");
        MilvusVectorStore milvus = new MilvusVectorStore(() -> client, 16, 64);
        Map<String, Set<String>> expected = new LinkedHashMap<>();

        Crash crash = new Crash();
        Running first = fixture.start(crash.around(milvus));
        fixture.send(TestEvents.vectors("k0", "a", List.of("a", "b"), MODEL, DIM, 0, 1), expected);
        fixture.send(TestEvents.vectors("k0", "b", List.of("a", "b"), MODEL, DIM, 0), expected);
        fixture.awaitIndexed(milvus, expected);
        await("the first batches committed", Duration.ofSeconds(30), () -> kafka.lag(fixture.group, fixture.topic) == 0);

        crash.armed = true;
        // Version 2 of k0 has a single image with other crops; eleven new products arrive with it.
        fixture.send(TestEvents.vectors("k0", "a", List.of("a"), MODEL, DIM, 2, 3), expected);
        for (int p = 1; p <= 11; p++) {
            fixture.send(TestEvents.vectors("k" + p, "a", List.of("a"), MODEL, DIM, 0, p % 4 + 1), expected);
        }
        await("the simulated kill", Duration.ofSeconds(30), () -> first.loop.state().phase() == IngestLoop.Phase.FAILED);
        assertTrue(kafka.lag(fixture.group, fixture.topic) > 0, "the killed batch was not committed");
        assertTrue(fixture.cropIds(milvus, "k0").size() > 2, "killed after the upsert, before the stale crops went");

        Running second = fixture.start(milvus);
        try {
            fixture.awaitIndexed(milvus, expected);
            await("the replayed batch committed", Duration.ofSeconds(30), () -> kafka.lag(fixture.group, fixture.topic) == 0);
            fixture.assertExactly(milvus, expected);
        } finally {
            second.stop();
        }
    }

    @Test
    void whenMilvusIsStoppedFor20SecondsEveryEventIsIndexedAfterItReturns() throws Exception {
        Fixture fixture = new Fixture("outage");
        MilvusVectorStore milvus = new MilvusVectorStore(() -> client, 16, 64);
        Map<String, Set<String>> expected = new LinkedHashMap<>();
        Running running = fixture.start(milvus);
        try {
            for (int p = 0; p < 5; p++) {
                fixture.send(TestEvents.vectors("o" + p, "a", List.of("a"), MODEL, DIM, 0, 1), expected);
            }
            fixture.awaitIndexed(milvus, expected);
            await("committed before the outage", Duration.ofSeconds(30), () -> kafka.lag(fixture.group, fixture.topic) == 0);

            SharedInfrastructure.milvus().stop();
            long stoppedAt = System.nanoTime();
            for (int p = 5; p < 25; p++) {
                fixture.send(TestEvents.vectors("o" + p, "a", List.of("a"), MODEL, DIM, 0, p % 3 + 1), expected);
            }
            fixture.send(TestEvents.vectors("o0", "a", List.of("a"), MODEL, DIM, 2), expected);
            fixture.send(VectorsEvent.delete("o1", Instant.now()), expected);
            Thread.sleep(Math.max(0, Duration.ofSeconds(20).toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000));

            IngestLoop.State during = running.loop.state();
            assertEquals(IngestLoop.Phase.RETRYING, during.phase(), "not ready while Milvus is away: " + during);
            assertTrue(during.consecutiveFailures() > 1, during.toString());
            assertEquals(22, kafka.lag(fixture.group, fixture.topic), "nothing committed while Milvus is away");

            SharedInfrastructure.milvus().startAgain(Duration.ofSeconds(60));
            fixture.awaitIndexed(milvus, expected);
            await("everything committed", Duration.ofSeconds(60), () -> kafka.lag(fixture.group, fixture.topic) == 0);
            fixture.assertExactly(milvus, expected);
            assertEquals(IngestLoop.Phase.RUNNING, running.loop.state().phase());
            assertEquals(List.of(), kafka.readAll(DeadLetter.topicFor(fixture.topic)), "nothing dead-lettered");
        } finally {
            SharedInfrastructure.milvus().startAgain(Duration.ofSeconds(60));
            running.stop();
        }
    }

    @Test
    void aRecordThatFailsTheIndexerOnItsOwnIsDeadLetteredAndThePartitionMovesOn() throws Exception {
        Fixture fixture = new Fixture("poison");
        MilvusVectorStore milvus = new MilvusVectorStore(() -> client, 16, 64);
        Map<String, Set<String>> expected = new LinkedHashMap<>();
        Running running = fixture.start(failingOn("p-poison", milvus));
        try {
            for (int p = 0; p < 6; p++) {
                fixture.send(TestEvents.vectors("p" + p, "a", List.of("a"), MODEL, DIM, 0, 1), expected);
                if (p == 2) {
                    fixture.send(TestEvents.vectors("p-poison", "a", List.of("a"), MODEL, DIM, 0), new HashMap<>());
                }
            }
            fixture.awaitIndexed(milvus, expected);
            await("everything committed", Duration.ofSeconds(30), () -> kafka.lag(fixture.group, fixture.topic) == 0);
            fixture.assertExactly(milvus, expected);
            List<DeadLetter> letters = kafka.readAll(DeadLetter.topicFor(fixture.topic)).stream()
                    .map(record -> new io.snapfind.contracts.EventCodec().decodeDeadLetter(record.value())).toList();
            assertEquals(List.of("p-poison"), letters.stream().map(DeadLetter::productId).toList());
            assertEquals("indexer-failed", letters.get(0).reason());
            assertTrue(letters.get(0).detail().contains("cannot index p-poison"), letters.get(0).detail());
            assertEquals(IngestLoop.Phase.RUNNING, running.loop.state().phase());
        } finally {
            running.stop();
        }
    }

    /** One test's topic, consumer group and collections. */
    private static final class Fixture {
        final String topic;
        final String group;
        final IndexSettings settings;
        final Map<String, Map<String, Set<String>>> images = new LinkedHashMap<>();

        Fixture(String name) {
            String unique = name + "_" + UUID.randomUUID().toString().substring(0, 8);
            topic = "it." + unique + ".vectors";
            group = "it-" + unique;
            settings = IndexSettings.of("itl_" + unique + "_", "itl_" + unique + "_products", MODEL, DIM, true);
            kafka.createTopics(topic, DeadLetter.topicFor(topic));
        }

        Running start(VectorStore index) {
            Indexer indexer = new Indexer(index, settings, 1000, Clock.systemUTC());
            Map<String, Object> connection = Map.of("bootstrap.servers", kafka.bootstrapServers());
            IngestLoop loop = new IngestLoop(KafkaClients.ingestConsumer(connection, group, 500), topic, indexer,
                    new DeadLetterPublisher(DeadLetterPublisher.kafka(KafkaClients.deadLetterProducer(connection))),
                    IndexerMetrics.NONE, new IndexAdmin(index, settings)::initialize, (batch, outcome) -> {
                    }, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(2));
            Thread thread = new Thread(loop, "test-ingest-" + group);
            thread.start();
            return new Running(loop, index);
        }

        /** Produces the event and applies it to {@code expected} the way the index must: per image, whole sets. */
        void send(VectorsEvent event, Map<String, Set<String>> expected) {
            if (event.type() == VectorsEvent.Type.DELETE) {
                expected.remove(event.productId());
                images.remove(event.productId());
            } else {
                Map<String, Set<String>> product = images.computeIfAbsent(event.productId(), p -> new LinkedHashMap<>());
                product.keySet().retainAll(event.productImageIds());
                Set<String> crops = new HashSet<>();
                event.vectors().forEach(vector -> crops.add(vector.cropId()));
                product.put(event.imageId(), crops);
                Set<String> all = new HashSet<>();
                product.values().forEach(all::addAll);
                if (all.isEmpty()) {
                    expected.remove(event.productId());
                } else {
                    expected.put(event.productId(), all);
                }
            }
            kafka.send(topic, event.productId(), TestEvents.encode(event));
        }

        Set<String> cropIds(VectorStore index, String productId) {
            Set<String> ids = new HashSet<>();
            index.query(settings.active().name(), Filters.eq(IndexSchema.PRODUCT_ID, productId))
                    .forEach(row -> ids.add(row.cropId()));
            return ids;
        }

        void awaitIndexed(VectorStore index, Map<String, Set<String>> expected) throws InterruptedException {
            await("all products indexed as expected", Duration.ofSeconds(60), () -> {
                try {
                    return rows(index).equals(expected);
                } catch (RuntimeException milvusStillStarting) {
                    return false;
                }
            });
        }

        void assertExactly(VectorStore index, Map<String, Set<String>> expected) {
            assertEquals(expected, rows(index));
            long total = expected.values().stream().mapToLong(Set::size).sum();
            assertEquals(total, index.countRows(settings.active().name()), "no duplicate rows");
        }

        private Map<String, Set<String>> rows(VectorStore index) {
            Map<String, Set<String>> rows = new LinkedHashMap<>();
            index.query(settings.active().name(), "cropId != \"\"")
                    .forEach(row -> rows.computeIfAbsent(row.productId(), p -> new HashSet<>()).add(row.cropId()));
            return rows;
        }
    }

    private record Running(IngestLoop loop, VectorStore index) {
        void stop() throws InterruptedException {
            loop.stop(Duration.ofSeconds(20));
        }
    }

    private static final class SimulatedKill extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedKill() {
            super("simulated kill after the upsert");
        }
    }

    /** Throws, as a bug in the indexer or the SDK would, whenever a batch holds a row of the poison product. */
    private static VectorStore failingOn(String poisonProduct, VectorStore delegate) {
        return (VectorStore) java.lang.reflect.Proxy.newProxyInstance(VectorStore.class.getClassLoader(),
                new Class<?>[] { VectorStore.class }, (proxy, method, args) -> {
                    if (method.getName().equals("upsert") && ((List<?>) args[1]).stream()
                            .anyMatch(row -> ((io.snapfind.indexer.IndexRow) row).productId().equals(poisonProduct))) {
                        throw new IllegalStateException("cannot index " + poisonProduct);
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Dies like a killed process right after its first upsert once armed: the stale-crop deletes and the commit never happen. */
    private static final class Crash {
        volatile boolean armed;

        VectorStore around(VectorStore delegate) {
            return (VectorStore) java.lang.reflect.Proxy.newProxyInstance(VectorStore.class.getClassLoader(),
                    new Class<?>[] { VectorStore.class }, (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(delegate, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (armed && method.getName().equals("upsert")) {
                            armed = false;
                            // An Error, not an exception: the loop blames exceptions on the batch's content.
                            throw new SimulatedKill();
                        }
                        return result;
                    });
        }
    }
}
