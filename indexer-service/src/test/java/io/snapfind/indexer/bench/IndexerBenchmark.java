package io.snapfind.indexer.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.milvus.v2.client.MilvusClientV2;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.VectorsEvent;
import io.snapfind.harness.SharedInfrastructure;
import io.snapfind.indexer.BatchOutcome;
import io.snapfind.indexer.IndexAdmin;
import io.snapfind.indexer.IndexSettings;
import io.snapfind.indexer.Indexer;
import io.snapfind.indexer.IndexerMetrics;
import io.snapfind.indexer.TestEvents;
import io.snapfind.indexer.messaging.IngestLoop;
import io.snapfind.indexer.messaging.KafkaClients;
import io.snapfind.indexer.messaging.KafkaTestSupport;
import io.snapfind.indexer.milvus.MilvusVectorStore;
import io.snapfind.milvus.Filters;
import io.snapfind.milvus.IndexSchema;
import io.snapfind.milvus.MilvusConnection;
import io.snapfind.support.deadletter.DeadLetterPublisher;

/**
 * Indexer-only benchmark on the real stack: a KRaft broker and Milvus Lite of their own, synthetic VectorsEvents of
 * the production model's shape (1280-d, several crops per image, several images per product), consumed by the
 * production ingest loop, indexer and Milvus adapter. Run with {@code indexer-service/bench.sh}; see the README.
 * <ol>
 * <li>Throughput: a backlog of products is produced first, then the loop drains it; products/s = products ÷ time
 * from start to everything committed (offsets are committed only after Milvus acknowledged).</li>
 * <li>Freshness: a fresh collection and group; products are published at {@code --rate-fraction} of the measured
 * throughput with occurredAt = publish time; a product is searchable once Milvus acknowledged all its images
 * (Milvus Lite applies writes before acknowledging them, so a Strong read sees them then; this is verified on a
 * sample). Reported: p50/p95/p99/max of publish → searchable.</li>
 * </ol>
 */
public final class IndexerBenchmark {

