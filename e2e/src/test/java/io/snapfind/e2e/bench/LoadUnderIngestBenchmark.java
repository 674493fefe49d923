package io.snapfind.e2e.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;

import io.snapfind.deploy.LocalSystem;
import io.snapfind.e2e.Gateway;
import io.snapfind.harness.ProjectPaths;

/**
 * Search while the catalog loads: 16 clients search room photos ({@code mode=objects}) for 60 s, first on a quiet
 * stack (the baseline of the same run), then while {@code products} shop-the-look products are ingested through the
 * gateway as fast as it accepts them. Reports search errors and latency percentiles of both windows, and each
 * ingested product's freshness as P3 measured it until now: from the gateway's 202 until the index holds it (what the
 * gateway's status API reports).
 */
public final class LoadUnderIngestBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 16;
    private static final Duration WINDOW = Duration.ofSeconds(60);
    /** Products indexed before either window, so that search has something to find. */
    private static final int BASE = 100;

    record Window(long[] latencies, Map<String, Integer> errors, double seconds) {
        long errorCount() {
            return errors.values().stream().mapToLong(Integer::longValue).sum();
        }
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path assets = ProjectPaths.requireAssets();
        Path dataset = assets.resolve("datasets/ikea-shop-the-look");
        List<ScaleOutBenchmark.Product> catalog = ScaleOutBenchmark.catalog(dataset, BASE + count);
        List<byte[]> rooms = new ArrayList<>();
        try (var files = Files.list(dataset.resolve("rooms"))) {
            for (Path room : files.sorted().toList()) {
                rooms.add(Files.readAllBytes(room));
            }
        }
        try (LocalSystem system = LocalSystem.start(ProjectPaths.root(), assets.resolve("models"),
                Files.createTempDirectory("snapfind-load-"), LocalSystem.Ports.free(), "bench-key", List.of(),
                Duration.ofMinutes(3), line -> { })) {
            Gateway gateway = new Gateway(system.gatewayUrl(), "bench-key");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            MilvusClientV2 milvus = system.milvus().client();
            for (int i = 0; i < BASE; i++) {
                publish(gateway, "base-" + i, catalog.get(i));
            }
            for (int i = 0; i < BASE; i++) {
                while (!gateway.isIndexed("base-" + i)) {
                    Thread.sleep(100);
                }
            }
            say(String.format("%d products indexed; %d room photos as queries; %d clients, %d s windows; CPUs %d", BASE,
                    rooms.size(), CLIENTS, WINDOW.toSeconds(), Runtime.getRuntime().availableProcessors()));
            search(http, system.gatewayUrl(), rooms, Duration.ofSeconds(10)); // warm-up
            say("searching for " + WINDOW.toSeconds() + " s on the quiet stack ...");
            Window quiet = search(http, system.gatewayUrl(), rooms, WINDOW);
            say("searching for " + WINDOW.toSeconds() + " s while " + count + " products are ingested ...");

            Map<String, Long> publishedAt = new ConcurrentHashMap<>();
            List<String> order = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                order.add("load-" + i);
            }
            AtomicBoolean publishing = new AtomicBoolean(true);
            ExecutorService background = Executors.newFixedThreadPool(2);
            long ingestStart = System.nanoTime();
            Future<?> publisher = background.submit(() -> {
                try {
                    for (int i = 0; i < count; i++) {
                        publish(gateway, order.get(i), catalog.get(BASE + i));
                        publishedAt.put(order.get(i), System.nanoTime());
                    }
                } finally {
                    publishing.set(false);
                }
                return null;
            });
            Future<long[]> freshness = background.submit(() -> freshness(milvus, order, publishedAt));
            Window loaded = search(http, system.gatewayUrl(), rooms, WINDOW);
            int publishedInWindow = publishedAt.size();
            publisher.get();
            double publishSeconds = (System.nanoTime() - ingestStart) / 1e9;
            long[] fresh = freshness.get(30, TimeUnit.MINUTES);
            double indexSeconds = (System.nanoTime() - ingestStart) / 1e9;
            background.shutdownNow();
            milvus.close();

            say(String.format("%-34s %7s %7s %7s %9s %7s", "search, " + CLIENTS + " clients", "p50 ms", "p95 ms",
                    "p99 ms", "queries/s", "errors"));
            print("quiet", quiet);
            print("while ingesting", loaded);
            say(String.format("ingest: %d products published in %.0f s (%d during the search window), all indexed "
                    + "after %.0f s (%.2f products/s)", count, publishSeconds, publishedInWindow, indexSeconds,
                    count / indexSeconds));
            say(String.format("freshness (202 -> indexed): p50 %d ms, p95 %d ms, p99 %d ms, max %d ms",
                    percentile(fresh, 50), percentile(fresh, 95), percentile(fresh, 99), percentile(fresh, 100)));
            say("errors: quiet " + quiet.errors() + ", while ingesting " + loaded.errors());
            say("R-load-search-errors: " + loaded.errorCount() + "/" + (loaded.latencies().length + loaded.errorCount()));
            say("R-load-search-p99-ms: " + percentile(loaded.latencies(), 99));
            say("R-load-freshness-p99-ms: " + percentile(fresh, 99));
        }
    }

    private static void publish(Gateway gateway, String id, ScaleOutBenchmark.Product product) throws Exception {
        gateway.upsert(id, product.category(), product.id(), product.image());
    }

    /** {@link #CLIENTS} clients, each searching the next room photo as soon as the last answer came. */
    private static Window search(HttpClient http, String gateway, List<byte[]> rooms, Duration window) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        Map<String, Integer> errors = new TreeMap<>();
        long start = System.nanoTime();
        long end = start + window.toNanos();
        try {
            List<Future<List<Long>>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int offset = c * 7;
                clients.add(pool.submit(() -> {
                    List<Long> latencies = new ArrayList<>();
                    for (int r = 0; System.nanoTime() < end; r++) {
                        long sent = System.nanoTime();
                        String outcome;
                        try {
                            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway
                                    + "/v1/search?mode=objects&k=10")).header("Content-Type", "application/octet-stream")
                                    .timeout(Duration.ofSeconds(60))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(rooms.get((offset + r) % rooms.size())))
                                    .build(), HttpResponse.BodyHandlers.ofString());
                            outcome = response.statusCode() != 200 ? "HTTP " + response.statusCode()
                                    : JSON.readTree(response.body()).hasNonNull("degraded") ? "degraded" : null;
                        } catch (Exception e) {
                            outcome = e.getClass().getSimpleName();
                        }
                        if (outcome == null) {
                            latencies.add((System.nanoTime() - sent) / 1_000_000);
                        } else {
                            synchronized (errors) {
                                errors.merge(outcome, 1, Integer::sum);
                            }
                        }
                    }
                    return latencies;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> client : clients) {
                all.addAll(client.get());
            }
            return new Window(all.stream().mapToLong(Long::longValue).toArray(), errors,
                    (System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Until every product is indexed: per product, the time from its 202 until Milvus holds its rows, read every
     * 250 ms with Strong consistency as the indexer's status API reads it (one query for all products: the stages
     * do not work in publish order, so polling a few at a time would wait on the slowest partition).
     */
    private static long[] freshness(MilvusClientV2 milvus, List<String> order, Map<String, Long> publishedAt)
            throws Exception {
        Map<String, Long> latency = new HashMap<>();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MINUTES.toNanos(30);
        long lastReport = start;
        while (latency.size() < order.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException((order.size() - latency.size()) + " products not indexed within 30 minutes");
            }
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(20)) {
                lastReport = System.nanoTime();
                say(String.format("  t=%4.0f s %d published, %d indexed", (lastReport - start) / 1e9,
                        publishedAt.size(), latency.size()));
            }
            QueryResp rows = milvus.query(QueryReq.builder().collectionName("products")
                    .filter("productId like \"load-%\"").outputFields(List.of("productId")).limit(16_384L)
                    .consistencyLevel(ConsistencyLevel.STRONG).build());
            long now = System.nanoTime();
            for (QueryResp.QueryResult row : rows.getQueryResults()) {
                String id = (String) row.getEntity().get("productId");
                Long published = publishedAt.get(id);
                if (published != null && !latency.containsKey(id)) {
                    latency.put(id, (now - published) / 1_000_000);
                }
            }
            Thread.sleep(250);
        }
        return latency.values().stream().mapToLong(Long::longValue).toArray();
    }

    private static void print(String label, Window window) {
        long[] l = window.latencies();
        say(String.format("%-34s %7d %7d %7d %9.1f %7d", label, percentile(l, 50), percentile(l, 95), percentile(l, 99),
                l.length / window.seconds(), window.errorCount()));
    }

    static long percentile(long[] values, double p) {
        if (values.length == 0) {
            return -1;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
