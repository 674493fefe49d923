package io.snapfind.deploy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.snapfind.contracts.Topics;
import io.snapfind.harness.SnapfindTopics;

/**
 * Re-indexes a running {@link LocalSystem} with another embedding model, as one operation:
 * <ol>
 * <li>a second detector (its own consumer group) replays the compacted {@code catalog.products} from the start into
 * a topic of its own, and a second embedder running the new model turns those crops into vectors; the indexer routes
 * them to the new model's collection (created up front), while the running pipeline keeps the active one fresh;</li>
 * <li>once every replay consumer has caught up (no lag on its topic, nor on the indexer's) and the new collection
 * holds at least {@code minCoverage} of the active one's rows, the main embedder is stopped, the alias swapped
 * atomically by the indexer, and the main embedder started again with the new model, so a query is never embedded
 * with one model and searched among the other's vectors (searches answer 503 for those seconds instead);</li>
 * <li>the replay services are stopped after they drained; the old collection is kept until dropped explicitly
 * ({@code DELETE /v1/admin/collections/{name}}), and the new model is remembered in the run directory.</li>
 * </ol>
 */
public final class Reindex {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(500);
    /** The indexer's consumer group ({@code snapfind.indexer.ingest.group-id}, default). */
    private static final String INDEXER_GROUP = "indexer-service";

    /** What the re-index did: the collections the alias moved between and their row counts. */
    public record Result(String model, String from, String to, long fromRows, long toRows) {
    }

    private final LocalSystem system;
    private final Consumer<String> progress;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Opened on the first lag reading, closed when the run ends. */
    private Admin kafkaAdmin;

    public Reindex(LocalSystem system, Consumer<String> progress) {
        this.system = system;
        this.progress = progress;
    }

    public Result run(String model, double minCoverage, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String tag = model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        String cropsTopic = Topics.IMAGES_CROPS + ".reindex-" + tag;
        String detectorGroup = "reindex-" + tag + "-detector";
        String embedderGroup = "reindex-" + tag + "-embedder";
        String replayDetector = "detector-reindex-" + tag;
        String replayEmbedder = "embedder-reindex-" + tag;
        system.kafka().createTopics(SnapfindTopics.PARTITIONS, false, cropsTopic);
        try {
            progress.accept("starting an embedder with model " + model + " and a replaying detector ...");
            String embedderUrl = system.addService(replayEmbedder, "embedder-service", List.of(
                    LocalSystem.EMBEDDER_MODEL + "=" + model,
                    "mp.messaging.incoming.crops.topic=" + cropsTopic,
                    "mp.messaging.incoming.crops.group.id=" + embedderGroup), remaining(deadline));
            JsonNode collection = createCollection(model, dimensionOf(embedderUrl));
            String target = collection.path("name").asText();
            progress.accept("collection " + target + " ready; replaying " + Topics.CATALOG_PRODUCTS + " ...");
            system.addService(replayDetector, "detector-service", List.of(
                    "mp.messaging.incoming.catalog-products.group.id=" + detectorGroup,
                    "mp.messaging.incoming.catalog-products.auto.offset.reset=earliest",
                    "mp.messaging.outgoing.images-crops.topic=" + cropsTopic), remaining(deadline));

            // Every consumer on the replay's path, by topic: the two replay services and the indexer.
            Map<String, String> replay = Map.of(Topics.CATALOG_PRODUCTS, detectorGroup, cropsTopic, embedderGroup,
                    Topics.IMAGES_VECTORS, INDEXER_GROUP);
            awaitCaughtUp(replay, target, minCoverage, deadline);

            progress.accept("caught up: switching the main embedder to " + model + " and the alias to " + target);
            // Every instance (./snapfind up --instances): one left on the old model would keep embedding new crops
            // of its partitions with it.
            List<String> embedders = system.instancesOf("embedder-service");
            embedders.forEach(system::stopService);
            JsonNode swap;
            try {
                swap = admin("PUT", "/v1/admin/alias", Map.of("collection", target, "minCoverage", minCoverage));
            } catch (IOException | RuntimeException e) {
                progress.accept("alias swap refused, the main embedder keeps its model: " + e.getMessage());
                for (String embedder : embedders) {
                    system.startService(embedder, remaining(deadline));
                }
                throw e;
            }
            for (String embedder : embedders) {
                system.restartService(embedder, List.of(LocalSystem.EMBEDDER_MODEL + "=" + model),
                        remaining(deadline));
            }
            Files.writeString(system.runDir().resolve(LocalSystem.ACTIVE_MODEL_FILE), model + "\n");
            long switched = System.nanoTime();
            awaitSearchServing(deadline);
            progress.accept(String.format("searches served again %.1f s after the embedder restarted",
                    (System.nanoTime() - switched) / 1e9));

            // Catalog events that arrived before the switch may still be in the replay pipeline: let it finish.
            awaitNoLag(replay, deadline);
            return new Result(model, swap.path("from").asText(null), swap.path("to").asText(),
                    swap.path("fromRows").asLong(), swap.path("toRows").asLong());
        } finally {
            system.removeService(replayDetector);
            system.removeService(replayEmbedder);
            if (kafkaAdmin != null) {
                kafkaAdmin.close();
            }
        }
    }

