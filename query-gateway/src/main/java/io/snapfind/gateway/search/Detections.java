package io.snapfind.gateway.search;

import java.util.List;

/** What the detector saw in the query photo. */
public record Detections(int width, int height, List<DetectedObject> objects) {
}
