package io.snapfind.milvus;

import java.util.HashMap;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * The fields of every Snapfind collection, one row per crop, and the limits a row must respect. Everything the
 * gateway needs to answer a search is stored on the row, so a hit needs no second lookup.
 */
public final class IndexSchema {

    public static final String CROP_ID = "cropId";
    public static final String PRODUCT_ID = "productId";
    public static final String IMAGE_ID = "imageId";
    public static final String CATEGORY = "category";
    public static final String TITLE = "title";
    public static final String METADATA = "metadata";
    public static final String LABEL = "label";
    /** Array of four Int32: x1, y1, x2, y2 in original image pixels. */
    public static final String BOX = "box";
    public static final String SCORE = "score";
    public static final String MODEL_ID = "modelId";
    /** Epoch milliseconds of the catalog change ({@code occurredAt} of the events). */
    public static final String OCCURRED_AT = "occurredAt";
    /** Epoch milliseconds at which the indexer wrote the row. */
    public static final String INDEXED_AT = "indexedAt";
    public static final String VECTOR = "vector";

    /**
     * Every model collection has a companion {@code <collection>_manifest}, one row per product: the crop ids per
     * image the indexer last wrote, the product version they are of and whether that version was a deletion
     * ({@link #MANIFEST_IMAGES}, JSON: {@code {"images": {imageId: [cropId]}, "occurredAt": millis, "version": n,
     * "deleted": bool}}; manifests written before versions were kept hold the images object alone). Stale crops are
     * found through it by key instead of scanning the vectors collection by productId, and stale events by version.
     */
    public static final String MANIFEST_SUFFIX = "_manifest";
    public static final String MANIFEST_IMAGES = "images";
    /** True when the manifest would exceed the JSON limit: the product's rows are then listed by a productId query. */
    public static final String MANIFEST_OVERFLOW = "overflow";
    /** Milvus requires a vector field in every collection; the manifest's is a constant, never searched. */
    public static final String MANIFEST_MARKER = "marker";

    /** Collection property recording which model a collection belongs to. */
    public static final String MODEL_ID_PROPERTY = "snapfind.model-id";

    // Maximum UTF-8 bytes per VarChar field. Identifiers longer than this are rejected (dead-lettered), because
    // cutting them would merge or corrupt rows; the title is display text and is shortened instead.
    public static final int MAX_CROP_ID_BYTES = 64;
    public static final int MAX_ID_BYTES = 512;
    public static final int MAX_CATEGORY_BYTES = 256;
    public static final int MAX_LABEL_BYTES = 256;
    public static final int MAX_MODEL_ID_BYTES = 256;
    public static final int MAX_TITLE_BYTES = 4096;
    /** Milvus refuses JSON values above 64 KiB. */
    public static final int MAX_METADATA_BYTES = 65_536;

    /** Milvus returns at most this many rows from one query. */
    public static final int MAX_QUERY_ROWS = 16_384;

    private IndexSchema() {
    }

    /** The {@link #METADATA} field of a query or search result, as the SDK hands it back (a Gson object or a map). */
    public static Map<String, String> metadataOf(Object stored) {
        Map<String, String> metadata = new HashMap<>();
        if (stored instanceof JsonObject json) {
            for (Map.Entry<String, JsonElement> entry : json.entrySet()) {
                metadata.put(entry.getKey(), entry.getValue().isJsonPrimitive() ? entry.getValue().getAsString()
                        : entry.getValue().toString());
            }
        } else if (stored instanceof Map<?, ?> map) {
            map.forEach((key, value) -> metadata.put(String.valueOf(key), String.valueOf(value)));
        }
        return metadata;
    }
}
