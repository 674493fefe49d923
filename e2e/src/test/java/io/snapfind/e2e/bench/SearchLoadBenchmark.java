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
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.snapfind.deploy.LocalSystem;
import io.snapfind.detector.CropCutter;
import io.snapfind.detector.CropSettings;
import io.snapfind.detector.Detection;
import io.snapfind.detector.model.DetectorSpec;
import io.snapfind.detector.model.OnnxDetector;
import io.snapfind.detector.model.OnnxModel;
import io.snapfind.detector.model.YoloDecoding;
import io.snapfind.embedder.BatchingQueue;
import io.snapfind.embedder.Embedder;
import io.snapfind.embedder.FusedEmbedder;
import io.snapfind.embedder.ImageEmbedder;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.embedder.model.OnnxImageModel;
import io.snapfind.evaluation.LabelledImage;
import io.snapfind.evaluation.LabelledSets;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;

/**
 * P4: latency and throughput of {@code POST /v1/search?mode=objects} on the real stack at 1, 4 and 16 concurrent
 * clients, against the in-process floor measured in the same run: the same detect → crop → embed → search work
 * called directly in one JVM, one query at a time, on the same photos and the same Milvus.
 */
public final class SearchLoadBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The detector's crop rules at their defaults, as the deployed detector cuts the query's crops. */
    private static final CropCutter CROPS = new CropCutter(new CropSettings(5, 0.01, 0.05, 640, 0.9f));
    private static final String QUERY = "mode=objects&k=10";

    public static void main(String[] args) throws Exception {
        int productsPerCategory = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int requestsPerClient = args.length > 1 ? Integer.parseInt(args[1]) : 24;
        String model = args.length > 2 ? args[2] : EmbedderCatalogue.defaultModelId();
        Path assets = ProjectPaths.requireAssets();
        Path runDir = Files.createTempDirectory("snapfind-bench-");
        try (LocalSystem system = LocalSystem.start(ProjectPaths.root(), assets.resolve("models"), runDir, LocalSystem.Ports.free(),
                "bench-key", List.of("snapfind.embedder.model=" + model, "snapfind.indexer.model-id=" + model,
                        "snapfind.indexer.dimension=" + EmbedderCatalogue.vectorDimension(assets.resolve("models"), model)),
                Duration.ofMinutes(3), line -> { })) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            List<LabelledImage> products = LabelledSets.folderPerClass(assets.resolve("datasets/ikea-interior/images"),
                    Set.of("room_scenes"));
            LabelledSets.Split split = LabelledSets.holdOut(products, 0.1, 5, 42);
            List<LabelledImage> catalog = perCategory(split.gallery(), productsPerCategory);
            ingest(http, system.gatewayUrl(), catalog);
            List<byte[]> queries = new ArrayList<>();
            try (var scenes = Files.list(assets.resolve("datasets/ikea-interior/images/room_scenes"))) {
                for (Path scene : scenes.sorted().toList()) {
                    queries.add(Files.readAllBytes(scene));
                }
            }
            for (LabelledImage query : perCategory(split.queries(), 2)) {
                queries.add(Files.readAllBytes(query.path()));
            }
            System.out.printf("indexed %d products; %d query photos (11 room scenes, %d product photos); CPUs %d%n",
                    catalog.size(), queries.size(), queries.size() - 11, Runtime.getRuntime().availableProcessors());

            List<long[]> floorPhases = new java.util.concurrent.CopyOnWriteArrayList<>();
            long[] floor = floor(assets, system.milvus().client(), queries, 3, model, floorPhases);
            System.out.printf("%-28s %8s %8s %8s %10s%n", "path", "p50 ms", "p95 ms", "p99 ms", "queries/s");
            print("in-process floor, 1 client", floor, -1);
            load(http, system.gatewayUrl(), queries, 1, 2 * queries.size(), null); // warm-up, as the floor had
            List<long[]> gatewayPhases = new java.util.concurrent.CopyOnWriteArrayList<>();
            double p50Ratio = 0;
            long p99At16 = 0;
            for (int clients : new int[] { 1, 4, 16 }) {
                long started = System.nanoTime();
                long[] latencies = load(http, system.gatewayUrl(), queries, clients, requestsPerClient,
                        clients == 1 ? gatewayPhases : null);
                double seconds = (System.nanoTime() - started) / 1e9;
                print("gateway, " + clients + " client" + (clients > 1 ? "s" : ""), latencies, latencies.length / seconds);
                if (clients == 1) {
                    p50Ratio = (double) percentile(latencies, 50) / percentile(floor, 50);
                }
                if (clients == 16) {
                    p99At16 = percentile(latencies, 99);
                }
            }
            // Where the difference goes: the floor's phases against the gateway's own timings of the same phases
            // (its detect phase holds the detector hop, its embed phase the embedder hop).
            System.out.printf("medians, 1 client (ms): floor decode+detect+cut %d, embed %d, search %d | gateway "
                    + "detect %d, embed %d, search %d, total in the gateway %d%n", median(floorPhases, 0),
                    median(floorPhases, 1), median(floorPhases, 2), median(gatewayPhases, 0),
                    median(gatewayPhases, 1), median(gatewayPhases, 2), median(gatewayPhases, 3));
            System.out.printf("P4-p50-ratio: %.2f%n", p50Ratio);
            System.out.printf("P4-p99-ms-16: %d%n", p99At16);
        }
    }

    /** The same work as the gateway, in this JVM, one query at a time. */
    private static long[] floor(Path assets, MilvusClientV2 milvus, List<byte[]> queries, int passes, String modelId,
            List<long[]> phases) throws Exception {
        Path models = assets.resolve("models");
        ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
        List<OnnxImageModel> loaded = new ArrayList<>();
        List<Embedder> pipelines = new ArrayList<>();
        // One pipeline per member of a fusion, as the embedder service runs it.
        for (String member : EmbedderCatalogue.members(modelId)) {
            ModelSpec spec = EmbedderCatalogue.load(models).spec(member);
            OnnxImageModel model = OnnxImageModel.load(spec, new OnnxImageModel.Options(1, "cpu"));
            loaded.add(model);
            pipelines.add(new Embedder(spec, decoder, List.of(model.newSession(), model.newSession()),
                    new Embedder.Settings(4, Duration.ZERO, Runtime.getRuntime().availableProcessors(), 512),
                    BatchingQueue.Listener.NONE, Embedder.Listener.NONE));
        }
        ImageEmbedder embedder = pipelines.size() == 1 ? pipelines.get(0) : new FusedEmbedder(modelId, pipelines);
        try (OnnxDetector detector = OnnxDetector.load(DetectorSpec.named("yolov8n"), models,
                models.resolve("coco80.names"), new YoloDecoding.Thresholds(0.25f, 0.45f, 100), OnnxModel.RuntimeSettings.DEFAULT)) {
            try {
                for (byte[] query : queries) {
                    searchInProcess(query, decoder, detector, embedder, milvus, new ArrayList<>()); // warm-up
                }
                long[] latencies = new long[queries.size() * passes];
                int i = 0;
                for (int pass = 0; pass < passes; pass++) {
                    for (byte[] query : queries) {
                        long start = System.nanoTime();
                        searchInProcess(query, decoder, detector, embedder, milvus, phases);
                        latencies[i++] = (System.nanoTime() - start) / 1_000_000;
                    }
                }
                return latencies;
            } finally {
                pipelines.forEach(Embedder::close);
                loaded.forEach(OnnxImageModel::close);
            }
        }
    }

    private static void searchInProcess(byte[] query, ImageDecoder decoder, OnnxDetector detector, ImageEmbedder embedder,
            MilvusClientV2 milvus, List<long[]> phases) throws Exception {
        long start = System.nanoTime();
        DecodedImage photo = decoder.decode(query);
        List<Detection> objects = detector.detect(photo.image()).detections().stream()
                .sorted(Comparator.comparingDouble(Detection::score).reversed()).limit(8).toList();
        List<byte[]> crops = new ArrayList<>();
        for (Detection object : objects) {
            CROPS.paddedBox(object, photo.width(), photo.height())
                    .ifPresent(box -> crops.add(CROPS.encode(photo.image(), box)));
        }
        if (crops.isEmpty()) {
            crops.add(query);
        }
        long cut = System.nanoTime();
        List<BaseVector> vectors = new ArrayList<>();
        for (ImageEmbedder.Attempt attempt : embedder.embedEach(crops).get()) {
            vectors.add(new FloatVec(attempt.vector()));
        }
        long embedded = System.nanoTime();
        milvus.search(SearchReq.builder().collectionName("products").annsField("vector").data(vectors).topK(50)
                .outputFields(List.of("productId", "category", "title", "metadata", "imageId", "label", "box"))
                .consistencyLevel(ConsistencyLevel.BOUNDED).build());
        long searched = System.nanoTime();
        phases.add(new long[] { (cut - start) / 1_000_000, (embedded - cut) / 1_000_000, (searched - embedded) / 1_000_000 });
    }

    /** The median of column {@code column} of {@code rows}; -1 when there are none. */
    private static long median(List<long[]> rows, int column) {
        return rows.isEmpty() ? -1 : percentile(rows.stream().mapToLong(row -> row[column]).toArray(), 50);
    }

    /** Closed-loop clients; {@code phases} (or null) collects the gateway's own timings of each answer. */
    private static long[] load(HttpClient http, String gateway, List<byte[]> queries, int clients, int requestsPerClient,
            List<long[]> phases) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int offset = c;
                results.add(pool.submit(() -> {
                    long[] latencies = new long[requestsPerClient];
                    for (int r = 0; r < requestsPerClient; r++) {
                        byte[] photo = queries.get((offset + r) % queries.size());
                        long start = System.nanoTime();
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/search?" + QUERY))
                                .header("Content-Type", "application/octet-stream").timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(photo)).build(), HttpResponse.BodyHandlers.ofString());
                        latencies[r] = (System.nanoTime() - start) / 1_000_000;
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("search answered " + response.statusCode() + ": " + response.body());
                        }
                        com.fasterxml.jackson.databind.JsonNode answer = JSON.readTree(response.body());
                        if (answer.hasNonNull("degraded")) {
                            throw new IllegalStateException("search degraded: " + response.body());
                        }
                        if (phases != null) {
                            com.fasterxml.jackson.databind.JsonNode t = answer.path("timings");
                            phases.add(new long[] { t.path("detectMs").asLong(), t.path("embedMs").asLong(),
                                    t.path("searchMs").asLong(), t.path("totalMs").asLong() });
                        }
                    }
                    return latencies;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<long[]> result : results) {
                Arrays.stream(result.get()).forEach(all::add);
            }
            return all.stream().mapToLong(Long::longValue).toArray();
        } finally {
            pool.shutdownNow();
        }
    }

    private static void ingest(HttpClient http, String gateway, List<LabelledImage> catalog) throws Exception {
        for (LabelledImage product : catalog) {
            String body = JSON.writeValueAsString(Map.of("productId", id(product), "category", product.label(),
                    "title", product.path().getFileName().toString(), "images", List.of(Map.of("imageId", "main",
                            "bytes", Base64.getEncoder().encodeToString(Files.readAllBytes(product.path()))))));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/products"))
                    .header("X-API-Key", "bench-key").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("ingest answered " + response.statusCode() + ": " + response.body());
            }
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        for (LabelledImage product : catalog) {
            while (!JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/products/" + id(product)))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body()).path("indexed").asBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not indexed within 10 minutes: " + id(product));
                }
                Thread.sleep(200);
            }
        }
    }

    private static List<LabelledImage> perCategory(List<LabelledImage> images, int perCategory) {
        Map<String, List<LabelledImage>> byCategory = new java.util.TreeMap<>();
        images.forEach(image -> byCategory.computeIfAbsent(image.label(), c -> new ArrayList<>()).add(image));
        return byCategory.values().stream().flatMap(list -> list.stream().limit(perCategory)).toList();
    }

    private static String id(LabelledImage product) {
        return product.label().replace(' ', '-') + "-" + product.path().getFileName().toString().replaceAll("\\.[^.]+$", "");
    }

    private static void print(String path, long[] latencies, double throughput) {
        System.out.printf("%-28s %8d %8d %8d %10s%n", path, percentile(latencies, 50), percentile(latencies, 95),
                percentile(latencies, 99), throughput < 0 ? "-" : String.format("%.1f", throughput));
    }

    static long percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
