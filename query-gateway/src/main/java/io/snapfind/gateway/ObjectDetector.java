package io.snapfind.gateway;

import java.util.concurrent.CompletionStage;

/** Finds the objects in a photo (the detector service). */
public interface ObjectDetector {

    /** The objects, best first, with the crops of the best {@code crops} of them where the detector can cut them. */
    CompletionStage<Detections> detect(byte[] image, int crops);
}
