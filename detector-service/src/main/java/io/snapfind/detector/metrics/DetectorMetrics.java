package io.snapfind.detector.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The detector's own meters (Prometheus names): {@code snapfind_detector_failures_total{stage,reason}} per
 * dead-lettered record or image, {@code snapfind_detector_images_total} images turned into crops,
 * {@code snapfind_detector_crops_total} crops emitted, {@code snapfind_detector_detection_seconds} per-image
 * detection time (letterbox, inference, NMS).
 */
@ApplicationScoped
public class DetectorMetrics {

    private final MeterRegistry registry;
    private final Counter images;
    private final Counter crops;
    private final Timer detection;

    DetectorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.images = Counter.builder("snapfind.detector.images")
                .description("Product images turned into crops").register(registry);
        this.crops = Counter.builder("snapfind.detector.crops")
                .description("Crops emitted to images.crops, whole-image crops included").register(registry);
        this.detection = Timer.builder("snapfind.detector.detection")
                .description("Detection time per image: letterbox, inference and NMS").register(registry);
    }

    public void failure(String stage, String reason) {
        Counter.builder("snapfind.detector.failures")
                .description("Records or images dead-lettered, by stage and reason")
                .tag("stage", stage)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    public void imageDone(int cropCount) {
        images.increment();
        crops.increment(cropCount);
    }

    public void detected(double millis) {
        detection.record(Duration.ofNanos((long) (millis * 1_000_000)));
    }
}
