package io.snapfind.indexer.milvus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.milvus.v2.service.vector.response.QueryResp;
import io.snapfind.contracts.Box;
import io.snapfind.indexer.IndexRow;
import io.snapfind.indexer.Manifest;
import io.snapfind.indexer.ProductVersion;
import io.snapfind.indexer.VectorStore.StoredRow;
import io.snapfind.milvus.IndexSchema;

/** Converts between the indexer's rows and manifests and the JSON rows and query results of the Milvus SDK. */
final class MilvusRowCodec {

    /** The fields a {@link StoredRow} is read from. */
    static final List<String> STATUS_FIELDS = List.of(IndexSchema.CROP_ID, IndexSchema.PRODUCT_ID,
            IndexSchema.IMAGE_ID, IndexSchema.MODEL_ID, IndexSchema.OCCURRED_AT, IndexSchema.INDEXED_AT,
            IndexSchema.METADATA);

    private static final String MANIFEST_IMAGES_KEY = "images";
    private static final String MANIFEST_OCCURRED_AT_KEY = "occurredAt";
    private static final String MANIFEST_VERSION_KEY = "version";
    private static final String MANIFEST_DELETED_KEY = "deleted";

    private MilvusRowCodec() {
    }

    static JsonObject json(IndexRow row) {
        JsonObject json = new JsonObject();
        json.addProperty(IndexSchema.CROP_ID, row.cropId());
        json.addProperty(IndexSchema.PRODUCT_ID, row.productId());
        json.addProperty(IndexSchema.IMAGE_ID, row.imageId());
        json.addProperty(IndexSchema.CATEGORY, row.category());
        json.addProperty(IndexSchema.TITLE, row.title());
        JsonObject metadata = new JsonObject();
        row.metadata().forEach(metadata::addProperty);
        json.add(IndexSchema.METADATA, metadata);
        json.addProperty(IndexSchema.LABEL, row.label());
        Box box = row.box();
        JsonArray corners = new JsonArray(4);
        corners.add(box.x1());
        corners.add(box.y1());
        corners.add(box.x2());
        corners.add(box.y2());
        json.add(IndexSchema.BOX, corners);
        json.addProperty(IndexSchema.SCORE, row.score());
        json.addProperty(IndexSchema.MODEL_ID, row.modelId());
        json.addProperty(IndexSchema.OCCURRED_AT, row.occurredAtMillis());
        json.addProperty(IndexSchema.INDEXED_AT, row.indexedAtMillis());
        float[] vector = row.vector();
        JsonArray values = new JsonArray(vector.length);
        for (float value : vector) {
            values.add(value);
        }
        json.add(IndexSchema.VECTOR, values);
        return json;
    }

    static List<StoredRow> storedRows(QueryResp response) {
        List<StoredRow> rows = new ArrayList<>();
        for (QueryResp.QueryResult result : response.getQueryResults()) {
            Map<String, Object> entity = result.getEntity();
            rows.add(new StoredRow(String.valueOf(entity.get(IndexSchema.CROP_ID)),
                    String.valueOf(entity.get(IndexSchema.PRODUCT_ID)), String.valueOf(entity.get(IndexSchema.IMAGE_ID)),
                    String.valueOf(entity.get(IndexSchema.MODEL_ID)), number(entity.get(IndexSchema.OCCURRED_AT)),
                    number(entity.get(IndexSchema.INDEXED_AT)), IndexSchema.metadataOf(entity.get(IndexSchema.METADATA))));
        }
        return rows;
    }

    /**
     * One manifest row: the product's crop ids per image with its version, or the version alone with the overflow
     * flag set when the crop ids would not fit in a JSON field (readers then take them from the rows themselves).
     */
    static JsonObject manifestJson(String productId, Manifest manifest) {
        JsonObject json = new JsonObject();
        json.addProperty(IndexSchema.PRODUCT_ID, productId);
        JsonObject imagesJson = new JsonObject();
        manifest.images().forEach((imageId, cropIds) -> {
            JsonArray crops = new JsonArray(cropIds.size());
            cropIds.forEach(crops::add);
            imagesJson.add(imageId, crops);
        });
        boolean overflow = imagesJson.toString().getBytes(StandardCharsets.UTF_8).length > IndexSchema.MAX_METADATA_BYTES - 1024;
        JsonObject value = new JsonObject();
        value.add(MANIFEST_IMAGES_KEY, overflow ? new JsonObject() : imagesJson);
        if (manifest.version() != null) {
            value.addProperty(MANIFEST_OCCURRED_AT_KEY, manifest.version().occurredAtMillis());
            if (manifest.version().explicit() != null) {
                value.addProperty(MANIFEST_VERSION_KEY, manifest.version().explicit());
            }
        }
        value.addProperty(MANIFEST_DELETED_KEY, manifest.deleted());
        json.add(IndexSchema.MANIFEST_IMAGES, value);
        json.addProperty(IndexSchema.MANIFEST_OVERFLOW, overflow);
        JsonArray marker = new JsonArray(2);
        marker.add(1f);
        marker.add(0f);
        json.add(IndexSchema.MANIFEST_MARKER, marker);
        return json;
    }

    /**
     * Reads a manifest's JSON; {@code overflowed} takes the crop ids from the rows. A manifest written before versions
     * were kept is the images object alone (every value an array), and has no version.
     */
    static Manifest manifestFromJson(Object value, Supplier<Map<String, Set<String>>> overflowed, boolean overflow) {
        JsonObject json = (value instanceof JsonElement element ? element : JsonParser.parseString(String.valueOf(value)))
                .getAsJsonObject();
        JsonElement images = json.get(MANIFEST_IMAGES_KEY);
        if (images == null || !images.isJsonObject()) {
            return new Manifest(overflow ? overflowed.get() : images(json), null, false);
        }
        ProductVersion version = json.has(MANIFEST_OCCURRED_AT_KEY)
                ? new ProductVersion(json.get(MANIFEST_OCCURRED_AT_KEY).getAsLong(),
                        json.has(MANIFEST_VERSION_KEY) ? json.get(MANIFEST_VERSION_KEY).getAsLong() : null)
                : null;
        boolean deleted = json.has(MANIFEST_DELETED_KEY) && json.get(MANIFEST_DELETED_KEY).getAsBoolean();
        return new Manifest(overflow ? overflowed.get() : images(images.getAsJsonObject()), version, deleted);
    }

    private static Map<String, Set<String>> images(JsonObject json) {
        Map<String, Set<String>> images = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> image : json.entrySet()) {
            Set<String> cropIds = new LinkedHashSet<>();
            image.getValue().getAsJsonArray().forEach(cropId -> cropIds.add(cropId.getAsString()));
            images.put(image.getKey(), cropIds);
        }
        return images;
    }

    static long number(Object value) {
        return value instanceof Number number ? number.longValue() : Long.parseLong(String.valueOf(value));
    }
}
