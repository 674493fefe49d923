package io.snapfind.embedder.metrics;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.snapfind.embedder.BatchingQueue;
import io.snapfind.embedder.Embedder;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The embedder's Prometheus metrics (names as exported):
 * <ul>
 *   <li>{@code snapfind_embedder_batch_size} (summary): images per inference;</li>
 *   <li>{@code snapfind_embedder_inference_seconds{outcome}} (timer): one inference of one batch;</li>
 *   <li>{@code snapfind_embedder_image_latency_seconds} (timer): one image from submission to its vector,
 *       decoding and queueing included;</li>
 *   <li>{@code snapfind_embedder_image_failures_total{reason}}: images not embedded, by reason code;</li>
 *   <li>{@code snapfind_embedder_dead_letters_total{reason}}: records sent to {@code images.crops.dlq};</li>
 *   <li>{@code snapfind_embedder_vectors_events_total{type}}: VectorsEvents published;</li>
 *   <li>{@code snapfind_embedder_queued_images} and {@code snapfind_embedder_in_flight_images} (gauges).</li>
 * </ul>
 */
@ApplicationScoped
public class EmbedderMetrics implements BatchingQueue.Listener, Embedder.Listener {

    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final Timer inference;
    private final Timer inferenceFailed;
    private final Timer imageLatency;

    EmbedderMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchSize = DistributionSummary.builder("snapfind.embedder.batch.size")
                .description("Images per inference").baseUnit("images")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32).register(registry);
        this.inference = Timer.builder("snapfind.embedder.inference").tag("outcome", "success")
                .description("One inference of one batch").register(registry);
        this.inferenceFailed = Timer.builder("snapfind.embedder.inference").tag("outcome", "failure")
                .description("One inference of one batch").register(registry);
        this.imageLatency = Timer.builder("snapfind.embedder.image.latency")
                .description("One image from submission to its vector, decoding and queueing included")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
    }

    /** Exposes the pipelines' queue depths as gauges (summed over the members of a fusion). */
    public void watch(List<Embedder> pipelines) {
        Gauge.builder("snapfind.embedder.queued.images", pipelines,
                p -> p.stream().mapToInt(Embedder::queued).sum())
                .description("Preprocessed images waiting for an inference worker").register(registry);
        Gauge.builder("snapfind.embedder.in.flight.images", pipelines,
                p -> p.stream().mapToInt(Embedder::inFlight).sum())
                .description("Images being decoded, queued or inferred").register(registry);
    }

    @Override
    public void batchProcessed(int size, long processingNanos, boolean failed) {
        batchSize.record(size);
        (failed ? inferenceFailed : inference).record(processingNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void imageEmbedded(long nanos) {
        imageLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void imageFailed(String reason) {
        Counter.builder("snapfind.embedder.image.failures").tag("reason", reason)
                .description("Images not embedded, by reason").register(registry).increment();
    }

    public void deadLettered(String reason) {
        Counter.builder("snapfind.embedder.dead.letters").tag("reason", reason)
                .description("Records sent to the dead-letter topic, by reason").register(registry).increment();
    }

    public void published(String type) {
        Counter.builder("snapfind.embedder.vectors.events").tag("type", type)
                .description("VectorsEvents published").register(registry).increment();
    }
}
