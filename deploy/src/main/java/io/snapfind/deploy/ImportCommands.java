package io.snapfind.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.snapfind.deploy.catalog.CatalogFile;
import io.snapfind.deploy.catalog.CatalogImport;
import io.snapfind.deploy.catalog.DeadLetterReplay;
import io.snapfind.deploy.catalog.HttpGateway;
import io.snapfind.deploy.catalog.KafkaDeadLetters;
import io.snapfind.deploy.catalog.ProgressLine;
import io.snapfind.harness.ProjectPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./snapfind import} and {@code ./snapfind demo}: a catalog into the running system, through the gateway. */
final class ImportCommands {

    static final String DEMO_CATALOG = "datasets/ikea-shop-the-look/products.csv";
    static final String DEMO_ROOMS = "datasets/ikea-shop-the-look/room-products.csv";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImportCommands() {
    }

    /** Where the running system is and how fast to feed it; by default read from the launcher's run directory. */
    abstract static class Target extends Launcher.RunDirOption {
        @Option(names = "--gateway", description = "The gateway's URL (default: the running ./snapfind up's)")
        String gateway;

        @Option(names = "--kafka", description = "Kafka bootstrap servers, to read the dead letters (default: the "
                + "running ./snapfind up's)")
        String kafka;

        @Option(names = "--api-key-file", description = "File holding the gateway's ingest key (default: "
                + "$SNAPFIND_GATEWAY_API_KEY, else <run-dir>/api-key)")
        Path apiKeyFile;

        @Option(names = "--rate", defaultValue = "20", description = "Products published per second at most "
                + "(default: ${DEFAULT-VALUE})")
        double rate;

        @Option(names = "--idle-timeout", defaultValue = "PT2M", description = "Stop waiting for the products in "
                + "flight when none has finished for this long (default: ${DEFAULT-VALUE})")
        Duration idleTimeout;

        /** Imports the entries and prints the summary; 0 when every row was indexed or skipped. */
        int importEntries(List<CatalogFile.Entry> entries) throws IOException, InterruptedException {
            Map<String, String> addresses = addresses();
            String gatewayUrl = gateway != null ? gateway : addresses.get("query-gateway");
            String bootstrap = kafka != null ? kafka : addresses.get("kafka");
            if (gatewayUrl == null) {
                Launcher.say("snapfind is not up (no " + runDir().resolve(Launcher.STATUS_FILE) + "): start it with "
                        + "./snapfind up, or name the gateway with --gateway");
                return 2;
            }
            if (!(rate > 0)) {
                Launcher.say("--rate must be positive, got " + rate);
                return 2;
            }
            Launcher.say("importing " + entries.size() + " rows into " + gatewayUrl + " at up to " + rate
                    + " products/s");
            CatalogImport.Summary summary;
            try (CatalogImport.DeadLetters letters = bootstrap == null ? null
                    : new KafkaDeadLetters(bootstrap, Instant.now().minusSeconds(5),
                            warning -> Launcher.say("warning: " + warning))) {
                summary = new CatalogImport(new HttpGateway(gatewayUrl, apiKey()), letters,
                        new CatalogImport.Settings(rate, idleTimeout, Duration.ofMillis(250)),
                        new ProgressLine(System.out, System.console() != null)).run(entries);
            }
            for (CatalogImport.Failure failure : summary.failures()) {
                Launcher.say("  " + failure.where() + (failure.productId() == null ? "" : " (" + failure.productId()
                        + ")") + ": " + failure.reason());
            }
            Launcher.say(String.format("%d rows: %d published, %d indexed, %d already indexed with the same content "
                    + "(skipped), %d still in flight, %d failures listed above", summary.rows(), summary.published(),
                    summary.indexed(), summary.skipped(), summary.waiting(), summary.failures().size()));
            return summary.ok() ? 0 : 1;
        }

        /** The gateway's and Kafka's addresses from the running launcher's status file. */
        Map<String, String> addresses() throws IOException {
            Map<String, String> addresses = new HashMap<>();
            Path status = runDir().resolve(Launcher.STATUS_FILE);
            if (Files.exists(status)) {
                for (String line : Files.readAllLines(status)) {
                    String[] fields = line.split("\t");
                    if (fields.length > 2) {
                        addresses.put(fields[0], fields[2]);
                    }
                }
            }
            return addresses;
        }

        private String apiKey() throws IOException {
            if (apiKeyFile == null) {
                Optional<String> configured = Optional.ofNullable(System.getenv("SNAPFIND_GATEWAY_API_KEY"))
                        .filter(key -> !key.isBlank());
                if (configured.isPresent()) {
                    return configured.get();
                }
            }
            Path file = apiKeyFile != null ? apiKeyFile : runDir().resolve("api-key");
            if (!Files.exists(file)) {
                throw new IOException("no ingest API key: " + file + " does not exist (give --api-key-file)");
            }
            return Files.readString(file).trim();
        }

        String gatewayUrl() throws IOException {
            return gateway != null ? gateway : addresses().getOrDefault("query-gateway", "http://127.0.0.1:8080");
        }
    }

    @Command(name = "import", description = "Import a catalog through the gateway: a folder per category, a CSV or "
            + "a JSON Lines file (see the README). Shows published and indexed, lists every failure with its reason, "
            + "skips what is already indexed with the same content; exit code 1 when anything failed.")
    static final class Import extends Target implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CATALOG", description = "Folder, .csv or .jsonl")
        Path source;