    private static final String MODEL = "bench-model";
    /** One log line per indexed event would drown the results; held strongly, as JUL keeps loggers weakly. */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("io.snapfind"), Logger.getLogger("org.apache.kafka"));

    private final int products;
    private final int imagesPerProduct;
    private final int cropsPerImage;
    private final int dimension;
    private final double rateFraction;
    private final Duration freshnessDuration;
    private final KafkaTestSupport kafka = new KafkaTestSupport();
    private final MilvusClientV2 client;

    private IndexerBenchmark(Map<String, String> options) {
        products = Integer.parseInt(options.getOrDefault("products", "2000"));
        imagesPerProduct = Integer.parseInt(options.getOrDefault("images", "2"));
        cropsPerImage = Integer.parseInt(options.getOrDefault("crops", "3"));
        dimension = Integer.parseInt(options.getOrDefault("dimension", "1280"));
        rateFraction = Double.parseDouble(options.getOrDefault("rate-fraction", "0.5"));
        freshnessDuration = Duration.ofSeconds(Long.parseLong(options.getOrDefault("freshness-seconds", "60")));
        client = MilvusConnection.connect(SharedInfrastructure.milvus().uri(), Optional.empty(), Duration.ofSeconds(30));
    }

    public static void main(String[] args) throws Exception {
        QUIET.forEach(logger -> logger.setLevel(Level.WARNING));
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length > 1 ? pair[1] : "true");
        }
        IndexerBenchmark benchmark = new IndexerBenchmark(options);
        try {
            benchmark.run();
        } finally {
            benchmark.kafka.close();
            benchmark.client.close();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf("indexer benchmark: %d products x %d images x %d crops, dimension %d, %d cores, Milvus Lite %s%n",
                products, imagesPerProduct, cropsPerImage, dimension, Runtime.getRuntime().availableProcessors(),
                SharedInfrastructure.milvus().uri());
        double productsPerSecond = throughput();
        freshness(productsPerSecond * rateFraction);
    }

    private double throughput() throws Exception {
        Stage stage = new Stage("throughput");
        try (KafkaProducer<String, byte[]> producer = producer()) {
            long produceStart = System.nanoTime();
            for (int p = 0; p < products; p++) {
                for (VectorsEvent event : product("t" + p, Instant.now())) {
                    producer.send(new ProducerRecord<>(stage.topic, event.productId(), TestEvents.encode(event)));
                }
            }
            producer.flush();
            System.out.printf("backlog of %d events produced in %.1f s%n", products * imagesPerProduct,
                    (System.nanoTime() - produceStart) / 1e9);
        }
        long start = System.nanoTime();
        Running running = stage.start(null);
        KafkaTestSupport.await("backlog drained", Duration.ofMinutes(30), () -> kafka.lag(stage.group, stage.topic) == 0);
        double seconds = (System.nanoTime() - start) / 1e9;
        running.stop();
        long rows = new MilvusVectorStore(() -> client, 16, 128).countRows(stage.settings.active().name());
        double productsPerSecond = products / seconds;
        System.out.printf("throughput: %d products (%d events, %d rows in Milvus) in %.1f s = %.1f products/s, "
                + "%.1f events/s, %.1f rows/s%n", products, products * imagesPerProduct, rows, seconds,
                productsPerSecond, products * imagesPerProduct / seconds, rows / seconds);
        if (rows != (long) products * imagesPerProduct * cropsPerImage) {
            throw new IllegalStateException("expected " + (long) products * imagesPerProduct * cropsPerImage + " rows");
        }
        return productsPerSecond;
    }

    private void freshness(double rate) throws Exception {
        Stage stage = new Stage("freshness");
        Map<String, Long> publishedNanos = new ConcurrentHashMap<>();
        Map<String, Integer> pendingImages = new ConcurrentHashMap<>();
        List<Long> latenciesMillis = new CopyOnWriteArrayList<>();
        IngestLoop.BatchListener listener = (batch, outcome) -> acked(outcome, batch, publishedNanos, pendingImages,
                latenciesMillis);
        Running running = stage.start(listener);
        long intervalNanos = (long) (1e9 / rate);
        int count = (int) Math.max(1, Math.min(products, rate * freshnessDuration.toSeconds()));
        System.out.printf("freshness: publishing %d products at %.1f products/s (%.2f x throughput)%n", count, rate,
                rateFraction);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            long start = System.nanoTime();
            for (int p = 0; p < count; p++) {
                long due = start + p * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String productId = "f" + p;
                pendingImages.put(productId, imagesPerProduct);
                publishedNanos.put(productId, System.nanoTime());
                for (VectorsEvent event : product(productId, Instant.now())) {
                    producer.send(new ProducerRecord<>(stage.topic, productId, TestEvents.encode(event)));
                }
            }
        }
        KafkaTestSupport.await("every product searchable", Duration.ofMinutes(10), () -> latenciesMillis.size() == count);
        running.stop();
        verifySearchable(stage, count);
        List<Long> sorted = new ArrayList<>(latenciesMillis);
        Collections.sort(sorted);
        System.out.printf("freshness (publish -> searchable, %d products at %.1f products/s): p50 %d ms, p95 %d ms, "
                + "p99 %d ms, max %d ms%n", sorted.size(), rate, percentile(sorted, 50), percentile(sorted, 95),
                percentile(sorted, 99), sorted.get(sorted.size() - 1));
    }

    /** A product is searchable when Milvus acknowledged the last of its images. */
    private static void acked(BatchOutcome outcome, List<io.snapfind.contracts.SourceRecord> batch,
            Map<String, Long> publishedNanos, Map<String, Integer> pendingImages, List<Long> latenciesMillis) {
        long now = System.nanoTime();
        for (io.snapfind.contracts.SourceRecord record : batch) {
            Integer left = pendingImages.computeIfPresent(record.key(), (k, n) -> n - 1);
            if (left != null && left == 0) {
                pendingImages.remove(record.key());
                latenciesMillis.add((now - publishedNanos.get(record.key())) / 1_000_000);
            }
        }
    }

    private void verifySearchable(Stage stage, int count) {
        MilvusVectorStore index = new MilvusVectorStore(() -> client, 16, 128);
        for (int p = 0; p < count; p += Math.max(1, count / 20)) {
            int rows = index.query(stage.settings.active().name(), Filters.eq(IndexSchema.PRODUCT_ID, "f" + p)).size();
            if (rows != imagesPerProduct * cropsPerImage) {
                throw new IllegalStateException("product f" + p + " has " + rows + " rows after its acknowledgement");
            }
        }
    }

    private List<VectorsEvent> product(String productId, Instant occurredAt) {
        List<String> images = new ArrayList<>();
        for (int i = 0; i < imagesPerProduct; i++) {
            images.add("img" + i);
        }
        int[] crops = new int[cropsPerImage];
        for (int c = 0; c < cropsPerImage; c++) {
            crops[c] = c;
        }
        List<VectorsEvent> events = new ArrayList<>();
        for (String image : images) {
            events.add(TestEvents.vectorsAt(productId, image, images, MODEL, dimension, occurredAt, crops));
        }
        return events;
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
    }

    private static long percentile(List<Long> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** One measurement's topic, group and collection. */
    private final class Stage {
        final String topic;
        final String group;
        final IndexSettings settings;

        Stage(String name) {
            String unique = name + "_" + UUID.randomUUID().toString().substring(0, 8);
            topic = "bench." + unique;
            group = "bench-" + unique;
            settings = IndexSettings.of("bench_" + unique + "_", "bench_" + unique + "_products", MODEL, dimension, true);
            kafka.createTopics(topic, DeadLetter.topicFor(topic));
        }

        Running start(IngestLoop.BatchListener listener) {
            MilvusVectorStore index = new MilvusVectorStore(() -> client, 16, 128);
            Map<String, Object> connection = Map.of("bootstrap.servers", kafka.bootstrapServers());
            IngestLoop loop = new IngestLoop(KafkaClients.ingestConsumer(connection, group, 500), topic,
                    new Indexer(index, settings, 1000, Clock.systemUTC()),
                    new DeadLetterPublisher(DeadLetterPublisher.kafka(KafkaClients.deadLetterProducer(connection))),
                    IndexerMetrics.NONE, new IndexAdmin(index, settings)::initialize,
                    listener == null ? (batch, outcome) -> {
                    } : listener, Duration.ofMillis(200), Duration.ofMillis(250), Duration.ofSeconds(5));
            Thread thread = new Thread(loop, "bench-ingest");
            thread.setDaemon(true);
            thread.start();
            return new Running(loop);
        }
    }

    private record Running(IngestLoop loop) {
        void stop() throws InterruptedException {
            loop.stop(Duration.ofSeconds(30));
        }
    }
}
