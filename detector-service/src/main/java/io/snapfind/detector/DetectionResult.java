package io.snapfind.detector;

import java.util.List;

/** The detections of one image, best first, with where the time went. */
public record DetectionResult(List<Detection> detections, double preprocessMillis, double inferenceMillis,
        double postprocessMillis) {

    public DetectionResult {
        detections = List.copyOf(detections);
    }

    public double totalMillis() {
        return preprocessMillis + inferenceMillis + postprocessMillis;
    }
}
