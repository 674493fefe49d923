package io.snapfind.gateway;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Turns images into L2-normalised vectors (the embedder service), in the order given. */
public interface CropEmbedder {

    record Embeddings(String modelId, List<float[]> vectors) {
    }

    CompletionStage<Embeddings> embed(List<byte[]> jpegs);
}
