package io.snapfind.quality;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every vector of one run, computed once and reused by every configuration: per vector source (a model, with or
 * without its head, normalised or raw) and per image, the whole-image vector and the crop vectors (crop 0 first),
 * with the milliseconds each took. Images are numbered gallery first, then queries.
 */
final class Embeddings {

    private final int images;
    private final Map<String, float[][]> whole = new HashMap<>();
    private final Map<String, float[][][]> crops = new HashMap<>();
    private final Map<String, double[]> wholeMillis = new HashMap<>();
    private final Map<String, double[]> cropMillis = new HashMap<>();
    final double[] decodeMillis;
    final double[] cutMillis;
    final List<List<String>> cropLabels;

    Embeddings(int images) {
        this.images = images;
        this.decodeMillis = new double[images];
        this.cutMillis = new double[images];
        this.cropLabels = new ArrayList<>(java.util.Collections.nCopies(images, List.of()));
    }

    static String key(ModelRef source, boolean raw) {
        return source + (raw ? "|raw" : "|normalised");
    }

    int images() {
        return images;
    }

    void putWhole(ModelRef source, boolean raw, int image, float[] vector, double millis) {
        String key = key(source, raw);
        whole.computeIfAbsent(key, k -> new float[images][])[image] = vector;
        wholeMillis.computeIfAbsent(key, k -> new double[images])[image] = millis;
    }

    void putCrops(ModelRef source, boolean raw, int image, float[][] vectors, double millis) {
        String key = key(source, raw);
        crops.computeIfAbsent(key, k -> new float[images][][])[image] = vectors;
        cropMillis.computeIfAbsent(key, k -> new double[images])[image] = millis;
    }

    float[] whole(ModelRef source, boolean raw, int image) {
        return table(whole, source, raw)[image];
    }

    /** The vectors of an image as {@code mode} sees it, as a gallery image or as a query. */
    float[][] vectors(ModelRef source, boolean raw, Mode mode, int image, boolean query) {
        float[] wholeVector = whole(source, raw, image);
        boolean crops = query ? mode.queryUsesCrops() : mode.usesCrops();
        return mode.select(wholeVector, crops ? table(this.crops, source, raw)[image] : null, query);
    }

    /** Milliseconds to embed a query's views for {@code mode} (one inference for all its crops). */
    double embedMillis(ModelRef source, boolean raw, Mode mode, int image) {
        return table(mode.queryUsesCrops() ? cropMillis : wholeMillis, source, raw)[image];
    }

    /** Milliseconds to get a query's views for {@code mode}: decoding, plus detection and cutting for crops. */
    double viewMillis(Mode mode, int image) {
        return decodeMillis[image] + (mode.queryUsesCrops() ? cutMillis[image] : 0);
    }

    private static <T> T table(Map<String, T> tables, ModelRef source, boolean raw) {
        T table = tables.get(key(source, raw));
        if (table == null) {
            throw new IllegalStateException("no vectors of " + key(source, raw) + " were computed");
        }
        return table;
    }
}
