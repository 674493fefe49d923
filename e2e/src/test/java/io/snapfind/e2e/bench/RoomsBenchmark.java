package io.snapfind.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.snapfind.deploy.LocalSystem;
import io.snapfind.e2e.Gateway;
import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.quality.RoomScoring.ProductHit;
import io.snapfind.quality.RoomScoring;
import io.snapfind.quality.ShopTheLook;

/**
 * Shop the look on the real stack (issue 13, the {@code Q-rooms-*} figures): the whole IKEA catalog goes in through
 * the gateway's ingest API, Kafka, the detector, the embedder and the indexer into Milvus Lite; then every room photo
 * is searched with {@code POST /v1/search?mode=objects&k=20}, exactly as a shopper's photo is. The figures are
 * computed from the gateway's answers with the offline tool's own {@link RoomScoring} (a product's room score is its
 * best score over the answer's regions), so the two agree whenever the index and the services do.
 *
 * <p>Usage: {@code e2e/bench.sh rooms [--model ID [--dimension D]] [--part all|tune|report] [--rooms N] [--catalog-size N]}. The model is any embedder
 * catalogue id or fusion (default: the embedder's own default; the indexer's dimension follows from the catalogue unless
 * {@code --dimension} says otherwise). Prints progress, then lines {@code rooms-hit10: …}.
 */
public final class RoomsBenchmark {

    static final String QUERY = "mode=objects&k=20";
    private static final String API_KEY = "rooms-benchmark";

