package io.snapfind.e2e.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import io.snapfind.contracts.Topics;
import io.snapfind.deploy.LocalSystem;
import io.snapfind.harness.ProjectPaths;

/**
 * The crash matrix (issue 15): catalog products from the IKEA assets through the real stack, a quarter of them with two
 * images, every 10th updated later to a different image set, every 10th (offset 5) deleted later. While the events
 * stream in, each when the detector has worked through another seventh of them: kill -9 of the detector, then the
 * embedder, then the indexer (the launcher's supervisor restarts each), then Milvus Lite stopped and started again on
 * its data directory, then kill -9 of the Kafka broker, started again on its log directory. Once every stage's consumer lag is zero the index is compared with each product's newest event:
 * a live product's rows must carry exactly the image ids of its newest version (lost: an image of it without rows;
 * duplicated: a row of an image it no longer has), no primary key twice (duplicated), no row of a deleted product
 * (duplicated). The same picture appears under several products (a product's second image is the next product's main
 * one), and detection is deterministic, so every occurrence of one picture must have the same number of rows: an
 * occurrence with fewer is counted as lost crops, one with more as duplicated.
 *
 * <p>Run: {@code e2e/bench.sh crash [products=2000]}; {@code CrashMatrixIT} runs it with 80.
 */
public final class CrashMatrixBenchmark {

