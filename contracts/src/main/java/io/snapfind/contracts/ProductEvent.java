package io.snapfind.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A catalog change on {@link Topics#CATALOG_PRODUCTS}, keyed by productId. An UPSERT carries the whole product
 * version; a DELETE carries only productId, occurredAt and the optional version. Versions order a product's
 * events: the indexer never applies an older one over a newer one (docs/events.md, "Ordering and delivery").
 */
public record ProductEvent(
        int schemaVersion,
        Type type,
        String productId,
        String category,
        String title,
        Map<String, String> metadata,
        List<ProductImage> images,
        Instant occurredAt,
        // Optional: a catalog that numbers its product versions sets it, and it then orders them instead of occurredAt.
        Long version) {

    public enum Type { UPSERT, DELETE }

    public ProductEvent {
        Check.schemaVersion(schemaVersion);
        Check.present(type, "type");
        Check.nonBlank(productId, "productId");
        Check.present(occurredAt, "occurredAt");
        metadata = Check.metadata(metadata);
        Check.version(version);
        if (type == Type.UPSERT) {
            Check.nonBlank(category, "category");
            Check.present(title, "title");
            images = Check.nonEmpty(images, "images");
            Check.unique(images.stream().map(ProductImage::imageId).toList(), "images", ".imageId");
        } else {
            images = Check.elements(images, "images");
        }
    }

    public static ProductEvent upsert(String productId, String category, String title,
            Map<String, String> metadata, List<ProductImage> images, Instant occurredAt) {
        return new ProductEvent(Contracts.SCHEMA_VERSION, Type.UPSERT, productId, category, title, metadata, images,
                occurredAt, null);
    }

    public static ProductEvent delete(String productId, Instant occurredAt) {
        return new ProductEvent(Contracts.SCHEMA_VERSION, Type.DELETE, productId, null, null, null, null, occurredAt,
                null);
    }

    /** The same event with the catalog's explicit version (null: ordered by occurredAt). */
    public ProductEvent withVersion(Long version) {
        return new ProductEvent(schemaVersion, type, productId, category, title, metadata, images, occurredAt, version);
    }
}
