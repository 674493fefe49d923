package io.snapfind.gateway.search;

import io.smallrye.mutiny.Uni;

/** Finds the objects in a photo (the detector service). */
public interface ObjectDetector {

    /** The objects, best first, with the crops of the best {@code crops} of them where the detector can cut them. */
    Uni<Detections> detect(byte[] image, int crops);
}
