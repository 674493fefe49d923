package io.snapfind.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import io.snapfind.contracts.CropsEvent;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.Topics;
import io.snapfind.deploy.LocalSystem;
import io.snapfind.e2e.Gateway;
import io.snapfind.harness.ProjectPaths;

/**
 * Scale-out on the local launcher (issue 17): the same catalog products through the real stack with one instance of
 * each consuming service, then with two of each (their consumer groups split the 3 partitions), then with two of each
 * and one instance of every stage killed ({@code kill -9}) a third of the way through, the launcher's supervisor
 * restarting it. Per run: partitions per instance (the consumer groups' members), products/s from the first publish
 * to the last product searchable, consumer lag sampled every second (max, at the end), CPU seconds per product of
 * every process, and the index checked against what the detector emitted: every product's crop rows present, no
 * primary key twice, nothing missing.
 *
 * <p>Run: {@code e2e/bench.sh scale [products=300]}.
 */
public final class ScaleOutBenchmark {

    private static final EventCodec CODEC = new EventCodec();
    /** Each consuming stage: its consumer group and the topic it reads. */
    private static final Map<String, String> STAGES = new LinkedHashMap<>();
    static {
        STAGES.put("detector-service", Topics.CATALOG_PRODUCTS);
        STAGES.put("embedder-service", Topics.IMAGES_CROPS);
        STAGES.put("indexer-service", Topics.IMAGES_VECTORS);
    }
    private static final String ALIAS = "products";
    private static final int WARM_UP = 10;

    record Product(String id, String category, Path image) {
    }

