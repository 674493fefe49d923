package io.snapfind.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The crops of one product image on {@link Topics#IMAGES_CROPS}, keyed by productId. productImageIds lists every
 * image of this product version so the indexer can drop rows of images that disappeared. A DELETE marker carries
 * only productId, occurredAt and version.
 */
public record CropsEvent(
        int schemaVersion,
        Type type,
        String productId,
        String category,
        String title,
        Map<String, String> metadata,
        String imageId,
        List<String> productImageIds,
        List<Crop> crops,
        Instant occurredAt,
        Long version) {

    public enum Type { CROPS, DELETE }

    public CropsEvent {
        Check.schemaVersion(schemaVersion);
        Check.present(type, "type");
        Check.nonBlank(productId, "productId");
        Check.present(occurredAt, "occurredAt");
        metadata = Check.metadata(metadata);
        Check.version(version);
        crops = Check.elements(crops, "crops");
        if (type == Type.CROPS) {
            Check.nonBlank(category, "category");
            Check.present(title, "title");
            Check.nonBlank(imageId, "imageId");
            productImageIds = Check.productImageIds(productImageIds, imageId);
            Check.unique(crops.stream().map(Crop::cropId).toList(), "crops", ".cropId");
        } else {
            productImageIds = Check.elements(productImageIds, "productImageIds");
        }
    }

    /** occurredAt is the source ProductEvent's, carried unchanged so consumers can judge freshness. */
    public static CropsEvent crops(String productId, String category, String title, Map<String, String> metadata,
            String imageId, List<String> productImageIds, List<Crop> crops, Instant occurredAt) {
        return new CropsEvent(Contracts.SCHEMA_VERSION, Type.CROPS, productId, category, title, metadata, imageId,
                productImageIds, crops, occurredAt, null);
    }

    public static CropsEvent delete(String productId, Instant occurredAt) {
        return new CropsEvent(Contracts.SCHEMA_VERSION, Type.DELETE, productId, null, null, null, null, null, null,
                occurredAt, null);
    }

    /** The same event with the source ProductEvent's explicit version, carried unchanged like occurredAt. */
    public CropsEvent withVersion(Long version) {
        return new CropsEvent(schemaVersion, type, productId, category, title, metadata, imageId, productImageIds, crops,
                occurredAt, version);
    }
}
