package io.snapfind.indexer;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends a model's vectors to that model's collection, creating it on first sight when allowed, so a re-index with
 * a new model fills a new collection while the active one keeps serving. Collections are checked once, then
 * remembered until {@link #forget()}.
 */
public final class CollectionRouter {

    private final VectorStore index;
    private final IndexSettings settings;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();

    public CollectionRouter(VectorStore index, IndexSettings settings) {
        this.index = index;
        this.settings = settings;
    }

    /** The collection for vectors of {@code modelId}, ready to write, or the reason they cannot be indexed. */
    public Route route(String modelId, int dimension) {
        CollectionSpec active = settings.active();
        if (modelId.equals(active.modelId()) && dimension != active.dimension()) {
            return Route.rejected("dimension-mismatch", "model '" + modelId + "' is configured with dimension "
                    + active.dimension() + " but the event has " + dimension);
        }
        CollectionSpec spec = CollectionSpec.of(settings.prefix(), modelId, dimension);
        if (ready.contains(spec.name())) {
            return Route.to(spec.name());
        }
        if (!spec.equals(active) && !settings.autoCreate() && index.describe(spec.name()).isEmpty()) {
            return Route.rejected("unknown-model", "no collection for model '" + modelId + "' (dimension "
                    + dimension + ") and automatic creation is off: create it with POST /v1/admin/collections");
        }
        try {
            index.ensureCollection(spec);
        } catch (CollectionMismatchException e) {
            return Route.rejected("collection-mismatch", e.getMessage());
        }
        ready.add(spec.name());
        return Route.to(spec.name());
    }

    public void forget() {
        ready.clear();
    }

    /** Either a collection or a rejection reason code with a human-readable detail. */
    public record Route(Optional<String> collection, String reason, String detail) {
        static Route to(String collection) {
            return new Route(Optional.of(collection), null, null);
        }

        static Route rejected(String reason, String detail) {
            return new Route(Optional.empty(), reason, detail);
        }
    }
}
