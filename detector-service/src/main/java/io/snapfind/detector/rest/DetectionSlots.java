package io.snapfind.detector.rest;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.snapfind.detector.config.DetectorConfig;
import io.snapfind.imaging.ImageRejected;
import io.snapfind.support.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Bounds the detections {@code /v1/detect} runs at once ({@code snapfind.detector.slots.count}, default 2, one per core
 * of the reference machine). Each holds a decoded image (up to 40 megapixels, 160 MB as pixels) and the model's
 * tensors; a burst of large uploads would otherwise exhaust the heap (12 concurrent 39.7 MP photos did). A request
 * waits up to {@code slots.wait} for a slot, in arrival order, so the usual burst of a shop's searches (16 at once)
 * queues for a moment instead of being refused; beyond that it is refused with 503 and {@code Retry-After}.
 */
@ApplicationScoped
public class DetectionSlots {

    /** One detection of an HTTP request. */
    public interface Detection<T> {
        T run() throws ImageRejected;
    }

    private final Semaphore slots;
    private final long waitNanos;

    @jakarta.inject.Inject
    DetectionSlots(DetectorConfig config) {
        this(config.slots().count(), config.slots().waitFor());
    }

    DetectionSlots(int count, java.time.Duration waitFor) {
        slots = new Semaphore(count, true);
        waitNanos = waitFor.toNanos();
    }

    /** Runs the detection in a free slot, waiting for one up to the configured time; 503 {@code overloaded} after. */
    public <T> T run(Detection<T> detection) throws ImageRejected {
        boolean acquired;
        try {
            acquired = slots.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw new ProblemException(503, "Detector busy", "every detection slot is in use; retry shortly", null,
                    "overloaded");
        }
        try {
            return detection.run();
        } finally {
            slots.release();
        }
    }
}