    /** What the index holds against what the newest events say it should; both zero when nothing went wrong. */
    public record Outcome(long lost, long duplicated, int liveProducts, int deletedProducts, List<String> faults) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALIAS = "products";
    private static final Map<String, String> STAGES = new LinkedHashMap<>();
    static {
        STAGES.put("detector-service", Topics.CATALOG_PRODUCTS);
        STAGES.put("embedder-service", Topics.IMAGES_CROPS);
        STAGES.put("indexer-service", Topics.IMAGES_VECTORS);
    }
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        Outcome outcome = run(args.length > 0 ? Integer.parseInt(args[0]) : 2000,
                Files.createTempDirectory("snapfind-crash-"));
        say("R-crash-lost: " + outcome.lost());
        say("R-crash-duplicated: " + outcome.duplicated());
    }

    /** One event of the stream: an upsert with its pictures by image id, or a delete (no pictures). */
    private record Event(String productId, ScaleOutBenchmark.Product product, Map<String, Path> images) {
        boolean isDelete() {
            return images.isEmpty();
        }
    }

    /** Streams {@code count} products through a fresh stack in {@code runDir} while every fault is injected. */
    public static Outcome run(int count, Path runDir) throws Exception {
        Path assets = ProjectPaths.requireAssets();
        List<ScaleOutBenchmark.Product> catalog = ScaleOutBenchmark.catalog(
                assets.resolve("datasets/ikea-shop-the-look"), count + 1);
        String prefix = "crash" + System.currentTimeMillis() % 100_000;
        List<Event> plan = plan(prefix, catalog, count);
        // The newest event per product: its image ids (empty: deleted); the picture behind each (product, image id).
        Map<String, Set<String>> newest = new LinkedHashMap<>();
        Map<String, Path> pictures = new HashMap<>();
        for (Event event : plan) {
            newest.put(event.productId(), event.images().keySet());
            event.images().forEach((imageId, picture) -> pictures.put(event.productId() + "/" + imageId, picture));
        }
        long started = System.nanoTime();
        LocalSystem system = LocalSystem.start(ProjectPaths.root(), assets.resolve("models"),
                runDir, LocalSystem.Ports.free(), "bench-key", List.of(),
                LocalSystem.Instances.ONE_EACH, Duration.ofMinutes(5), line -> say("  " + line));
        say(String.format("stack ready in %.0f s; %d events for %d products", seconds(started), plan.size(), count));
        ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor();
        supervisor.scheduleWithFixedDelay(() -> system.supervise(line -> say("  supervisor: " + line)), 1, 1,
                TimeUnit.SECONDS);
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        try (Admin admin = system.kafka().admin()) {
            String gateway = system.gatewayUrl();
            AtomicInteger published = new AtomicInteger();
            long start = System.nanoTime();
            // The catalog system: every event as fast as the gateway takes it, retrying through restarts.
            Future<?> publishing = publisher.submit(() -> {
                for (Event event : plan) {
                    if (event.isDelete()) {
                        delete(gateway, event.productId());
                    } else {
                        upsert(gateway, event.productId(), event.product(), event.images());
                    }
                    published.incrementAndGet();
                }
                say(String.format("  t=%4.0f s all %d events published", seconds(start), plan.size()));
                return null;
            });
            // Each fault when the detector, the slowest stage, has worked through its share of the stream, so
            // that every stage has work in flight when it is hit.
            List<String> faults = List.of("detector-service", "embedder-service", "indexer-service", "milvus", "kafka");
            List<String> done = new ArrayList<>();
            long lastReport = 0;
            while (done.size() < faults.size()) {
                Thread.sleep(500);
                Map<String, Long> lag = lagOrEmpty(admin);
                if (lag.isEmpty()) {
                    continue;
                }
                long detected = published.get() - lag.get("detector-service");
                if (detected >= (long) plan.size() * (done.size() + 1) / (faults.size() + 2)) {
                    done.add(fault(system, faults.get(done.size()), start));
                }
                if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(20)) {
                    lastReport = System.nanoTime();
                    say(String.format("  t=%4.0f s published %d of %d events, lag %s", seconds(start), published.get(),
                            plan.size(), lag));
                }
            }
            publishing.get();
            say(String.format("  t=%4.0f s faults done: %s", seconds(start), done));
            awaitSettled(admin, Duration.ofMinutes(30));
            say(String.format("settled after %.0f s", seconds(start)));
            searchServed(gateway, catalog.get(count - 1).image());
            return verify(system, prefix, newest, pictures, done);
        } finally {
            publisher.shutdownNow();
            supervisor.shutdownNow();
            supervisor.awaitTermination(10, TimeUnit.SECONDS);
            system.close();
        }
    }

    /**
     * Product i's upsert (a quarter with a second image, the next product's picture), and 7 products later an update
     * of every 10th product to another image set, or a delete of every 10th with offset 5.
     */
    private static List<Event> plan(String prefix, List<ScaleOutBenchmark.Product> catalog, int count) {
        List<Event> plan = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ScaleOutBenchmark.Product product = catalog.get(i);
            Map<String, Path> images = new LinkedHashMap<>();
            images.put("main", product.image());
            if (i % 4 == 1) {
                images.put("second", catalog.get(i + 1).image());
            }
            plan.add(new Event(prefix + "-" + i, product, images));
            int earlier = i - 7;
            if (earlier >= 0 && earlier % 10 == 0) {
                plan.add(new Event(prefix + "-" + earlier, catalog.get(earlier),
                        Map.of("updated", catalog.get(earlier + 1).image())));
            } else if (earlier >= 0 && earlier % 10 == 5) {
                plan.add(new Event(prefix + "-" + earlier, catalog.get(earlier), Map.of()));
            }
        }
        return plan;
    }

    private static String fault(LocalSystem system, String target, long start) throws Exception {
        if (target.equals("milvus")) {
            say(String.format("  t=%4.0f s stopping Milvus Lite", seconds(start)));
            system.milvus().stop();
            Thread.sleep(5_000);
            system.milvus().startAgain(Duration.ofMinutes(3));
            say(String.format("  t=%4.0f s Milvus Lite started again", seconds(start)));
            return "milvus restarted";
        }
        if (target.equals("kafka")) {
            say(String.format("  t=%4.0f s kill -9 kafka (pid %d)", seconds(start), system.kafka().pid()));
            system.kafka().kill();
            Thread.sleep(5_000);
            system.kafka().startAgain(Duration.ofMinutes(2));
            say(String.format("  t=%4.0f s Kafka started again", seconds(start)));
            return "kill -9 kafka";
        }
        for (LocalSystem.ProcessState state : system.supervise(line -> say("  supervisor: " + line))) {
            if (state.name().startsWith(target) && state.pid() > 0) {
                ProcessHandle.of(state.pid()).ifPresent(ProcessHandle::destroyForcibly);
                say(String.format("  t=%4.0f s kill -9 %s (pid %d)", seconds(start), state.name(), state.pid()));
                return "kill -9 " + state.name();
            }
        }
        throw new IllegalStateException("no running " + target);
    }

    private static void upsert(String gateway, String id, ScaleOutBenchmark.Product product, Map<String, Path> images)
            throws Exception {
        List<Map<String, String>> list = new ArrayList<>();
        for (Map.Entry<String, Path> image : images.entrySet()) {
            list.add(Map.of("imageId", image.getKey(),
                    "bytes", Base64.getEncoder().encodeToString(Files.readAllBytes(image.getValue()))));
        }
        send(HttpRequest.newBuilder(URI.create(gateway + "/v1/products")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("productId", id,
                        "category", product.category(), "title", product.id(), "images", list)))), id);
    }

    private static void delete(String gateway, String id) throws Exception {
        send(HttpRequest.newBuilder(URI.create(gateway + "/v1/products/" + id)).DELETE(), id);
    }

    /** Sends an ingest request, retrying while the stack answers other than 202 (a restart in progress). */
    private static void send(HttpRequest.Builder request, String id) throws Exception {
        HttpRequest built = request.header("X-API-Key", "bench-key").timeout(Duration.ofSeconds(60)).build();
        for (int attempt = 1;; attempt++) {
            try {
                HttpResponse<String> response = HTTP.send(built, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    return;
                }
                if (attempt >= 30) {
                    throw new IllegalStateException(id + ": " + response.statusCode() + " " + response.body());
                }
            } catch (java.io.IOException e) {
                if (attempt >= 30) {
                    throw e;
                }
            }
            Thread.sleep(1_000);
        }
    }

    /** Search must be served after the faults too: Milvus came back with its collections released. */
    private static void searchServed(String gateway, Path photo) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/search?mode=whole&k=5"))
                .header("Content-Type", "application/octet-stream").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofFile(photo)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || JSON.readTree(response.body()).path("results").path(0).path("hits").isEmpty()) {
            throw new IllegalStateException("search after the faults answered " + response.statusCode() + ": "
                    + response.body());
        }
        say("search after the faults: 200 with hits");
    }

    /** Until every stage's lag has been zero for 10 s in a row. */
    private static void awaitSettled(Admin admin, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        int zeros = 0;
        while (zeros < 5) {
            if (System.nanoTime() > deadline) {
                say("  not settled in time, lag " + lagOrEmpty(admin));
                return;
            }
            Thread.sleep(2_000);
            Map<String, Long> lag = lagOrEmpty(admin);
            zeros = !lag.isEmpty() && lag.values().stream().allMatch(l -> l == 0) ? zeros + 1 : 0;
        }
    }

    /** The lag, or nothing while the broker is down. */
    private static Map<String, Long> lagOrEmpty(Admin admin) throws InterruptedException {
        try {
            return lag(admin);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static Map<String, Long> lag(Admin admin) throws Exception {
        Map<String, Long> lag = new LinkedHashMap<>();
        for (Map.Entry<String, String> stage : STAGES.entrySet()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(stage.getKey())
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(stage.getValue())).allTopicNames()
                    .get().get(stage.getValue()).partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(stage.getValue(), p.partition()),
                            p -> OffsetSpec.latest()));
            long total = 0;
            for (var end : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                total += end.getValue().offset() - (at == null ? 0 : at.offset());
            }
            lag.put(stage.getKey(), total);
        }
        return lag;
    }

    private static Outcome verify(LocalSystem system, String prefix, Map<String, Set<String>> newest,
            Map<String, Path> pictures, List<String> faults) throws Exception {
        List<String> cropIds = new ArrayList<>();
        // Rows per (product, image id).
        Map<String, Integer> rowsPerImage = new HashMap<>();
        String lastKey = "";
        MilvusClientV2 client = system.milvus().client();
        try {
            // Paged by primary key: Milvus caps one query's limit at 16,384 rows.
            while (true) {
                QueryResp response = client.query(QueryReq.builder().collectionName(ALIAS)
                        .filter("productId like \"" + prefix + "-%\" and cropId > \"" + lastKey + "\"")
                        .outputFields(List.of("cropId", "productId", "imageId")).limit(10_000L)
                        .consistencyLevel(ConsistencyLevel.STRONG).build());
                List<QueryResp.QueryResult> rows = response.getQueryResults();
                for (QueryResp.QueryResult row : rows) {
                    String cropId = (String) row.getEntity().get("cropId");
                    cropIds.add(cropId);
                    rowsPerImage.merge(row.getEntity().get("productId") + "/" + row.getEntity().get("imageId"), 1,
                            Integer::sum);
                    if (cropId.compareTo(lastKey) > 0) {
                        lastKey = cropId;
                    }
                }
                if (rows.size() < 10_000) {
                    break;
                }
            }
        } finally {
            client.close();
        }
        long duplicateKeys = cropIds.size() - new HashSet<>(cropIds).size();
        int live = 0, deleted = 0, lostImages = 0, staleImages = 0, deletedWithRows = 0;
        // Expected rows per picture: the most common count over its live occurrences.
        Map<Path, Map<Integer, Integer>> countsPerPicture = new HashMap<>();
        for (Map.Entry<String, Set<String>> product : newest.entrySet()) {
            for (String imageId : product.getValue()) {
                String key = product.getKey() + "/" + imageId;
                countsPerPicture.computeIfAbsent(pictures.get(key), p -> new HashMap<>())
                        .merge(rowsPerImage.getOrDefault(key, 0), 1, Integer::sum);
            }
        }
        long lostCrops = 0, extraCrops = 0;
        for (Map.Entry<String, Set<String>> product : newest.entrySet()) {
            Set<String> found = new TreeSet<>();
            rowsPerImage.keySet().stream().filter(k -> k.startsWith(product.getKey() + "/"))
                    .forEach(k -> found.add(k.substring(product.getKey().length() + 1)));
            if (product.getValue().isEmpty()) {
                deleted++;
                if (!found.isEmpty()) {
                    deletedWithRows++;
                    say("  deleted " + product.getKey() + " still has rows of " + found);
                }
                continue;
            }
            live++;
            Set<String> missing = new TreeSet<>(product.getValue());
            missing.removeAll(found);
            Set<String> stale = new TreeSet<>(found);
            stale.removeAll(product.getValue());
            lostImages += missing.size();
            staleImages += stale.size();
            if (!missing.isEmpty() || !stale.isEmpty()) {
                say("  " + product.getKey() + ": expected images " + product.getValue() + ", found " + found);
            }
            for (String imageId : product.getValue()) {
                String key = product.getKey() + "/" + imageId;
                int rows = rowsPerImage.getOrDefault(key, 0);
                int expected = countsPerPicture.get(pictures.get(key)).entrySet().stream()
                        .max(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                        .orElseThrow().getKey();
                if (rows > 0 && rows != expected) {
                    say("  " + key + ": " + rows + " rows, other occurrences of " + pictures.get(key).getFileName()
                            + " have " + expected);
                    lostCrops += Math.max(0, expected - rows);
                    extraCrops += Math.max(0, rows - expected);
                }
            }
        }
        say(String.format("index: %d rows; %d live products (%d images), %d deleted; images without rows %d, crops "
                + "missing from an indexed image %d; rows of images a product no longer has: %d images; extra crops of "
                + "an image %d; deleted products with rows %d; duplicate primary keys %d", cropIds.size(), live,
                newest.values().stream().mapToInt(Set::size).sum(), deleted, lostImages, lostCrops, staleImages,
                extraCrops, deletedWithRows, duplicateKeys));
        return new Outcome(lostImages + lostCrops, duplicateKeys + staleImages + extraCrops + deletedWithRows, live,
                deleted, faults);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
