package io.snapfind.indexer;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Collection management: the start-up check of the configured model's collection and the alias, the searchable
 * check for one product, and the operator steps of a re-index (create, inspect, swap the alias, drop).
 */
public final class IndexAdmin {

    private static final System.Logger LOG = System.getLogger(IndexAdmin.class.getName());

    private final VectorStore index;
    private final IndexSettings settings;

    public IndexAdmin(VectorStore index, IndexSettings settings) {
        this.index = index;
        this.settings = settings;
    }

    public IndexSettings settings() {
        return settings;
    }

    /**
     * Creates or validates the configured model's collection and creates the alias on it when the alias does not
     * exist. An existing alias is never moved here: after a re-index it points at the newer model on purpose.
     *
     * @throws CollectionMismatchException when the existing collection does not fit the configured model
     */
    public void initialize() {
        CollectionSpec active = settings.active();
        index.ensureCollection(active);
        if (index.createAlias(settings.alias(), active.name())) {
            LOG.log(Level.INFO, () -> "Alias " + settings.alias() + " created on " + active.name());
            return;
        }
        String target = index.aliasTarget(settings.alias()).orElse("?");
        if (!target.equals(active.name())) {
            LOG.log(Level.WARNING, () -> String.format("Alias %s points at %s, not at %s of the configured model %s;"
                    + " readers search %s until the alias is swapped", settings.alias(), target, active.name(),
                    active.modelId(), target));
        }
    }

    /** Whether a product is indexed, read with Strong consistency from the alias's collection or the one named. */
    public Optional<ProductStatus> productStatus(String productId, Optional<String> collectionName) {
        String collection = collectionName.orElseGet(this::aliasTarget);
        if (collectionName.isPresent()) {
            requireManaged(collection);
        }
        // By key only (manifest, then rows): cheap enough to poll, and Strong, so "indexed" means readers see it.
        Manifest manifest = index.manifests(collection, List.of(productId)).get(productId);
        if (manifest == null) {
            return Optional.empty();
        }
        List<String> cropIds = manifest.images().values().stream().flatMap(Set::stream).toList();
        List<VectorStore.StoredRow> rows = index.rows(collection, cropIds);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        VectorStore.StoredRow latest = rows.stream().max(Comparator.comparingLong(VectorStore.StoredRow::indexedAtMillis))
                .orElseThrow();
        long occurredAt = rows.stream().mapToLong(VectorStore.StoredRow::occurredAtMillis).max().orElseThrow();
        return Optional.of(new ProductStatus(productId, true, rows.size(), latest.modelId(), collection,
                Instant.ofEpochMilli(latest.indexedAtMillis()), Instant.ofEpochMilli(occurredAt), latest.metadata()));
    }

    public List<CollectionInfo> collections() {
        String target = index.aliasTarget(settings.alias()).orElse(null);
        return index.collections(settings.prefix()).stream().sorted()
                .map(name -> info(name, target))
                .flatMap(Optional::stream)
                .toList();
    }

    public CollectionInfo createCollection(String modelId, int dimension) {
        CollectionSpec spec;
        try {
            spec = CollectionSpec.of(settings.prefix(), modelId, dimension);
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, e.getMessage());
        }
        try {
            index.ensureCollection(spec);
        } catch (CollectionMismatchException e) {
            throw new AdminException(AdminException.Kind.CONFLICT, e.getMessage());
        }
        return info(spec.name(), index.aliasTarget(settings.alias()).orElse(null)).orElseThrow();
    }

    /**
     * Points the alias at {@code collection} in one atomic Milvus call, once it has caught up: at least
     * {@code minCoverage} times as many rows as the collection the alias points at now, unless {@code force}.
     */
    public AliasSwap swapAlias(String collection, double minCoverage, boolean force) {
        CollectionSpec target = requireManaged(collection);
        index.ensureCollection(target);
        String current = aliasTarget();
        long targetRows = index.countRows(collection);
        long currentRows = current.equals(collection) ? targetRows : index.countRows(current);
        double coverage = currentRows == 0 ? 1.0 : (double) targetRows / currentRows;
        if (!force && coverage < minCoverage) {
            throw new AdminException(AdminException.Kind.CONFLICT, String.format(
                    "%s has %d rows, %.3f of the %d rows of %s the alias points at; wait until it has caught up "
                            + "(minCoverage %.3f) or pass force", collection, targetRows, coverage, currentRows,
                    current, minCoverage));
        }
        index.moveAlias(settings.alias(), collection);
        LOG.log(Level.INFO, () -> String.format("Alias %s moved from %s to %s (%d rows, coverage %.3f)",
                settings.alias(), current, collection, targetRows, coverage));
        return new AliasSwap(settings.alias(), current, collection, currentRows, targetRows, coverage);
    }

    /** Drops a collection that the alias does not point at. */
    public void dropCollection(String collection) {
        requireManaged(collection);
        if (collection.equals(index.aliasTarget(settings.alias()).orElse(null))) {
            throw new AdminException(AdminException.Kind.CONFLICT, collection + " is what alias " + settings.alias()
                    + " points at: swap the alias to another collection first");
        }
        index.drop(collection);
        LOG.log(Level.INFO, () -> "Collection " + collection + " dropped");
    }

    public String aliasTarget() {
        return index.aliasTarget(settings.alias()).orElseThrow(() -> new AdminException(AdminException.Kind.NOT_FOUND,
                "alias " + settings.alias() + " does not exist yet (the indexer creates it once Milvus is reachable)"));
    }

    private CollectionSpec requireManaged(String collection) {
        if (collection == null || !collection.startsWith(settings.prefix())) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "'" + collection
                    + "' is not a collection of this indexer (names start with " + settings.prefix() + ")");
        }
        return index.describe(collection).orElseThrow(() -> new AdminException(AdminException.Kind.NOT_FOUND,
                "no collection " + collection));
    }

    private Optional<CollectionInfo> info(String name, String aliasTarget) {
        return index.describe(name).map(spec -> new CollectionInfo(name, spec.modelId(), spec.dimension(),
                index.countRows(name), name.equals(aliasTarget), name.equals(settings.active().name())));
    }

    /**
     * Whether a product is searchable, and since when; {@code metadata} is the indexed version's (an importer reads
     * its own content digest there to skip what is already indexed).
     */
    public record ProductStatus(String productId, boolean indexed, int rows, String modelId, String collection,
            Instant lastIndexedAt, Instant occurredAt, Map<String, String> metadata) {
    }

    public record CollectionInfo(String name, String modelId, int dimension, long rows, boolean aliased,
            boolean configured) {
    }

    public record AliasSwap(String alias, String from, String to, long fromRows, long toRows, double coverage) {
    }
}
