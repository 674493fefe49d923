package io.snapfind.indexer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An in-memory {@link VectorStore} that records writes; deletes are recorded as filters, not evaluated. */
final class FakeVectorStore implements VectorStore {

    final Map<String, CollectionSpec> collections = new LinkedHashMap<>();
    final Map<String, Map<String, IndexRow>> rows = new LinkedHashMap<>();
    final List<String> deleteFilters = new ArrayList<>();
    final Map<String, Manifest> manifests = new LinkedHashMap<>();
    final Set<String> rejectProducts = new HashSet<>();
    final Set<String> mismatched = new HashSet<>();
    boolean unavailable;
    int forgets;

    @Override
    public void ensureCollection(CollectionSpec spec) {
        available();
        if (mismatched.contains(spec.name())) {
            throw new CollectionMismatchException("collection " + spec.name() + " has another dimension");
        }
        collections.putIfAbsent(spec.name(), spec);
        rows.putIfAbsent(spec.name(), new LinkedHashMap<>());
    }

    @Override
    public Optional<CollectionSpec> describe(String collection) {
        available();
        return Optional.ofNullable(collections.get(collection));
    }

    @Override
    public List<String> collections(String prefix) {
        available();
        return collections.keySet().stream().filter(name -> name.startsWith(prefix)).toList();
    }

    @Override
    public void upsert(String collection, List<IndexRow> batch) {
        available();
        for (IndexRow row : batch) {
            if (rejectProducts.contains(row.productId())) {
                throw new IndexRejectedException("refused " + row.productId(), null);
            }
        }
        batch.forEach(row -> rows.get(collection).put(row.cropId(), row));
    }

    @Override
    public long delete(String collection, String filter) {
        available();
        deleteFilters.add(collection + ": " + filter);
        return 0;
    }

    @Override
    public List<StoredRow> query(String collection, String filter) {
        available();
        // Filters are not evaluated: every row is returned.
        return rows.get(collection).values().stream().map(row -> new StoredRow(row.cropId(), row.productId(),
                row.imageId(), row.modelId(), row.occurredAtMillis(), row.indexedAtMillis(), row.metadata())).toList();
    }

    @Override
    public List<StoredRow> rows(String collection, java.util.Collection<String> cropIds) {
        return query(collection, "").stream().filter(row -> cropIds.contains(row.cropId())).toList();
    }

    @Override
    public long deleteRows(String collection, java.util.Collection<String> cropIds) {
        available();
        deleteFilters.add(collection + ": cropIds " + cropIds);
        cropIds.forEach(rows.get(collection)::remove);
        return cropIds.size();
    }

    @Override
    public Map<String, Manifest> manifests(String collection, java.util.Collection<String> productIds) {
        available();
        Map<String, Manifest> found = new LinkedHashMap<>();
        productIds.forEach(id -> {
            if (manifests.containsKey(collection + "/" + id)) {
                found.put(id, manifests.get(collection + "/" + id));
            }
        });
        return found;
    }

    @Override
    public void writeManifests(String collection, Map<String, Manifest> written) {
        available();
        written.forEach((id, manifest) -> manifests.put(collection + "/" + id, manifest));
    }

    @Override
    public long countRows(String collection) {
        return rows.get(collection).size();
    }

    @Override
    public Optional<String> aliasTarget(String alias) {
        return Optional.empty();
    }

    @Override
    public boolean createAlias(String alias, String collection) {
        return true;
    }

    @Override
    public void moveAlias(String alias, String collection) {
    }

    @Override
    public void drop(String collection) {
        collections.remove(collection);
    }

    @Override
    public void forgetState() {
        forgets++;
    }

    private void available() {
        if (unavailable) {
            throw new IndexUnavailableException("Milvus is down", null);
        }
    }
}
