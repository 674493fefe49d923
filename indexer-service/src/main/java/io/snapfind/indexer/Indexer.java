package io.snapfind.indexer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.snapfind.contracts.ContractViolation;
import io.snapfind.contracts.CropVector;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.SourceRecord;
import io.snapfind.contracts.VectorsEvent;
import io.snapfind.milvus.Filters;
import io.snapfind.milvus.IndexSchema;

/**
 * Turns a batch of {@code images.vectors} records into Milvus writes: decode, route each model to its collection,
 * validate the rows, skip what is older than the version the index holds, then apply the rest as one
 * {@link IndexPlan}. Records that can never be indexed come back as dead letters; when Milvus is unavailable the
 * whole batch fails with {@link IndexUnavailableException} and can be retried as it is, because every write is
 * idempotent.
 *
 * <p>Versions ({@link ProductVersion}) are kept in each collection's manifest, deletions as tombstones, so the order
 * holds across batches, restarts, replays of dead letters and the re-index replay: an event older than the product's
 * stored version, or than its last deletion, is skipped (counted, logged, committed), never applied.
 */
public final class Indexer {

    static final String STAGE_DECODE = "indexer.decode";
    static final String STAGE_ROUTE = "indexer.route";
    static final String STAGE_VALIDATE = "indexer.validate";
    static final String STAGE_WRITE = "indexer.write";

    private static final System.Logger LOG = System.getLogger(Indexer.class.getName());

    /** Product ids per {@code productId in [...]} delete or manifest lookup. */
    private static final int PRODUCT_CHUNK = 1024;

    private final VectorStore index;
    private final CollectionRouter router;
    private final IndexSettings settings;
    private final int writeChunkRows;
    private final Clock clock;
    private final EventCodec codec = new EventCodec();
    private final ObjectMapper json = new ObjectMapper();

    public Indexer(VectorStore index, IndexSettings settings, int writeChunkRows, Clock clock) {
        if (writeChunkRows <= 0) {
            throw new IllegalArgumentException("write chunk must be positive, got " + writeChunkRows);
        }
        this.index = index;
        this.settings = settings;
        this.router = new CollectionRouter(index, settings);
        this.writeChunkRows = writeChunkRows;
        this.clock = clock;
    }

    /**
     * Indexes the records, which must be in offset order within each partition.
     *
     * @throws IndexUnavailableException when Milvus is unavailable; nothing of the outcome is then reported and the
     *         batch should be retried
     */
    public BatchOutcome index(List<SourceRecord> batch) {
        List<Accepted> accepted = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        long now = clock.millis();
        for (SourceRecord record : batch) {
            try {
                accepted.add(accept(record, now));
            } catch (Rejected rejected) {
                deadLetters.add(rejected.deadLetter(record, clock.instant()));
            }
        }
        List<Accepted> stale = new ArrayList<>();
        Map<String, Map<String, Manifest>> manifests = new LinkedHashMap<>();
        accepted = withoutStale(accepted, stale, manifests);
        Totals totals;
        List<Instant> indexed = new ArrayList<>();
        try {
            totals = apply(IndexPlan.of(accepted.stream().map(Accepted::change).toList()), manifests);
            accepted.forEach(a -> {
                indexed.add(a.occurredAt());
                logIndexed(a);
            });
        } catch (IndexRejectedException batchRejected) {
            // One record spoils the batch: apply them one at a time, in order, to find it and keep the others.
            totals = new Totals();
            for (Accepted one : accepted) {
                try {
                    // Earlier writes of this batch may have changed the manifests: each one reads them again.
                    totals.add(apply(IndexPlan.of(List.of(one.change())), null));
                    indexed.add(one.occurredAt());
                    logIndexed(one);
                } catch (IndexRejectedException e) {
                    deadLetters.add(new Rejected(STAGE_WRITE, "milvus-rejected", e.getMessage(), one.event())
                            .deadLetter(one.record(), clock.instant()));
                }
            }
        }
        return new BatchOutcome(batch.size(), indexed, deadLetters, totals.upserted, totals.deleted, stale.size(),
                clock.instant());
    }

