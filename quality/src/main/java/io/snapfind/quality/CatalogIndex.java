package io.snapfind.quality;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog as the indexer stores it, in memory: for each product photo, every crop the detector service emits
 * (crop 0 = the whole image, then its detections per the service's crop rules) embedded by the embedder's own code,
 * one vector per crop, each belonging to its product. {@link #nearest} is exact cosine k-nearest-neighbour over all
 * vectors, the upper bound of the indexer's Milvus HNSW search.
 */
final class CatalogIndex {

    /** One indexed crop: its product (index into the catalog), detector label ("image" for crop 0), box. */
    record Entry(int product, String label, int x1, int y1, int x2, int y2) {
    }

    /** One vector hit: the vector's index and its cosine similarity to the query. */
    record VectorHit(int vector, float score) {
    }

    private final List<ShopTheLook.Product> products;
    private final float[][] vectors;
    private final List<Entry> entries;

    CatalogIndex(List<ShopTheLook.Product> products, List<float[]> vectors, List<Entry> entries) {
        if (vectors.size() != entries.size()) {
            throw new IllegalArgumentException(vectors.size() + " vectors for " + entries.size() + " entries");
        }
        this.products = List.copyOf(products);
        this.vectors = vectors.toArray(float[][]::new);
        this.entries = List.copyOf(entries);
    }

    List<ShopTheLook.Product> products() {
        return products;
    }

    int size() {
        return vectors.length;
    }

    Entry entry(int vector) {
        return entries.get(vector);
    }

    /** Vector {@code v} (not a copy: do not change it). */
    float[] vector(int v) {
        return vectors[v];
    }

    /**
     * Per vector, the mean cosine similarity to its {@code k} nearest vectors of other products: CSLS's
     * neighbourhood density {@code r(x)} (Conneau et al. 2018), from the catalog alone. A hub (a vector close to
     * many others, such as a plain product on a white background) has a high value.
     */
    double[] neighbourhoodMeans(int k) {
        int n = vectors.length;
        double[] means = new double[n];
        java.util.stream.IntStream.range(0, n).parallel().forEach(v -> {
            float[] query = vectors[v];
            int product = entries.get(v).product();
            float[] top = new float[k];
            java.util.Arrays.fill(top, Float.NEGATIVE_INFINITY);
            for (int u = 0; u < n; u++) {
                if (entries.get(u).product() == product) {
                    continue;
                }
                float dot = dot(vectors[u], query);
                if (dot > top[k - 1]) {
                    int i = k - 1;
                    while (i > 0 && top[i - 1] < dot) {
                        top[i] = top[i - 1];
                        i--;
                    }
                    top[i] = dot;
                }
            }
            double sum = 0;
            int count = 0;
            for (float value : top) {
                if (value != Float.NEGATIVE_INFINITY) {
                    sum += value;
                    count++;
                }
            }
            means[v] = count == 0 ? 0 : sum / count;
        });
        return means;
    }

    /**
     * The {@code limit} vectors most similar to {@code query} (dot product of unit vectors = cosine), best first;
     * equal scores keep index order.
     */
    List<VectorHit> nearest(float[] query, int limit) {
        int n = vectors.length;
        float[] scores = new float[n];
        for (int v = 0; v < n; v++) {
            scores[v] = dot(vectors[v], query);
        }
        int keep = Math.min(limit, n);
        // A full sort by (score desc, index asc): cheap next to the dot products for a catalog of a few thousand.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int byScore = Float.compare(scores[b], scores[a]);
            return byScore != 0 ? byScore : Integer.compare(a, b);
        });
        List<VectorHit> hits = new ArrayList<>(keep);
        for (int i = 0; i < keep; i++) {
            hits.add(new VectorHit(order[i], scores[order[i]]));
        }
        return hits;
    }

    /** In float, summed in index order, as the figures in QUALITY.md were computed. */
    private static float dot(float[] a, float[] b) {
        float sum = 0;
        for (int d = 0; d < a.length; d++) {
            sum += a[d] * b[d];
        }
        return sum;
    }

    /** Mean vectors per product, and how many products have no detection crop besides crop 0. */
    String summary() {
        int[] perProduct = new int[products.size()];
        entries.forEach(e -> perProduct[e.product()]++);
        long none = java.util.Arrays.stream(perProduct).filter(c -> c <= 1).count();
        return String.format(java.util.Locale.ROOT, "%d products, %d vectors (%.2f per product; %d products with no "
                + "detection crop besides crop 0)", products.size(), vectors.length,
                (double) vectors.length / products.size(), none);
    }

    /** Two indexes of the same crops by two backbones as one: each vector pair concatenated by {@link #concatenate}. */
    static CatalogIndex fused(CatalogIndex a, CatalogIndex b) {
        if (!a.entries.equals(b.entries)) {
            throw new IllegalArgumentException("the two catalogs hold different crops");
        }
        return new CatalogIndex(a.products, List.of(concatenate(a.vectors, b.vectors)), a.entries);
    }

    /** Pairwise {@link io.snapfind.embedder.FusedEmbedder#concatenate}: the vectors the embedder's fusion serves. */
    static float[][] concatenate(float[][] a, float[][] b) {
        float[][] joined = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            joined[i] = io.snapfind.embedder.FusedEmbedder.concatenate(List.of(a[i], b[i]));
        }
        return joined;
    }

    /** What one product photo became: its crops' labels, boxes and (backbone) vectors. */
    record ProductCrops(List<String> labels, List<int[]> boxes, List<float[]> vectors) {
    }

    /**
     * Builds the index: each product photo through {@link ViewMaker} (decoder, detector, {@code CropCutter}) and
     * the backbone, or from the cache when it holds the photo under the same key. {@code head} (or null) is applied
     * after the cache, so the cache holds the service's backbone vectors.
     */
    static CatalogIndex build(List<ShopTheLook.Product> products, ViewMaker maker, Backbone backbone,
            VectorHead head, CatalogCache cache, boolean progress, PrintStream log) {
        Map<String, ProductCrops> cached = cache == null ? new HashMap<>() : cache.read(log);
        int fromCache = 0;
        int computed = 0;
        List<float[]> vectors = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        try (Progress bar = progress ? Progress.bar("Indexing the catalog", products.size()) : Progress.none()) {
            for (int p = 0; p < products.size(); p++) {
                ShopTheLook.Product product = products.get(p);
                String key = CatalogCache.imageKey(product);
                ProductCrops crops = cached.get(key);
                if (crops == null) {
                    ViewMaker.Views views = maker.views(product.image(), true);
                    List<java.awt.image.BufferedImage> images = views.crops().stream().map(ViewMaker.CropView::image)
                            .toList();
                    float[][] embedded = backbone.embed(images);
                    crops = new ProductCrops(views.crops().stream().map(ViewMaker.CropView::label).toList(),
                            views.boxes(), List.of(embedded));
                    cached.put(key, crops);
                    computed++;
                    if (cache != null && computed % 500 == 0) {
                        cache.write(cached);
                    }
                } else {
                    fromCache++;
                }
                for (int c = 0; c < crops.vectors().size(); c++) {
                    float[] vector = crops.vectors().get(c);
                    vectors.add(head == null ? vector : head.apply(vector));
                    int[] box = crops.boxes().get(c);
                    entries.add(new Entry(p, crops.labels().get(c), box[0], box[1], box[2], box[3]));
                }
                bar.step();
            }
        }
        if (cache != null && computed > 0) {
            cache.write(cached);
        }
        log.printf("Catalog: %d product photos embedded now, %d from the cache%s%n", computed, fromCache,
                cache == null ? " (no cache)" : " " + cache.file());
        return new CatalogIndex(products, vectors, entries);
    }

}
