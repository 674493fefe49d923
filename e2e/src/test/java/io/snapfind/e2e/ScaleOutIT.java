package io.snapfind.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;

import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import io.snapfind.contracts.Topics;
import io.snapfind.deploy.LocalSystem;
import io.snapfind.harness.ProjectPaths;

/**
 * {@code ./snapfind up --instances}: two detectors and two indexers (the embedder stays single, to keep this short)
 * split their topics' partitions through their consumer groups and index every product once; when the second
 * indexer stops, the first takes its partitions over and what follows is indexed too. The full measurement, with
 * kill -9 mid-stream and throughput, is {@code e2e/bench.sh scale}.
 */
class ScaleOutIT {

    @Test
    void twoInstancesSharePartitionsAndTheSurvivorTakesThemOver() throws Exception {
        Path runDir = Files.createTempDirectory(Path.of("target"), "scale-");
        try (LocalSystem system = LocalSystem.start(ProjectPaths.root(), ProjectPaths.requireAssets().resolve("models"),
                runDir, LocalSystem.Ports.free(), "e2e-key", List.of(),
                LocalSystem.Instances.parse("detector-service=2,indexer-service=2"), Duration.ofMinutes(3),
                System.out::println);
                Admin admin = system.kafka().admin()) {
            assertEquals(List.of("detector-service", "detector-service-2"), system.instancesOf("detector-service"));
            Gateway gateway = new Gateway(system.gatewayUrl(), "e2e-key");
            List<Path> images = List.of(ProjectPaths.asset("photos").toFile().listFiles()).stream()
                    .map(java.io.File::toPath).filter(p -> p.toString().endsWith(".jpg")).sorted().limit(3).toList();

            awaitAssignment(admin, system, "detector-service", Topics.CATALOG_PRODUCTS, 2);
            awaitAssignment(admin, system, "indexer-service", Topics.IMAGES_VECTORS, 2);
            publishAndAwait(gateway, "split", images, 9);

            system.stopService("indexer-service-2");
            Map<String, Set<Integer>> after = awaitAssignment(admin, system, "indexer-service", Topics.IMAGES_VECTORS, 1);
            assertEquals(Set.of(0, 1, 2), after.get("indexer-service"), "the survivor holds every partition: " + after);
            publishAndAwait(gateway, "moved", images, 6);

            // Every row once: the index holds as many distinct crop ids as rows, and every product has rows.
            QueryResp rows = system.milvus().client().query(QueryReq.builder().collectionName("products")
                    .filter("productId like \"split-%\" or productId like \"moved-%\"")
                    .outputFields(List.of("cropId", "productId")).limit(1000L).build());
            List<String> cropIds = rows.getQueryResults().stream().map(r -> (String) r.getEntity().get("cropId")).toList();
            Set<Object> products = new HashSet<>();
            rows.getQueryResults().forEach(r -> products.add(r.getEntity().get("productId")));
            assertEquals(15, products.size());
            assertEquals(cropIds.size(), new HashSet<>(cropIds).size(), "a crop id twice: " + cropIds);
        }
    }

    private static void publishAndAwait(Gateway gateway, String prefix, List<Path> images, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            gateway.upsert(prefix + "-" + i, "test", prefix + " " + i, images.get(i % images.size()));
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (int i = 0; i < count; i++) {
            while (!gateway.isIndexed(prefix + "-" + i)) {
                assertTrue(System.nanoTime() < deadline, prefix + "-" + i + " not indexed within 2 minutes");
                Thread.sleep(100);
            }
        }
    }

    /**
     * Waits until the group's members, told apart by their client ids (each instance's own, set by the launcher),
     * are {@code instances} instances that hold all three partitions between them, each at least one.
     */
    private static Map<String, Set<Integer>> awaitAssignment(Admin admin, LocalSystem system, String group, String topic,
            int instances) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        Map<String, Set<Integer>> last;
        do {
            Map<String, Set<Integer>> byInstance = new TreeMap<>();
            for (MemberDescription member : admin.describeConsumerGroups(List.of(group)).all().get().get(group)
                    .members()) {
                String instance = system.instancesOf(group).stream()
                        .filter(name -> member.clientId().equals(name) || member.clientId().startsWith(name + "-"))
                        .max((a, b) -> Integer.compare(a.length(), b.length())).orElse(member.clientId());
                member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic))
                        .forEach(tp -> byInstance.computeIfAbsent(instance, i -> new TreeSet<>()).add(tp.partition()));
            }
            Set<Integer> all = new TreeSet<>();
            byInstance.values().forEach(all::addAll);
            if (byInstance.size() == instances && all.equals(Set.of(0, 1, 2))) {
                return byInstance;
            }
            last = byInstance;
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(group + ": expected " + instances + " instances holding partitions 0-2, got "
                + last);
    }
}