    private void awaitCaughtUp(Map<String, String> replay, String target, double minCoverage, long deadline)
            throws IOException, InterruptedException {
        String last = "";
        while (true) {
            long lag = lag(replay);
            JsonNode collections = admin("GET", "/v1/admin/collections", null);
            long targetRows = 0;
            long activeRows = 0;
            for (JsonNode c : collections) {
                if (c.path("name").asText().equals(target)) {
                    targetRows = c.path("rows").asLong();
                }
                if (c.path("aliased").asBoolean()) {
                    activeRows = c.path("rows").asLong();
                }
            }
            String state = String.format("replay lag %d records, %s has %d rows, the active collection %d", lag,
                    target, targetRows, activeRows);
            if (!state.equals(last)) {
                progress.accept(state);
                last = state;
            }
            if (lag == 0 && targetRows >= Math.ceil(minCoverage * activeRows) && (activeRows == 0 || targetRows > 0)) {
                return;
            }
            sleepUntil(deadline, state);
        }
    }

    private void awaitNoLag(Map<String, String> groups, long deadline) throws InterruptedException {
        while (lag(groups) > 0) {
            sleepUntil(deadline, "the replay pipeline did not drain");
        }
    }

    /** Until the gateway answers a search again (its circuit breaker closes a few seconds after the switch). */
    private void awaitSearchServing(long deadline) throws IOException, InterruptedException {
        byte[] photo = probeJpeg();
        HttpRequest search = HttpRequest.newBuilder(URI.create(system.gatewayUrl() + "/v1/search?mode=whole&k=1"))
                .header("Content-Type", "application/octet-stream").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(photo)).build();
        int status;
        while ((status = http.send(search, HttpResponse.BodyHandlers.discarding()).statusCode()) != 200) {
            sleepUntil(deadline, "searches still answer " + status + " after the switch");
        }
    }

    private static byte[] probeJpeg() throws IOException {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "jpg", jpeg);
        return jpeg.toByteArray();
    }

    /** Records not yet committed by each group on its topic (a partition without a commit counts from 0). */
    private long lag(Map<String, String> groupByTopic) {
        if (kafkaAdmin == null) {
            kafkaAdmin = system.kafka().admin();
        }
        Admin admin = kafkaAdmin;
        try {
            long lag = 0;
            for (Map.Entry<String, String> entry : groupByTopic.entrySet()) {
                Set<TopicPartition> partitions = admin.describeTopics(List.of(entry.getKey())).allTopicNames().get()
                        .get(entry.getKey()).partitions().stream()
                        .map(p -> new TopicPartition(entry.getKey(), p.partition())).collect(Collectors.toSet());
                Map<TopicPartition, OffsetAndMetadata> committed = admin
                        .listConsumerGroupOffsets(entry.getValue()).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
                for (var end : admin.listOffsets(latest).all().get().entrySet()) {
                    OffsetAndMetadata done = committed.get(end.getKey());
                    lag += end.getValue().offset() - (done == null ? 0 : done.offset());
                }
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading consumer lag", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read consumer lag: " + e.getCause().getMessage(), e);
        }
    }

    /** The vector length of the new model, asked from its embedder with a tiny image. */
    private int dimensionOf(String embedderUrl) throws IOException, InterruptedException {
        byte[] probe = probeJpeg();
        String body = JSON.writeValueAsString(Map.of("images", List.of(Base64.getEncoder().encodeToString(probe))));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(embedderUrl + "/v1/embed"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the new model's embedder answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body()).path("dimension").asInt();
    }

    private JsonNode createCollection(String model, int dimension) throws IOException, InterruptedException {
        return admin("POST", "/v1/admin/collections", Map.of("modelId", model, "dimension", dimension));
    }

    private JsonNode admin(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.serviceUrl("indexer-service") + path))
                .header("X-Admin-Key", system.adminKey()).timeout(Duration.ofSeconds(30));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static void sleepUntil(long deadline, String state) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("re-index timed out: " + state);
        }
        Thread.sleep(POLL.toMillis());
    }
}