    /**
     * The changes that are not older than what the index holds for their product: its manifest's version in the
     * change's collection (every collection for a deletion, which applies to all), or an earlier change of the batch.
     * The rest go to {@code stale}, in order; the manifests read go to {@code manifests} (collection → productId), so
     * that applying the batch need not read them again.
     */
    private List<Accepted> withoutStale(List<Accepted> accepted, List<Accepted> stale,
            Map<String, Map<String, Manifest>> manifests) {
        if (accepted.isEmpty()) {
            return accepted;
        }
        List<String> everyCollection = index.collections(settings.prefix());
        Map<String, Set<String>> productsByCollection = new LinkedHashMap<>();
        for (Accepted one : accepted) {
            List<String> collections = one.change() instanceof ProductChange.ImageVectors vectors
                    ? List.of(vectors.collection()) : everyCollection;
            collections.forEach(c -> productsByCollection.computeIfAbsent(c, k -> new LinkedHashSet<>())
                    .add(one.change().productId()));
        }
        // collection -> productId -> the newest version known so far, starting from the manifests.
        Map<String, Map<String, ProductVersion>> known = new LinkedHashMap<>();
        productsByCollection.forEach((collection, productIds) -> {
            Map<String, ProductVersion> versions = known.computeIfAbsent(collection, c -> new LinkedHashMap<>());
            Map<String, Manifest> read = manifests.computeIfAbsent(collection, c -> new LinkedHashMap<>());
            for (List<String> chunk : chunks(List.copyOf(productIds), PRODUCT_CHUNK)) {
                read.putAll(index.manifests(collection, chunk));
            }
            read.forEach((id, manifest) -> versions.put(id, manifest.version()));
        });
        List<Accepted> current = new ArrayList<>(accepted.size());
        for (Accepted one : accepted) {
            ProductChange change = one.change();
            List<String> collections = change instanceof ProductChange.ImageVectors vectors
                    ? List.of(vectors.collection()) : everyCollection;
            ProductVersion held = null;
            for (String collection : collections) {
                held = ProductVersion.newer(held, known.get(collection).get(change.productId()));
            }
            ProductVersion newest = held;
            if (change.version().olderThan(newest)) {
                stale.add(one);
                LOG.log(System.Logger.Level.INFO, () -> String.format(
                        "Skipped stale %s of productId=%s (%s): the index holds %s", one.event().type(),
                        change.productId(), change.version(), newest));
                continue;
            }
            collections.forEach(collection -> known.get(collection).put(change.productId(), change.version()));
            current.add(one);
        }
        return current;
    }

    /** Drops cached knowledge of collections, so the next batch checks (and reloads) them again. */
    public void recover() {
        router.forget();
        index.forgetState();
    }

    private Accepted accept(SourceRecord record, long now) throws Rejected {
        if (record.value() == null) {
            throw new Rejected(STAGE_DECODE, "contract-violation", "the record has no value (tombstone)", null);
        }
        VectorsEvent event;
        try {
            event = codec.decodeVectors(record.value());
        } catch (ContractViolation e) {
            throw new Rejected(STAGE_DECODE, "contract-violation", e.getMessage(), null);
        }
        if (event.type() == VectorsEvent.Type.DELETE) {
            return new Accepted(record, event, new ProductChange.Deletion(event.productId(), ProductVersion.of(event)));
        }
        CollectionRouter.Route route = router.route(event.modelId(), event.dimension());
        if (route.collection().isEmpty()) {
            throw new Rejected(STAGE_ROUTE, route.reason(), route.detail(), event);
        }
        return new Accepted(record, event, new ProductChange.ImageVectors(route.collection().get(),
                event.productId(), event.imageId(), event.productImageIds(), rows(event, now), ProductVersion.of(event)));
    }

    private List<IndexRow> rows(VectorsEvent event, long now) throws Rejected {
        requireBytes(event.productId(), IndexSchema.MAX_ID_BYTES, "productId", event);
        requireBytes(event.imageId(), IndexSchema.MAX_ID_BYTES, "imageId", event);
        requireBytes(event.category(), IndexSchema.MAX_CATEGORY_BYTES, "category", event);
        requireBytes(event.modelId(), IndexSchema.MAX_MODEL_ID_BYTES, "modelId", event);
        requireMetadataSize(event);
        String title = truncateUtf8(event.title(), IndexSchema.MAX_TITLE_BYTES);
        List<IndexRow> rows = new ArrayList<>(event.vectors().size());
        for (CropVector crop : event.vectors()) {
            requireBytes(crop.cropId(), IndexSchema.MAX_CROP_ID_BYTES, "cropId", event);
            requireBytes(crop.label(), IndexSchema.MAX_LABEL_BYTES, "label", event);
            rows.add(new IndexRow(crop.cropId(), event.productId(), event.imageId(), event.category(), title,
                    event.metadata(), crop.label(), crop.box(), crop.score(), event.modelId(),
                    event.occurredAt().toEpochMilli(), now, crop.vector()));
        }
        return rows;
    }

    /**
     * @param manifests the manifests as they were before the plan (collection → productId, from
     *                  {@link #withoutStale}), or null to read them
     */
    private Totals apply(IndexPlan plan, Map<String, Map<String, Manifest>> manifests) {
        Totals totals = new Totals();
        if (!plan.deletedProducts().isEmpty()) {
            List<String> deleted = List.copyOf(plan.deletedProducts().keySet());
            for (String collection : index.collections(settings.prefix())) {
                for (List<String> chunk : chunks(deleted, PRODUCT_CHUNK)) {
                    // By filter rather than by manifest: a deletion must leave nothing, whatever wrote the rows.
                    totals.deleted += index.delete(collection, Filters.in(IndexSchema.PRODUCT_ID, chunk));
                    Map<String, Manifest> tombstones = new LinkedHashMap<>();
                    chunk.forEach(id -> tombstones.put(id, Manifest.tombstone(plan.deletedProducts().get(id))));
                    index.writeManifests(collection, tombstones);
                }
            }
        }
        for (Map.Entry<String, List<IndexRow>> upsert : plan.upserts().entrySet()) {
            for (List<IndexRow> chunk : chunks(upsert.getValue(), writeChunkRows)) {
                index.upsert(upsert.getKey(), chunk);
                totals.upserted += chunk.size();
            }
        }
        for (Map.Entry<String, List<IndexPlan.ProductImages>> products : plan.productImages().entrySet()) {
            for (List<IndexPlan.ProductImages> chunk : chunks(products.getValue(), PRODUCT_CHUNK)) {
                totals.deleted += replaceManifests(products.getKey(), chunk,
                        manifests == null ? null : manifests.getOrDefault(products.getKey(), Map.of()),
                        plan.deletedProducts().keySet());
            }
        }
        return totals;
    }

