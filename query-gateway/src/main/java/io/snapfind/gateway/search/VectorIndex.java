package io.snapfind.gateway.search;

import java.util.List;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/** Nearest indexed crops for each query vector, best first (the Milvus alias). */
public interface VectorIndex {
    Uni<List<List<Hit>>> nearest(List<float[]> vectors, int limit, Optional<String> category);
}
