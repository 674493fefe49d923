package io.snapfind.embedder;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the stream and the REST API need from the embedder: image bytes in, L2-normalised vectors out. */
public interface ImageEmbedder {

    /** The outcome for one image: a unit-length vector, or why there is none. */
    record Attempt(float[] vector, Throwable failure) {

        public static Attempt of(float[] vector) {
            return new Attempt(vector, null);
        }

        public static Attempt failed(Throwable failure) {
            return new Attempt(null, failure);
        }

        public boolean succeeded() {
            return failure == null;
        }
    }

    /** The catalogue id of the model, carried with every vector. */
    String modelId();

    /** Length of every vector. */
    int dimension();

    /**
     * Embeds every image independently; the future always completes normally, with one attempt per image in
     * input order. A failed attempt holds an {@link io.snapfind.imaging.ImageRejected} for bad input, an
     * {@link EmbedderOverloaded} when too many images wait, or an {@link EmbeddingFailed}.
     */
    CompletableFuture<List<Attempt>> embedEach(List<byte[]> images, BatchingQueue.Priority priority);

    /** {@link #embedEach(List, BatchingQueue.Priority)} for a caller who waits (search, explain). */
    default CompletableFuture<List<Attempt>> embedEach(List<byte[]> images) {
        return embedEach(images, BatchingQueue.Priority.INTERACTIVE);
    }
}
