package io.snapfind.gateway.search;

import java.util.List;

import io.smallrye.mutiny.Uni;

/** Turns images into L2-normalised vectors (the embedder service), in the order given. */
public interface CropEmbedder {

    record Embeddings(String modelId, List<float[]> vectors) {
    }

    Uni<Embeddings> embed(List<byte[]> jpegs);
}
