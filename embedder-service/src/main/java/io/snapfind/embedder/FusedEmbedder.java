package io.snapfind.embedder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Several backbones as one model (a catalogue fusion, {@code snapfind.embedder.fusions.<id>}): every image is
 * embedded by each member and the members' unit vectors, each scaled by 1/sqrt(n), are concatenated. The result is
 * again a unit vector, and the cosine of two such vectors is the mean of the members' cosines, so Milvus ranks by
 * the members' average similarity. Networks trained differently err differently (QUALITY.md, "Fusion"). Each member
 * keeps its own pipeline (decoding, preprocessing, batching queue, load shedding); an image fails when any member
 * fails on it, with that member's failure.
 */
public final class FusedEmbedder implements ImageEmbedder, AutoCloseable {

    private final String modelId;
    private final List<Embedder> members;
    private final int dimension;

    public FusedEmbedder(String modelId, List<Embedder> members) {
        if (members.size() < 2) {
            throw new IllegalArgumentException("fusion '" + modelId + "' needs at least two models, got " + members.size());
        }
        this.modelId = modelId;
        this.members = List.copyOf(members);
        this.dimension = members.stream().mapToInt(Embedder::dimension).sum();
    }

    public List<Embedder> members() {
        return members;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public CompletableFuture<List<Attempt>> embedEach(List<byte[]> images, BatchingQueue.Priority priority) {
        List<CompletableFuture<List<Attempt>>> each = members.stream()
                .map(member -> member.embedEach(images, priority)).toList();
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<Attempt> fused = new ArrayList<>(images.size());
            for (int i = 0; i < images.size(); i++) {
                List<float[]> vectors = new ArrayList<>(members.size());
                Throwable failure = null;
                for (CompletableFuture<List<Attempt>> member : each) {
                    Attempt attempt = member.join().get(i);
                    if (!attempt.succeeded()) {
                        failure = attempt.failure();
                        break;
                    }
                    vectors.add(attempt.vector());
                }
                fused.add(failure != null ? Attempt.failed(failure) : Attempt.of(concatenate(vectors)));
            }
            return fused;
        });
    }

    /** Unit vectors scaled by 1/sqrt(n) and concatenated: a unit vector whose cosines are the members' mean. */
    public static float[] concatenate(List<float[]> unitVectors) {
        float scale = (float) (1 / Math.sqrt(unitVectors.size()));
        float[] joined = new float[unitVectors.stream().mapToInt(v -> v.length).sum()];
        int at = 0;
        for (float[] vector : unitVectors) {
            for (float value : vector) {
                joined[at++] = value * scale;
            }
        }
        return joined;
    }

    @Override
    public void close() {
        members.forEach(Embedder::close);
    }
}
