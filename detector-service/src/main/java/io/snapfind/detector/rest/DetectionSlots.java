package io.snapfind.detector.rest;

import org.eclipse.microprofile.faulttolerance.Bulkhead;

import io.snapfind.imaging.ImageRejected;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Bounds the detections {@code /v1/detect} runs at once. Each holds a decoded image (up to 40 megapixels, 160 MB as
 * pixels) and the model's tensors; a burst of large uploads would otherwise exhaust the heap (12 concurrent 39.7 MP
 * photos did). A request beyond the slots is refused at once with 503 and {@code Retry-After} instead of queueing.
 * The number of slots: {@code quarkus.fault-tolerance."io.snapfind.detector.rest.DetectionSlots/run".bulkhead.value}
 * (default 2, one per core of the reference machine).
 */
@ApplicationScoped
public class DetectionSlots {

    /** One detection of an HTTP request. */
    public interface Detection<T> {
        T run() throws ImageRejected;
    }

    /** Runs the detection in a free slot, or fails at once with a {@code BulkheadException} when none is free. */
    @Bulkhead(2)
    public <T> T run(Detection<T> detection) throws ImageRejected {
        return detection.run();
    }
}