    private RoomsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        ShopTheLook data = ShopTheLook.load(ProjectPaths.asset("datasets/ikea-shop-the-look"));
        List<ShopTheLook.Room> rooms = data.part(ShopTheLook.Part.valueOf(options.getOrDefault("part", "all")
                .toUpperCase(Locale.ROOT)), ShopTheLook.SPLIT_SEED, ShopTheLook.TUNE_FRACTION);
        if (options.containsKey("rooms")) {
            rooms = rooms.subList(0, Math.min(rooms.size(), Integer.parseInt(options.get("rooms"))));
        }
        if (options.containsKey("catalog-size")) {
            // A quick run: the rooms' products plus seeded others; its figures are not comparable with the whole catalog's.
            data = data.subset(rooms, Integer.parseInt(options.get("catalog-size")), ShopTheLook.SPLIT_SEED);
        }
        List<String> settings = new ArrayList<>();
        if (options.containsKey("model")) {
            // The indexer aliases the configured model's collection; the gateway refuses queries of any other model.
            settings.add("snapfind.embedder.model=" + options.get("model"));
            settings.add("snapfind.indexer.model-id=" + options.get("model"));
            settings.add("snapfind.indexer.dimension=" + options.getOrDefault("dimension", String.valueOf(
                    EmbedderCatalogue.vectorDimension(ProjectPaths.requireAssets().resolve("models"), options.get("model")))));
        }
        Path runDir = Files.createTempDirectory(Files.createDirectories(ProjectPaths.root().resolve("e2e/target")),
                "rooms-");
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < data.products().size(); i++) {
            index.put(data.products().get(i).id(), i);
        }
        try (LocalSystem system = LocalSystem.start(ProjectPaths.root(), ProjectPaths.requireAssets().resolve("models"), runDir,
                LocalSystem.Ports.free(), API_KEY, settings, Duration.ofMinutes(5), System.out::println)) {
            Gateway gateway = new Gateway(system.gatewayUrl(), API_KEY);
            long ingestStart = System.nanoTime();
            ingest(gateway, data.products());
            awaitIndexed(gateway, data.products(), Duration.ofMinutes(60));
            double ingestSeconds = (System.nanoTime() - ingestStart) / 1e9;

            List<RoomScoring.RoomFigures> figures = new ArrayList<>();
            List<List<RoomScoring.RankedProduct>> ranked = new ArrayList<>();
            double[] millis = new double[rooms.size()];
            String modelId = null;
            for (int r = 0; r < rooms.size(); r++) {
                ShopTheLook.Room room = rooms.get(r);
                long start = System.nanoTime();
                JsonNode answer = gateway.search(room.image(), QUERY);
                millis[r] = (System.nanoTime() - start) / 1e6;
                modelId = answer.path("modelId").asText();
                List<List<ProductHit>> regions = new ArrayList<>();
                for (JsonNode result : answer.path("results")) {
                    List<ProductHit> hits = new ArrayList<>();
                    for (JsonNode hit : result.path("hits")) {
                        Integer product = index.get(hit.path("productId").asText());
                        if (product == null) {
                            throw new IllegalStateException("the gateway answered product "
                                    + hit.path("productId").asText() + ", which the catalog lacks");
                        }
                        hits.add(new ProductHit(product, (float) hit.path("score").asDouble(), -1));
                    }
                    regions.add(hits);
                }
                List<ProductHit> merged = RoomScoring.merge(regions);
                Set<Integer> products = new HashSet<>();
                room.products().forEach(id -> products.add(index.get(id)));
                figures.add(RoomScoring.figures(regions, merged, products));
                List<RoomScoring.RankedProduct> roomRanks = new ArrayList<>();
                for (int product : products) {
                    roomRanks.add(new RoomScoring.RankedProduct(data.products().get(product).category(),
                            RoomScoring.rank(merged, product)));
                }
                ranked.add(roomRanks);
                if ((r + 1) % 10 == 0 || r + 1 == rooms.size()) {
                    System.out.printf("searched %d/%d rooms%n", r + 1, rooms.size());
                }
            }
            print(RoomScoring.Summary.of(figures), RoomScoring.perCategory(ranked, 5), millis, modelId,
                    data.products().size(), rooms.size(), ingestSeconds, options);
        }
    }

    /** Publishes every product with its one photo, inline, through the gateway's ingest API. */
    private static void ingest(Gateway gateway, List<ShopTheLook.Product> products)
            throws IOException, InterruptedException {
        int done = 0;
        for (ShopTheLook.Product product : products) {
            gateway.upsert(product.id(), product.category(), product.name(), product.image());
            if (++done % 250 == 0 || done == products.size()) {
                System.out.printf("published %d/%d products%n", done, products.size());
            }
        }
    }

    /** Waits until the gateway reports every product searchable, in catalog order. */
    private static void awaitIndexed(Gateway gateway, List<ShopTheLook.Product> products, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int done = 0;
        for (ShopTheLook.Product product : products) {
            while (!gateway.isIndexed(product.id())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(done + " of " + products.size() + " products indexed after "
                            + timeout + "; " + product.id() + " is not (see the services' logs)");
                }
                Thread.sleep(500);
            }
            if (++done % 250 == 0 || done == products.size()) {
                System.out.printf("indexed %d/%d products%n", done, products.size());
            }
        }
    }

    private static void print(RoomScoring.Summary summary, List<RoomScoring.CategoryFigures> categories,
            double[] millis, String modelId, int products, int rooms, double ingestSeconds,
            Map<String, String> options) {
        System.out.printf("%nShop the look on the real stack, %s: %d products indexed through the pipeline in %.0f s, "
                + "%d rooms searched with POST /v1/search?%s (%s)%n", Instant.now(), products, ingestSeconds, rooms,
                QUERY, options);
        System.out.printf("model %s, %.2f regions per room%n%n", modelId, summary.regionsPerRoom());
        System.out.println("| category | rooms | pairs | hit@10 | recall@10 | recall@50 |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (RoomScoring.CategoryFigures c : categories.subList(0, Math.min(12, categories.size()))) {
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %.3f | %.3f | %.3f |%n", c.category(), c.rooms(),
                    c.pairs(), c.hitAt10(), c.recallAt10(), c.recallAt50());
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "rooms-hit10: %.3f%n", summary.hitAt10());
        System.out.printf(Locale.ROOT, "rooms-recall10: %.3f%n", summary.recallAt10());
        System.out.printf(Locale.ROOT, "rooms-recall50: %.3f%n", summary.recallAt50());
        System.out.printf(Locale.ROOT, "rooms-object-p1: %.3f%n", summary.objectTop1());
        System.out.printf(Locale.ROOT, "rooms-p50-ms: %.0f%n", RoomScoring.percentile(millis, 50));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("usage: e2e/bench.sh rooms [--model ID [--dimension D]] [--part all|tune|report] "
                        + "[--rooms N] [--catalog-size N]; got " + String.join(" ", args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
