package io.snapfind.indexer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Milvus writes that bring the index to the state it would have after applying a batch of changes one by one,
 * in three phases: (1) delete every row of the products deleted in the batch, in every collection, and leave their
 * tombstones (the version of the last deletion); (2) upsert the
 * final crop rows; (3) compare each product's images with its manifest (the crop ids per image it had), delete the
 * crops that are gone and write the new manifest with the version of the product's last change. Running the phases in this order on any prior state gives the same
 * result as the one-by-one application, because within a batch:
 * <ul>
 * <li>a deletion discards everything before it, so only the changes after a product's last deletion matter, applied
 * to an empty product (phase 1 empties it first, and phase 3 has nothing left to remove);</li>
 * <li>an image's rows are those of its last {@link ProductChange.ImageVectors}, unless a later change of the same
 * product drops the image from {@code productImageIds};</li>
 * <li>an image the batch does not set keeps its earlier rows only if every change of the batch lists it.</li>
 * </ul>
 * Collections are independent: a product's changes are collapsed per collection (model), deletions apply to all.
 * Re-running a plan is harmless (upsert by cropId, deletes by key or filter, the manifest written last), which is
 * what makes redelivery safe.
 */
public record IndexPlan(Map<String, ProductVersion> deletedProducts, Map<String, List<IndexRow>> upserts,
        Map<String, List<ProductImages>> productImages) {

    /**
     * The images one product has in one collection after the batch: {@code keptImages} may keep their rows (any
     * image every change listed, plus those the batch set), {@code cropsOfSetImages} are the new crop sets, and
     * {@code version} is that of the product's last change in the collection.
     */
    public record ProductImages(String productId, Set<String> keptImages, Map<String, Set<String>> cropsOfSetImages,
            ProductVersion version) {

        /** The product's crop ids per image after the batch, given those it had before. */
        public Map<String, Set<String>> after(Map<String, Set<String>> before) {
            Map<String, Set<String>> after = new LinkedHashMap<>();
            before.forEach((imageId, cropIds) -> {
                if (keptImages.contains(imageId) && !cropsOfSetImages.containsKey(imageId)) {
                    after.put(imageId, cropIds);
                }
            });
            after.putAll(cropsOfSetImages);
            return after;
        }

        /** Crop ids present before and gone after: the stale rows to delete. */
        public static Set<String> removed(Map<String, Set<String>> before, Map<String, Set<String>> after) {
            Set<String> removed = new LinkedHashSet<>();
            before.values().forEach(removed::addAll);
            after.values().forEach(removed::removeAll);
            return removed;
        }
    }

    /** Plans the changes, which must be in their order of occurrence for each product and none of them stale. */
    public static IndexPlan of(List<ProductChange> changes) {
        Map<String, ProductFold> products = new LinkedHashMap<>();
        for (ProductChange change : changes) {
            products.computeIfAbsent(change.productId(), ProductFold::new).apply(change);
        }
        Map<String, ProductVersion> deleted = new LinkedHashMap<>();
        Map<String, Map<String, IndexRow>> upserts = new LinkedHashMap<>();
        Map<String, List<ProductImages>> images = new LinkedHashMap<>();
        for (ProductFold product : products.values()) {
            if (product.deletedAt != null) {
                deleted.put(product.productId, product.deletedAt);
            }
            product.collections.forEach((collection, fold) -> {
                Map<String, IndexRow> rows = upserts.computeIfAbsent(collection, c -> new LinkedHashMap<>());
                fold.images.values().forEach(image -> image.rows().forEach(row -> rows.put(row.cropId(), row)));
                images.computeIfAbsent(collection, c -> new ArrayList<>()).add(fold.productImages(product.productId));
            });
        }
        Map<String, List<IndexRow>> upsertLists = new LinkedHashMap<>();
        upserts.forEach((collection, rows) -> {
            if (!rows.isEmpty()) {
                upsertLists.put(collection, List.copyOf(rows.values()));
            }
        });
        return new IndexPlan(deleted, upsertLists, images);
    }

    /** The net effect of one product's changes in the batch. */
    private static final class ProductFold {
        final String productId;
        ProductVersion deletedAt;
        final Map<String, CollectionFold> collections = new LinkedHashMap<>();

        ProductFold(String productId) {
            this.productId = productId;
        }

        void apply(ProductChange change) {
            if (change instanceof ProductChange.ImageVectors vectors) {
                collections.computeIfAbsent(vectors.collection(), c -> new CollectionFold()).apply(vectors);
            } else {
                deletedAt = change.version();
                collections.clear();
            }
        }
    }

    /** One product in one collection. */
    private static final class CollectionFold {
        /** The last crop set of each image the batch set and did not drop afterwards. */
        final Map<String, ProductChange.ImageVectors> images = new LinkedHashMap<>();
        /** Images the batch did not set that keep their rows: those listed by every change so far. */
        Set<String> listedByAll;
        ProductVersion version;

        void apply(ProductChange.ImageVectors vectors) {
            version = vectors.version();
            Set<String> listed = new HashSet<>(vectors.productImageIds());
            images.keySet().retainAll(listed);
            if (listedByAll == null) {
                listedByAll = new LinkedHashSet<>(listed);
            } else {
                listedByAll.retainAll(listed);
            }
            images.put(vectors.imageId(), vectors);
        }

        ProductImages productImages(String productId) {
            Set<String> kept = new LinkedHashSet<>(images.keySet());
            kept.addAll(listedByAll);
            Map<String, Set<String>> crops = new LinkedHashMap<>();
            images.forEach((imageId, vectors) -> crops.put(imageId,
                    vectors.rows().stream().map(IndexRow::cropId).collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new))));
            return new ProductImages(productId, kept, crops, version);
        }
    }
}