    /**
     * Reads the products' manifests by key, deletes the crops that are gone by key, then writes the new manifests.
     * Only key lookups: Milvus (Lite above all) would otherwise evaluate a productId filter on every row. The manifest
     * is written last, so after a crash the replay still finds the old one and deletes the same stale crops.
     * {@code known} holds the manifests read before phase 1 (null: read them now); a product the plan deleted has
     * none left, whatever was read.
     */
    private long replaceManifests(String collection, List<IndexPlan.ProductImages> products,
            Map<String, Manifest> known, Set<String> deletedProducts) {
        Map<String, Manifest> before = known != null ? known : index.manifests(collection,
                products.stream().map(IndexPlan.ProductImages::productId).toList());
        List<String> stale = new ArrayList<>();
        Map<String, Manifest> after = new LinkedHashMap<>();
        for (IndexPlan.ProductImages product : products) {
            Manifest previous = deletedProducts.contains(product.productId()) ? null : before.get(product.productId());
            Map<String, Set<String>> previousImages = previous == null ? Map.of() : previous.images();
            Map<String, Set<String>> next = product.after(previousImages);
            stale.addAll(IndexPlan.ProductImages.removed(previousImages, next));
            after.put(product.productId(), new Manifest(next, product.version(), false));
        }
        long deleted = 0;
        for (List<String> chunk : chunks(stale, writeChunkRows)) {
            deleted += index.deleteRows(collection, chunk);
        }
        index.writeManifests(collection, after);
        return deleted;
    }

    private void requireBytes(String value, int maxBytes, String field, VectorsEvent event) throws Rejected {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw new Rejected(STAGE_VALIDATE, "field-too-long",
                    field + " has " + bytes + " bytes, the index stores at most " + maxBytes, event);
        }
    }

    private void requireMetadataSize(VectorsEvent event) throws Rejected {
        try {
            int bytes = json.writeValueAsBytes(event.metadata()).length;
            if (bytes > IndexSchema.MAX_METADATA_BYTES) {
                throw new Rejected(STAGE_VALIDATE, "field-too-long", "metadata is " + bytes
                        + " bytes as JSON, the index stores at most " + IndexSchema.MAX_METADATA_BYTES, event);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }

    /** The longest prefix of {@code text} whose UTF-8 encoding fits in {@code maxBytes}, cut between code points. */
    static String truncateUtf8(String text, int maxBytes) {
        if (text.length() * 3 <= maxBytes || text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return text;
        }
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }

    private static void logIndexed(Accepted accepted) {
        LOG.log(System.Logger.Level.INFO, () -> accepted.change() instanceof ProductChange.ImageVectors vectors
                ? String.format("Indexed productId=%s imageId=%s rows=%d into %s", vectors.productId(),
                        vectors.imageId(), vectors.rows().size(), vectors.collection())
                : String.format("Deleted productId=%s from every collection", accepted.change().productId()));
    }

    private static <T> List<List<T>> chunks(List<T> items, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += size) {
            chunks.add(items.subList(from, Math.min(items.size(), from + size)));
        }
        return chunks;
    }

    private static final class Totals {
        long upserted;
        long deleted;

        void add(Totals other) {
            upserted += other.upserted;
            deleted += other.deleted;
        }
    }

    /** A decoded, routed change and the record and event it came from. */
    private record Accepted(SourceRecord record, VectorsEvent event, ProductChange change) {
        Instant occurredAt() {
            return event.occurredAt();
        }
    }

    /** A record that cannot be indexed, with the stage, reason code and detail of its dead letter. */
    private static final class Rejected extends Exception {
        private final String stage;
        private final String reason;
        private final transient VectorsEvent event;

        Rejected(String stage, String reason, String detail, VectorsEvent event) {
            super(detail, null, false, false);
            this.stage = stage;
            this.reason = reason;
            this.event = event;
        }

        DeadLetter deadLetter(SourceRecord record, Instant now) {
            String productId = event != null ? event.productId() : record.key();
            String imageId = event != null ? event.imageId() : null;
            return DeadLetter.of(stage, reason, getMessage(), record.topic(), record.partition(), record.offset(),
                    record.key(), record.value(), productId, imageId, now);
        }
    }
}