        @Override
        public Integer call() throws Exception {
            List<CatalogFile.Entry> entries;
            try {
                entries = CatalogFile.read(source);
            } catch (IOException e) {
                Launcher.say("cannot import: " + e.getMessage());
                return 2;
            }
            return importEntries(entries);
        }
    }

    @Command(name = "demo", description = "Import the IKEA catalog from the assets (2,294 products, a few minutes) "
            + "and search one of its room photos; without the assets, 458 IKEA products fetched by pinned URL.")
    static final class Demo extends Target implements Callable<Integer> {
        @Option(names = "--limit", description = "Import only the first N products")
        Integer limit;

        @Override
        public Integer call() throws Exception {
            Path assets = ProjectPaths.assets();
            List<CatalogFile.Entry> entries;
            Path room;
            if (Files.isRegularFile(assets.resolve(DEMO_CATALOG))) {
                entries = CatalogFile.read(assets.resolve(DEMO_CATALOG));
                room = demoRoom(assets);
            } else {
                Launcher.say("no assets directory at " + assets + ": fetching the demo's images of IvonaTau/ikea "
                        + "(458 products in 6 categories, 11 rooms) instead of the shop-the-look catalog");
                Path images = DemoImages.fetch(ModelFetcher.defaultCache().resolveSibling("demo"), Optional.empty(),
                        PinnedFiles.defaultRawBase(), Launcher::say);
                entries = CatalogFile.read(images).stream()
                        .filter(e -> e.row() == null || !e.row().category().equals(DemoImages.ROOMS)).toList();
                try (var rooms = Files.list(images.resolve(DemoImages.ROOMS))) {
                    room = rooms.sorted().findFirst().orElseThrow();
                }
            }
            if (limit != null && limit < entries.size()) {
                entries = entries.subList(0, Math.max(0, limit));
            }
            int code = importEntries(entries);
            String url = gatewayUrl();
            Launcher.say("");
            Launcher.say("Search a room photo of the dataset:");
            Launcher.say("  curl -F image=@" + room + " '" + url + "/v1/search?mode=objects&k=5'");
            Launcher.say("or open " + url + "/ and drop a photo there. What that search finds:");
            try {
                printSearch(url, room);
            } catch (IOException e) {
                Launcher.say("  the search failed: " + e.getMessage());
            }
            return code;
        }

        /** The first room of the dataset's room list: a fixed, documented choice. */
        private static Path demoRoom(Path assets) throws IOException {
            String first = Files.readAllLines(assets.resolve(DEMO_ROOMS)).get(1).split(",")[0];
            return assets.resolve(DEMO_CATALOG).getParent().resolve(first);
        }

        private static void printSearch(String url, Path room) throws IOException, InterruptedException {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "/v1/search?mode=objects&k=3")).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofFile(room)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
            }
            for (JsonNode object : JSON.readTree(response.body()).path("results")) {
                StringBuilder line = new StringBuilder("  " + object.path("query").path("label").asText() + ":");
                for (JsonNode hit : object.path("hits")) {
                    line.append(String.format("  %s (%s, %.2f)", hit.path("title").asText(hit.path("productId")
                            .asText()), hit.path("category").asText(), hit.path("score").asDouble()));
                }
                Launcher.say(line.toString());
            }
        }
    }

    @Command(name = "replay", description = "Send dead letters back through the pipeline once their cause is fixed: "
            + "each chosen letter's original record to the topic it failed on. Safe to repeat: the indexer skips an "
            + "event older than the product's indexed version.")
    static final class Replay extends Target implements Callable<Integer> {
        @Option(names = "--topic", description = "Source topic whose letters to replay; repeatable (default: "
                + "catalog.products, images.crops and images.vectors)")
        List<String> topics = new ArrayList<>(KafkaDeadLetters.SOURCE_TOPICS);

        @Option(names = "--reason", description = "Only letters of this reason, e.g. http-status or timeout")
        String reason;

        @Option(names = "--product", description = "Only letters of this productId")
        String productId;

        @Option(names = "--since", description = "Only letters that failed at or after this instant "
                + "(ISO-8601, e.g. 2026-12-02T10:00:00Z) or this long ago (e.g. PT1H); default: all")
        String since;

        @Option(names = "--dry-run", description = "Count what would be replayed, publish nothing")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            String bootstrap = kafka != null ? kafka : addresses().get("kafka");
            if (bootstrap == null) {
                Launcher.say("snapfind is not up (no " + runDir().resolve(Launcher.STATUS_FILE) + "): start it with "
                        + "./snapfind up, or name the broker with --kafka");
                return 2;
            }
            Instant from;
            try {
                from = since == null ? Instant.EPOCH
                        : since.startsWith("P") ? Instant.now().minus(Duration.parse(since)) : Instant.parse(since);
            } catch (java.time.format.DateTimeParseException e) {
                Launcher.say("--since must be an ISO-8601 instant or duration, got " + since);
                return 2;
            }
            DeadLetterReplay.Summary summary = new DeadLetterReplay(bootstrap, Launcher::say).run(
                    new DeadLetterReplay.Selection(topics, Optional.ofNullable(reason), Optional.ofNullable(productId),
                            from, Instant.now()), dryRun);
            summary.matchedByReason().forEach((why, count) -> Launcher.say("  " + why + ": " + count));
            Launcher.say(String.format("%d letters read, %d selected, %d %s%s%s", summary.read(), summary.matched(),
                    dryRun ? summary.matched() - summary.withoutOriginal() : summary.replayed(),
                    dryRun ? "would be replayed (dry run)" : "replayed",
                    summary.withoutOriginal() == 0 ? "" : ", " + summary.withoutOriginal()
                            + " without their original record (not replayable)",
                    summary.unreadable() == 0 ? "" : ", " + summary.unreadable() + " unreadable"));
            return summary.withoutOriginal() == 0 ? 0 : 1;
        }
    }
}
