package io.snapfind.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.snapfind.deploy.LocalSystem;
import io.snapfind.deploy.Reindex;
import io.snapfind.evaluation.LabelledImage;
import io.snapfind.evaluation.LabelledSets;
import io.snapfind.harness.ProjectPaths;

/**
 * The operator's re-index on the real stack: products indexed with MobileNetV2 embeddings are re-indexed with the
 * ImageNet-logits model while a shopper keeps searching and the catalog keeps changing. Afterwards every product is
 * searchable in the new collection, the change made during the replay is in it, the old collection is still there,
 * and no search ever answered with an error other than a brief 503 or with another product's match.
 */
class ReindexIT {

    private static final String NEW_MODEL = "mobilenetv2-logits";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void reindexesWithAnotherModelWhileSearchesAndCatalogChangesGoOn() throws Exception {
        Path runDir = Files.createTempDirectory(Path.of("target"), "reindex-");
        // The re-index this test times goes from MobileNetV2 to its logits, whatever the deployed default is: the
        // embedder's model as a re-index leaves it in the run dir (so that the re-index can change it), the indexer's
        // first collection by setting.
        Files.writeString(runDir.resolve(LocalSystem.ACTIVE_MODEL_FILE), "mobilenetv2\n");
        try (LocalSystem system = LocalSystem.start(ProjectPaths.root(), ProjectPaths.requireAssets().resolve("models"), runDir,
                LocalSystem.Ports.free(), "e2e-key", List.of("snapfind.indexer.model-id=mobilenetv2", "snapfind.indexer.dimension=1280"),
                Duration.ofMinutes(3), System.out::println)) {
            Gateway gateway = new Gateway(system.gatewayUrl(), "e2e-key");
            Map<String, LabelledImage> catalog = new TreeMap<>();
            List<LabelledImage> all = LabelledSets.folderPerClass(ProjectPaths.asset("datasets/ikea-interior/images"),
                    Set.of("room_scenes"));
            Map<String, Integer> perCategory = new TreeMap<>();
            for (LabelledImage image : all) {
                if (perCategory.merge(image.label(), 1, Integer::sum) <= 3) {
                    catalog.put(IkeaSearchIT.productId(image), image);
                }
            }
            List<String> ids = new ArrayList<>(catalog.keySet());
            String lateProduct = ids.remove(ids.size() - 1);
            String deletedProduct = ids.get(0);
            for (String id : ids) {
                LabelledImage product = catalog.get(id);
                gateway.upsert(id, product.label(), id, product.path());
            }
            awaitStatus(gateway, ids, "mobilenetv2", Duration.ofMinutes(3));

            String probeId = ids.get(ids.size() / 2);
            Path probe = catalog.get(probeId).path();
            AtomicBoolean searching = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
            CompletableFuture<Void> shopper = CompletableFuture.runAsync(() -> {
                while (searching.get()) {
                    try {
                        HttpResponse<String> response = gateway.trySearch(probe, "mode=whole&k=3");
                        String top = switch (response.statusCode()) {
                            case 200 -> JSON.readTree(response.body()).path("results").path(0).path("hits").path(0)
                                    .path("productId").asText();
                            case 503 -> "";
                            default -> response.body();
                        };
                        answers.add(response.statusCode() + " " + top);
                    } catch (Exception e) {
                        answers.add("exception " + e);
                    }
                }
            });

            ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
            CompletableFuture<Reindex.Result> reindex = CompletableFuture.supplyAsync(() -> {
                try {
                    return new Reindex(system, line -> {
                        System.out.println("re-index: " + line);
                        log.add(line);
                    }).run(NEW_MODEL, 1.0, Duration.ofMinutes(5));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // The catalog changes while the replay runs: one product added, one deleted.
            while (log.stream().noneMatch(line -> line.startsWith("collection "))) {
                Thread.sleep(100);
            }
            LabelledImage late = catalog.get(lateProduct);
            gateway.upsert(lateProduct, late.label(), lateProduct, late.path());
            gateway.delete(deletedProduct);

            Reindex.Result result = reindex.get();
            searching.set(false);
            shopper.get();

            assertTrue(result.to().contains("logits"), result.toString());
            assertEquals(result.fromRows(), result.toRows(), result.toString());
            List<String> expected = new ArrayList<>(ids);
            expected.remove(deletedProduct);
            expected.add(lateProduct);
            awaitStatus(gateway, expected, NEW_MODEL, Duration.ofMinutes(2));
            assertFalse(gateway.status(deletedProduct).path("indexed").asBoolean(), "deleted during the re-index");

            JsonNode after = gateway.search(probe, "mode=whole&k=3");
            assertEquals(NEW_MODEL, after.path("modelId").asText());
            assertEquals(probeId, after.path("results").path(0).path("hits").path(0).path("productId").asText());

            List<String> seen = List.copyOf(answers);
            assertTrue(seen.stream().allMatch(a -> a.equals("200 " + probeId) || a.startsWith("503")),
                    "every search found the probe or answered 503 during the switch: " + seen);
            assertTrue(seen.stream().filter(a -> a.startsWith("200")).count() > 3, "searches went on: " + seen);

            JsonNode collections = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(system.serviceUrl("indexer-service") + "/v1/admin/collections"))
                    .header("X-Admin-Key", system.adminKey()).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
            List<String> names = new ArrayList<>();
            collections.forEach(c -> names.add(c.path("name").asText()));
            assertTrue(names.contains(result.from()) && names.contains(result.to()), "the old collection is kept: " + names);
            assertEquals(NEW_MODEL, Files.readString(runDir.resolve("embedder-model")).trim(), "remembered for restarts");
        }
    }

    private static void awaitStatus(Gateway gateway, List<String> ids, String model, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        for (String id : ids) {
            while (true) {
                JsonNode status = gateway.status(id);
                if (status.path("indexed").asBoolean() && model.equals(status.path("modelId").asText())) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(id + " not indexed with " + model + " in time: " + status);
                }
                Thread.sleep(200);
            }
        }
    }
}
