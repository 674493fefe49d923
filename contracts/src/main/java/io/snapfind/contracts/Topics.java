package io.snapfind.contracts;

/** Kafka topic names. Every topic is keyed by productId; see docs/events.md. */
public final class Topics {

    public static final String CATALOG_PRODUCTS = "catalog.products";
    public static final String IMAGES_CROPS = "images.crops";
    public static final String IMAGES_VECTORS = "images.vectors";

    private Topics() {
    }
}
