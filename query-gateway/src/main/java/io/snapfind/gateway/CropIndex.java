package io.snapfind.gateway;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Nearest indexed crops for each query vector, best first (the Milvus alias). */
public interface CropIndex {

    /**
     * Searches with vectors of model {@code modelId}; fails with {@link ModelMismatchException} when the index holds
     * another model's vectors, whose scores would mean nothing, and with {@link SearchUnavailableException} when the
     * index cannot answer.
     */
    CompletionStage<List<List<Hit>>> nearest(String modelId, List<float[]> vectors, int limit,
            Optional<ProductFilter> filter);

    /** The vectors the index holds for one product (one per crop), and their model; none when it is not indexed. */
    CompletionStage<ProductVectors> vectorsOf(String productId);

    record ProductVectors(String modelId, List<float[]> vectors) {
    }
}
