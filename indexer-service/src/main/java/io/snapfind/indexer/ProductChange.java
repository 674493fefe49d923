package io.snapfind.indexer;

import java.util.List;

/** What one event asks of the index, after decoding, routing and validation, and the product version it is of. */
public sealed interface ProductChange {

    String productId();

    ProductVersion version();

    /** Remove every row of the product, in every collection, and leave a tombstone of this version. */
    record Deletion(String productId, ProductVersion version) implements ProductChange {
    }

    /**
     * The complete crop set of one product image in one collection, and the complete image set of the product:
     * rows of this image that are not in {@code rows}, and rows of images not in {@code productImageIds}, are stale.
     */
    record ImageVectors(String collection, String productId, String imageId, List<String> productImageIds,
            List<IndexRow> rows, ProductVersion version) implements ProductChange {
    }
}
