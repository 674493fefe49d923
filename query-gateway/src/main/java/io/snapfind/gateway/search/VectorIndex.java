package io.snapfind.gateway.search;

import java.util.List;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/** Nearest indexed crops for each query vector, best first (the Milvus alias). */
public interface VectorIndex {

    /**
     * Searches with vectors of model {@code modelId}; fails with {@link ModelMismatchException} when the index holds
     * another model's vectors, whose scores would mean nothing.
     */
    Uni<List<List<Hit>>> nearest(String modelId, List<float[]> vectors, int limit, Optional<String> category);
}