    /** What one run measured. */
    record Run(String name, int products, double seconds, Map<String, Long> maxLag, Map<String, Long> endLag,
            Map<String, String> assignment, Map<String, Double> cpuPerProduct, long expectedRows, long actualRows,
            long duplicateKeys, int missingProducts, int productsWithoutCrops, long cropsEvents, long imageEvents,
            long deadLetters, String kills) {
        double productsPerSecond() {
            return products / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path assets = ProjectPaths.requireAssets();
        List<Product> catalog = catalog(assets.resolve("datasets/ikea-shop-the-look"), WARM_UP + count);
        say("load before: " + loadAverage());
        List<Run> runs = new ArrayList<>();
        try (Stack stack = Stack.start(assets, LocalSystem.Instances.ONE_EACH)) {
            stack.warmUp(catalog.subList(0, WARM_UP));
            runs.add(stack.run("1x", catalog.subList(WARM_UP, catalog.size()), false));
        }
        try (Stack stack = Stack.start(assets, LocalSystem.Instances.each(2))) {
            stack.warmUp(catalog.subList(0, WARM_UP));
            runs.add(stack.run("2x", catalog.subList(WARM_UP, catalog.size()), false));
            runs.add(stack.run("2x-kill", catalog.subList(WARM_UP, catalog.size()), true));
        }
        say("load after: " + loadAverage());
        say("");
        for (Run run : runs) {
            say(String.format("%s: %d products in %.1f s = %.2f products/s; crops per product %.2f", run.name(),
                    run.products(), run.seconds(), run.productsPerSecond(), (double) run.expectedRows() / run.products()));
            say("  partitions: " + run.assignment());
            say("  lag max " + run.maxLag() + ", at the end " + run.endLag());
            say("  CPU s per product: " + run.cpuPerProduct().entrySet().stream()
                    .map(e -> String.format("%s %.3f", e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
            say(String.format("  index: expected %d crop rows, found %d, duplicate keys %d, products missing %d, "
                    + "products without crops %d; CropsEvents on images.crops %d for %d product images (redelivered %d); "
                    + "dead letters %d%s", run.expectedRows(), run.actualRows(), run.duplicateKeys(),
                    run.missingProducts(), run.productsWithoutCrops(), run.cropsEvents(), run.imageEvents(),
                    run.cropsEvents() - run.imageEvents(), run.deadLetters(),
                    run.kills().isEmpty() ? "" : "; killed " + run.kills()));
        }
        Run one = runs.get(0);
        Run two = runs.get(1);
        Run kill = runs.get(2);
        say("");
        say(String.format("SCALE-1x-products-per-s: %.2f", one.productsPerSecond()));
        say(String.format("SCALE-2x-products-per-s: %.2f", two.productsPerSecond()));
        say(String.format("SCALE-2x-speedup: %.2f", two.productsPerSecond() / one.productsPerSecond()));
        say(String.format("SCALE-kill-rows-expected-minus-found: %d", kill.expectedRows() - kill.actualRows()));
        say(String.format("SCALE-kill-duplicate-keys: %d", kill.duplicateKeys()));
        say(String.format("SCALE-kill-products-missing: %d", kill.missingProducts()));
    }

    /** One stack of the launcher's LocalSystem, supervised as {@code ./snapfind up} supervises it. */
    private static final class Stack implements AutoCloseable {
        private final LocalSystem system;
        private final Gateway gateway;
        private final Admin admin;
        private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor();
        /**
         * Set from a kill until every stage's group has moved the dead instance's partitions: the supervisor then
         * restarts it, as a restart that takes longer than the group's session timeout (45 s) would. A restart
         * within it brings the instance back into its group before the others took its partitions over.
         */
        private volatile boolean holdRestarts;
        private volatile long killedAt;

        private Stack(LocalSystem system) {
            this.system = system;
            this.gateway = new Gateway(system.gatewayUrl(), "bench-key");
            this.admin = system.kafka().admin();
            supervisor.scheduleWithFixedDelay(() -> {
                if (!holdRestarts) {
                    system.supervise(line -> say("  supervisor: " + line));
                }
            }, 1, 1, TimeUnit.SECONDS);
        }

        static Stack start(Path assets, LocalSystem.Instances instances) throws IOException, InterruptedException {
            say("starting the stack with " + instances.counts() + " (unlisted: 1 instance) ...");
            long started = System.nanoTime();
            LocalSystem system = LocalSystem.start(ProjectPaths.root(), assets.resolve("models"),
                    Files.createTempDirectory("snapfind-scale-"), LocalSystem.Ports.free(), "bench-key", List.of(),
                    instances, Duration.ofMinutes(5), line -> say("  " + line));
            say(String.format("stack ready in %.0f s", seconds(started)));
            return new Stack(system);
        }

        void warmUp(List<Product> products) throws Exception {
            String prefix = "warm" + System.nanoTime();
            for (Product product : products) {
                gateway.upsert(prefix + "-" + product.id(), product.category(), product.id(), product.image());
            }
            for (Product product : products) {
                awaitIndexed(prefix + "-" + product.id(), System.nanoTime() + TimeUnit.MINUTES.toNanos(5));
            }
            awaitNoLag(Duration.ofMinutes(1));
        }

        Run run(String name, List<Product> products, boolean kill) throws Exception {
            say("run " + name + ": " + products.size() + " products" + (kill ? ", killing one instance of each "
                    + "stage a third of the way through" : "") + " ...");
            String prefix = name;
            long deadLettersBefore = deadLetters();
            Map<String, Double> cpuBefore = cpuSeconds();
            Map<String, Long> maxLag = new ConcurrentHashMap<>();
            Map<String, String> lastAssignment = new ConcurrentHashMap<>();
            Map<String, Double> movedAfterKill = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleWithFixedDelay(() -> {
                try {
                    Map<String, Long> lag = lag();
                    lag.forEach((stage, value) -> maxLag.merge(stage, value, Math::max));
                    Map<String, String> assignment = assignment();
                    long t = Math.round(seconds(start));
                    if (!assignment.equals(lastAssignment)) {
                        say(String.format("  t=%3d s partitions %s", t, assignment));
                        if (killedAt != 0) {
                            assignment.forEach((stage, now) -> {
                                if (!now.equals(lastAssignment.get(stage))) {
                                    movedAfterKill.putIfAbsent(stage,
                                            Math.round((System.nanoTime() - killedAt) / 1e8) / 10.0);
                                }
                            });
                        }
                        lastAssignment.clear();
                        lastAssignment.putAll(assignment);
                    }
                    if (holdRestarts && (movedAfterKill.size() == STAGES.size()
                            || System.nanoTime() - killedAt > TimeUnit.MINUTES.toNanos(2))) {
                        say(String.format("  t=%3d s partitions moved (s after the kill: %s); the supervisor may "
                                + "restart the killed instances", t, movedAfterKill));
                        holdRestarts = false;
                    }
                    if (t % 5 == 0) {
                        say(String.format("  t=%3d s lag %s", t, lag));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    say("  (sample failed: " + e + ")");
                }
            }, 0, 1, TimeUnit.SECONDS);
            String kills = "";
            killedAt = 0;
            double seconds;
            Map<String, Double> cpuAfter;
            try {
                for (Product product : products) {
                    gateway.upsert(prefix + "-" + product.id(), product.category(), product.id(), product.image());
                }
                say(String.format("  published %d products in %.1f s", products.size(), seconds(start)));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
                for (int i = 0; i < products.size(); i++) {
                    if (kill && i == products.size() / 3) {
                        kills = killSecondInstances(start);
                    }
                    awaitIndexed(prefix + "-" + products.get(i).id(), deadline);
                }
                // The last product is searchable; the rest of the pipeline settles (redeliveries, throttled commits).
                seconds = seconds(start);
                cpuAfter = cpuSeconds();
                awaitNoLag(Duration.ofMinutes(2));
            } finally {
                sampler.shutdownNow();
                sampler.awaitTermination(10, TimeUnit.SECONDS);
            }
            Map<String, Long> endLag = lag();
            Map<String, Double> cpuPerProduct = new LinkedHashMap<>();
            // A killed process's CPU left with it: no per-product CPU for the run with kills.
            if (!kill) {
                cpuAfter.forEach((process, after) -> cpuPerProduct.put(process,
                        (after - cpuBefore.getOrDefault(process, 0.0)) / products.size()));
            }
            return verify(name, products, prefix, seconds, maxLag, endLag, lastAssignment, cpuPerProduct,
                    deadLetters() - deadLettersBefore, kills.isEmpty() ? "" : kills + "; partitions moved after (s) "
                            + new TreeMap<>(movedAfterKill));
        }

        /** kill -9 of every consuming service's second instance; the supervisor restarts them after its backoff. */
        private String killSecondInstances(long start) {
            // killedAt first: the sampler releases the hold once every group moved or two minutes after it.
            killedAt = System.nanoTime();
            holdRestarts = true;
            List<String> killed = new ArrayList<>();
            for (LocalSystem.ProcessState state : system.supervise(line -> say("  supervisor: " + line))) {
                String name = state.name();
                if (name.endsWith("-2") && STAGES.containsKey(name.substring(0, name.length() - 2)) && state.pid() > 0) {
                    ProcessHandle.of(state.pid()).ifPresent(ProcessHandle::destroyForcibly);
                    killed.add(state.name() + " (pid " + state.pid() + ")");
                }
            }
            say(String.format("  t=%3.0f s kill -9 %s", seconds(start), killed));
            return String.join(", ", killed);
        }

        private Run verify(String name, List<Product> products, String prefix, double seconds, Map<String, Long> maxLag,
                Map<String, Long> endLag, Map<String, String> assignment, Map<String, Double> cpuPerProduct,
                long deadLetters, String kills) {
            // What the detector emitted: the last CropsEvent of each product image (at-least-once delivery may have
            // written one more than once; the last is the one the index must hold).
            Map<String, Map<String, Integer>> cropsPerImage = new HashMap<>();
            long[] events = new long[1];
            readTopic(Topics.IMAGES_CROPS, record -> {
                CropsEvent event = CODEC.decodeCrops(record.value());
                if (event.productId().startsWith(prefix + "-") && event.type() == CropsEvent.Type.CROPS) {
                    events[0]++;
                    cropsPerImage.computeIfAbsent(event.productId(), id -> new HashMap<>()).put(event.imageId(),
                            event.crops().size());
                }
            });
            // What the index holds: every row of the run's products, by primary key.
            List<String> cropIds = new ArrayList<>();
            Map<String, Integer> rowsPerProduct = new HashMap<>();
            QueryResp response = system.milvus().client().query(QueryReq.builder().collectionName(ALIAS)
                    .filter("productId like \"" + prefix + "-%\"").outputFields(List.of("cropId", "productId"))
                    .limit(16_000L).consistencyLevel(ConsistencyLevel.STRONG).build());
            for (QueryResp.QueryResult row : response.getQueryResults()) {
                cropIds.add((String) row.getEntity().get("cropId"));
                rowsPerProduct.merge((String) row.getEntity().get("productId"), 1, Integer::sum);
            }
            long expected = 0;
            int missing = 0;
            int withoutCrops = 0;
            long imageEvents = 0;
            for (Product product : products) {
                String id = prefix + "-" + product.id();
                Map<String, Integer> images = cropsPerImage.get(id);
                if (images == null) {
                    withoutCrops++;
                    continue;
                }
                imageEvents += images.size();
                int crops = images.values().stream().mapToInt(Integer::intValue).sum();
                expected += crops;
                if (rowsPerProduct.getOrDefault(id, 0) != crops) {
                    missing++;
                    say("  " + id + ": expected " + crops + " rows, found " + rowsPerProduct.getOrDefault(id, 0));
                }
            }
            long duplicates = cropIds.size() - new HashSet<>(cropIds).size();
            return new Run(name, products.size(), seconds, new TreeMap<>(maxLag), endLag, new TreeMap<>(assignment),
                    cpuPerProduct, expected, cropIds.size(), duplicates, missing, withoutCrops, events[0], imageEvents,
                    deadLetters, kills);
        }

        private void awaitIndexed(String productId, long deadline) throws Exception {
            while (!gateway.isIndexed(productId)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(productId + " not searchable in time");
                }
                Thread.sleep(50);
            }
        }

        private void awaitNoLag(Duration within) throws Exception {
            long deadline = System.nanoTime() + within.toNanos();
            while (lag().values().stream().anyMatch(lag -> lag > 0) && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
        }

        /** Each stage's consumer lag: records on its topic not yet committed by its group. */
        private Map<String, Long> lag() throws ExecutionException, InterruptedException {
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
                    OffsetAndMetadata done = committed.get(end.getKey());
                    total += end.getValue().offset() - (done == null ? 0 : done.offset());
                }
                lag.put(stage.getKey(), total);
            }
            return lag;
        }

        /** Per stage, which instance holds which partitions of its topic, from the group's members' client ids. */
        private Map<String, String> assignment() throws ExecutionException, InterruptedException {
            Map<String, String> assignment = new LinkedHashMap<>();
            Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(List.copyOf(STAGES.keySet()))
                    .all().get();
            for (Map.Entry<String, String> stage : STAGES.entrySet()) {
                Map<String, Set<Integer>> byInstance = new TreeMap<>();
                for (String instance : system.instancesOf(stage.getKey())) {
                    byInstance.put(instance, new TreeSet<>());
                }
                for (MemberDescription member : groups.get(stage.getKey()).members()) {
                    String instance = instanceOf(stage.getKey(), member.clientId());
                    Set<Integer> partitions = byInstance.computeIfAbsent(instance, i -> new TreeSet<>());
                    member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(stage.getValue()))
                            .forEach(tp -> partitions.add(tp.partition()));
                }
                assignment.put(stage.getKey(), byInstance.toString());
            }
            return assignment;
        }

        /** The instance whose name the client id starts with (the longest, so -2 wins over the first's name). */
        private String instanceOf(String service, String clientId) {
            return system.instancesOf(service).stream()
                    .filter(name -> clientId.equals(name) || clientId.startsWith(name + "-"))
                    .max((a, b) -> Integer.compare(a.length(), b.length())).orElse("? " + clientId);
        }

        /** CPU seconds so far of every process, the instances of one service summed. */
        private Map<String, Double> cpuSeconds() {
            Map<String, Double> cpu = new LinkedHashMap<>();
            for (LocalSystem.ProcessState state : system.supervise(line -> say("  supervisor: " + line))) {
                String process = state.name().replaceFirst("-\\d+$", "");
                double seconds = ProcessHandle.of(state.pid()).flatMap(p -> p.info().totalCpuDuration())
                        .map(d -> d.toNanos() / 1e9).orElse(0.0);
                cpu.merge(process, seconds, Double::sum);
            }
            return cpu;
        }

        private long deadLetters() throws ExecutionException, InterruptedException {
            long total = 0;
            for (String topic : STAGES.values()) {
                String dlq = DeadLetter.topicFor(topic);
                Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(dlq)).allTopicNames().get()
                        .get(dlq).partitions().stream().collect(Collectors.toMap(
                                p -> new TopicPartition(dlq, p.partition()), p -> OffsetSpec.latest()));
                for (var end : admin.listOffsets(latest).all().get().values()) {
                    total += end.offset();
                }
            }
            return total;
        }

        private void readTopic(String topic, java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
            Properties config = new Properties();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafka().bootstrapServers());
            config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 20 * 1024 * 1024);
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    consumer.poll(Duration.ofMillis(500)).forEach(each);
                }
            }
        }

        @Override
        public void close() throws Exception {
            supervisor.shutdownNow();
            supervisor.awaitTermination(10, TimeUnit.SECONDS);
            admin.close();
            system.close();
        }
    }

    /** {@code count} products of the shop-the-look catalog (one catalog image each), spread over its categories. */
    static List<Product> catalog(Path dataset, int count) throws IOException {
        List<String> lines = Files.readAllLines(dataset.resolve("products.csv"));
        List<Product> products = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // productId,image,category,...: the first three never hold a comma
            String[] f = lines.get(1 + (int) ((long) i * (lines.size() - 1) / count)).split(",", 4);
            products.add(new Product(f[0], f[2], dataset.resolve(f[1])));
        }
        return products;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim() + " (1, 5, 15 min; " + Runtime.getRuntime()
                    .availableProcessors() + " cores)";
        } catch (IOException e) {
            return Optional.ofNullable(e.getMessage()).orElse("unknown");
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
