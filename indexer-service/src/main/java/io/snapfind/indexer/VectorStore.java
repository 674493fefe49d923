package io.snapfind.indexer;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The vector store as the indexer sees it. Implementations throw {@link IndexUnavailableException} when the store
 * cannot be reached or fails in a way a retry may cure, and {@link IndexRejectedException} when it refuses the
 * data itself.
 */
public interface VectorStore {

    /**
     * Creates the collection when absent (schema, HNSW/COSINE index, loaded), or checks that the existing one has
     * the expected dimension and metric and is loaded.
     *
     * @throws CollectionMismatchException when an existing collection cannot hold this model's vectors
     */
    void ensureCollection(CollectionSpec spec);

    /** What an existing collection holds, read from Milvus; empty when there is no such collection. */
    Optional<CollectionSpec> describe(String collection);

    /** Names of the collections starting with {@code prefix}. */
    List<String> collections(String prefix);

    void upsert(String collection, List<IndexRow> rows);

    /** Deletes the rows matching {@code filter}; returns how many Milvus reports deleted. */
    long delete(String collection, String filter);

    /** Rows matching {@code filter} with Strong consistency, without vectors (at most {@link IndexSchema#MAX_QUERY_ROWS}). */
    List<StoredRow> query(String collection, String filter);

    /** The rows with these crop ids (primary keys), read with Strong consistency, without vectors. */
    List<StoredRow> rows(String collection, Collection<String> cropIds);

    /** Deletes rows by primary key; returns how many Milvus reports deleted. */
    long deleteRows(String collection, Collection<String> cropIds);

    /**
     * The manifests of these products in a collection (crop ids per image, version, tombstone), by product id; a
     * product the indexer never wrote has none. Read by primary key with Strong consistency.
     */
    Map<String, Manifest> manifests(String collection, Collection<String> productIds);

    /** Writes (replaces) the manifests of these products, tombstones included. */
    void writeManifests(String collection, Map<String, Manifest> manifests);

    long countRows(String collection);

    Optional<String> aliasTarget(String alias);

    /** Creates the alias on {@code collection}; false when the alias already existed (it is then left as it is). */
    boolean createAlias(String alias, String collection);

    /** Points an existing alias at {@code collection} in one atomic step. */
    void moveAlias(String alias, String collection);

    void drop(String collection);

    /** Forgets what is known about loaded and validated collections, after Milvus failed or restarted. */
    void forgetState();

    /** A stored crop row without its vector. */
    record StoredRow(String cropId, String productId, String imageId, String modelId, long occurredAtMillis,
            long indexedAtMillis, Map<String, String> metadata) {
    }
}
