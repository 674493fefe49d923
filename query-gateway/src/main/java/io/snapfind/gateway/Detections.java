package io.snapfind.gateway;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the detector saw in the query photo: the objects and, where the detector cut it, each object's crop (JPEG
 * bytes, {@code null} when it did not), so the gateway need not decode the photo.
 */
public record Detections(int width, int height, List<DetectedObject> objects, List<byte[]> crops) {

    public Detections {
        objects = List.copyOf(objects);
        if (crops.size() != objects.size()) {
            throw new IllegalArgumentException(crops.size() + " crops for " + objects.size() + " objects");
        }
        crops = Collections.unmodifiableList(new ArrayList<>(crops));
    }

    /** Objects without crops. */
    public Detections(int width, int height, List<DetectedObject> objects) {
        this(width, height, objects, Collections.nCopies(objects.size(), null));
    }
}
