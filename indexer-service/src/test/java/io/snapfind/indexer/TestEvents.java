package io.snapfind.indexer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.snapfind.contracts.Box;
import io.snapfind.contracts.CropIds;
import io.snapfind.contracts.CropVector;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.VectorsEvent;

/** Builds valid vectors events for tests: crop {@code n} of an image has box n and a unit vector seeded by its id. */
public final class TestEvents {

    private static final EventCodec CODEC = new EventCodec();

    private TestEvents() {
    }

    /** A VECTORS event of {@code imageId} with crops numbered {@code crops}, in a product with {@code imageIds}. */
    public static VectorsEvent vectors(String productId, String imageId, List<String> imageIds, String modelId,
            int dimension, int... crops) {
        return vectorsAt(productId, imageId, imageIds, modelId, dimension, Instant.now(), crops);
    }

    public static VectorsEvent vectorsAt(String productId, String imageId, List<String> imageIds, String modelId,
            int dimension, Instant occurredAt, int... crops) {
        List<CropVector> vectors = new ArrayList<>();
        for (int crop : crops) {
            Box box = box(crop);
            String cropId = CropIds.of(productId, imageId, box);
            vectors.add(new CropVector(cropId, box, crop == 0 ? "image" : "object", 0.9f,
                    unitVector(dimension, (productId + imageId + crop).hashCode())));
        }
        return VectorsEvent.vectors(productId, "shoes", "Title of " + productId, Map.of("brand", "Acme"), imageId,
                imageIds, modelId, dimension, vectors, occurredAt);
    }

    public static String cropId(String productId, String imageId, int crop) {
        return CropIds.of(productId, imageId, box(crop));
    }

    public static Box box(int crop) {
        return new Box(16 * crop, 16 * crop, 16 * crop + 64, 16 * crop + 64);
    }

    public static float[] unitVector(int dimension, long seed) {
        Random random = new Random(seed);
        float[] vector = new float[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            vector[i] = (float) random.nextGaussian();
            norm += vector[i] * vector[i];
        }
        for (int i = 0; i < dimension; i++) {
            vector[i] /= (float) Math.sqrt(norm);
        }
        return vector;
    }

    public static byte[] encode(Object event) {
        return CODEC.encode(event);
    }
}
