package io.snapfind.gateway.search;

import io.smallrye.mutiny.Uni;

/** Finds the objects in a photo (the detector service). */
public interface ObjectDetector {
    Uni<Detections> detect(byte[] image);
}
