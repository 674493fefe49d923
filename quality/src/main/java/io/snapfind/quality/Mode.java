package io.snapfind.quality;

import java.util.Locale;

/**
 * Which views of an image are embedded. With several vectors per image, a gallery image scores against a query by
 * its best pair: the highest similarity between any of the query's vectors and any of its own (as the query gateway
 * groups hits by product, its best crop). Crops are cut by the detector service's own code.
 */
enum Mode {
    /** The whole image only, decoded from its file: one vector per image. */
    WHOLE("whole"),
    /** The detector's crops only (crop 0, the whole image, stands in when nothing is detected). */
    CROPS("crops"),
    /** Every crop the detector service emits, crop 0 (the whole image) included: what the indexer stores. */
    CROPS_AND_WHOLE("crops+whole"),
    /**
     * The deployed default: the gallery as the indexer stores it (every crop, crop 0 included), the query photo
     * whole, as the query gateway embeds it in its default {@code mode=whole}, without detection.
     */
    INDEXED("whole→indexed");

    private final String id;

    Mode(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    /** Whether gallery images need their crops. */
    boolean usesCrops() {
        return this != WHOLE;
    }

    /** Whether a query needs its crops (and so the detector, in its latency). */
    boolean queryUsesCrops() {
        return this == CROPS || this == CROPS_AND_WHOLE;
    }

    static Mode parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (Mode mode : values()) {
            if (mode.id.equals(wanted) || mode.name().equalsIgnoreCase(wanted.replace('+', '_'))
                    || (mode == INDEXED && wanted.equals("indexed"))) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + value + "': use whole, crops, crops+whole or indexed");
    }

    /**
     * The vectors of one image in this mode, from its whole-image vector and its crop vectors (crop 0 first; null
     * when the image's crops are not needed).
     */
    float[][] select(float[] whole, float[][] crops, boolean query) {
        return switch (this) {
            case WHOLE -> new float[][] { whole };
            case CROPS -> crops.length > 1 ? java.util.Arrays.copyOfRange(crops, 1, crops.length) : crops;
            case CROPS_AND_WHOLE -> crops;
            case INDEXED -> query ? new float[][] { whole } : crops;
        };
    }
}
