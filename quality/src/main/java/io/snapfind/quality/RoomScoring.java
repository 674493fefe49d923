package io.snapfind.quality;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The shop-the-look figures (issue 13), as pure functions of the hits. Each region's vector hits are grouped by
 * product as the gateway's {@code SearchService.rank} groups them; a product's room score is its best score over the
 * room's regions; hit@10 and recall@k are per room, then averaged over rooms; object top-1 precision is per room the
 * share of its regions whose first hit is a product of the room, averaged over rooms.
 */
public final class RoomScoring {

    private RoomScoring() {
    }

    /** A product hit: the product's index in the catalog, its score and the vector that gave it. */
    public record ProductHit(int product, float score, int vector) {
    }

    /**
     * The gateway's grouping of one region's vector hits ({@code SearchService.rank}): hits under {@code minScore}
     * dropped, sorted by score (stable), the first hit of each product kept, at most {@code k} products.
     */
    static List<ProductHit> group(List<CatalogIndex.VectorHit> nearest, IntFunction<Integer> productOf, int k,
            float minScore) {
        Map<Integer, ProductHit> best = new LinkedHashMap<>();
        nearest.stream().filter(hit -> hit.score() >= minScore)
                .sorted(Comparator.comparingDouble(CatalogIndex.VectorHit::score).reversed())
                .forEach(hit -> best.putIfAbsent(productOf.apply(hit.vector()),
                        new ProductHit(productOf.apply(hit.vector()), hit.score(), hit.vector())));
        return best.values().stream().limit(k).toList();
    }

    /**
     * CSLS hubness correction of one region's vector hits, as the gateway can apply it to what Milvus returns:
     * each hit's score becomes {@code cos − r(x)/2 − r(q)/2} (CSLS's {@code 2 cos − r(x) − r(q)}, halved), where
     * {@code r(x)/2} is the hit vector's stored offset (its mean similarity to its k nearest catalog vectors, halved)
     * and {@code r(q)} the mean score of the query's first k hits. The hits are re-sorted by that score.
     */
    static List<CatalogIndex.VectorHit> csls(List<CatalogIndex.VectorHit> nearest, double[] offsets, int k) {
        double rq = 0;
        int n = Math.min(k, nearest.size());
        for (int i = 0; i < n; i++) {
            rq += nearest.get(i).score();
        }
        double queryOffset = n == 0 ? 0 : rq / n / 2;
        List<CatalogIndex.VectorHit> corrected = new ArrayList<>(nearest.size());
        for (CatalogIndex.VectorHit hit : nearest) {
            corrected.add(new CatalogIndex.VectorHit(hit.vector(),
                    (float) (hit.score() - offsets[hit.vector()] - queryOffset)));
        }
        corrected.sort(Comparator.comparingDouble(CatalogIndex.VectorHit::score).reversed());
        return corrected;
    }

    /**
     * The room's products from all its regions: each product once, with its best score over the regions, best
     * first; equal scores keep the order of first appearance (region by region, rank by rank).
     */
    public static List<ProductHit> merge(List<List<ProductHit>> regions) {
        Map<Integer, ProductHit> best = new LinkedHashMap<>();
        for (List<ProductHit> region : regions) {
            for (ProductHit hit : region) {
                best.merge(hit.product(), hit, (a, b) -> b.score() > a.score() ? b : a);
            }
        }
        List<ProductHit> merged = new ArrayList<>(best.values());
        merged.sort(Comparator.comparingDouble(ProductHit::score).reversed());
        return merged;
    }

    /** One room's figures. */
    public record RoomFigures(boolean hitAt10, double recallAt10, double recallAt50, double objectTop1, int regions,
            int regionsRight) {
    }

    /** The figures of one room from its regions' grouped hits, its merged list and its products (catalog indices). */
    public static RoomFigures figures(List<List<ProductHit>> regions, List<ProductHit> merged, Set<Integer> roomProducts) {
        int found10 = found(merged, roomProducts, 10);
        int found50 = found(merged, roomProducts, 50);
        int right = 0;
        for (List<ProductHit> region : regions) {
            if (!region.isEmpty() && roomProducts.contains(region.get(0).product())) {
                right++;
            }
        }
        int size = Math.max(1, roomProducts.size());
        return new RoomFigures(found10 > 0, (double) found10 / size, (double) found50 / size,
                regions.isEmpty() ? 0 : (double) right / regions.size(), regions.size(), right);
    }

    /** How many of the first {@code n} merged products are the room's. */
    public static int found(List<ProductHit> merged, Set<Integer> roomProducts, int n) {
        int count = 0;
        for (int i = 0; i < Math.min(n, merged.size()); i++) {
            if (roomProducts.contains(merged.get(i).product())) {
                count++;
            }
        }
        return count;
    }

    /** Rank (from 1) of {@code product} in the merged list, 0 when absent. */
    public static int rank(List<ProductHit> merged, int product) {
        for (int i = 0; i < merged.size(); i++) {
            if (merged.get(i).product() == product) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Means over rooms. */
    public record Summary(int rooms, double hitAt10, double recallAt10, double recallAt50, double objectTop1,
            double regionsPerRoom) {
        public static Summary of(List<RoomFigures> rooms) {
            int n = rooms.size();
            if (n == 0) {
                return new Summary(0, 0, 0, 0, 0, 0);
            }
            return new Summary(n, rooms.stream().mapToDouble(r -> r.hitAt10() ? 1 : 0).sum() / n,
                    rooms.stream().mapToDouble(RoomFigures::recallAt10).sum() / n,
                    rooms.stream().mapToDouble(RoomFigures::recallAt50).sum() / n,
                    rooms.stream().mapToDouble(RoomFigures::objectTop1).sum() / n,
                    rooms.stream().mapToDouble(RoomFigures::regions).sum() / n);
        }
    }

    /**
     * Per category of the rooms' products: rooms holding one, (room, product) pairs, hit@10 (share of those rooms
     * with a product of the category among their first 10 merged), recall@10 and recall@50 pooled over the pairs,
     * and the share of pairs found anywhere in the merged list.
     */
    public record CategoryFigures(String category, int rooms, int pairs, double hitAt10, double recallAt10,
            double recallAt50, double foundAnywhere) {
    }

    /** One room as the per-category table needs it: its products with their category and merged rank (0 = absent). */
    public record RankedProduct(String category, int rank) {
    }

    public static List<CategoryFigures> perCategory(List<List<RankedProduct>> rooms, int minPairs) {
        Map<String, int[]> counts = new TreeMap<>(); // rooms, pairs, roomsHit10, found10, found50, foundAny
        for (List<RankedProduct> room : rooms) {
            Map<String, boolean[]> inRoom = new LinkedHashMap<>();
            for (RankedProduct product : room) {
                int[] c = counts.computeIfAbsent(product.category(), k -> new int[6]);
                c[1]++;
                c[3] += product.rank() >= 1 && product.rank() <= 10 ? 1 : 0;
                c[4] += product.rank() >= 1 && product.rank() <= 50 ? 1 : 0;
                c[5] += product.rank() >= 1 ? 1 : 0;
                boolean[] seen = inRoom.computeIfAbsent(product.category(), k -> new boolean[1]);
                seen[0] |= product.rank() >= 1 && product.rank() <= 10;
            }
            inRoom.forEach((category, hit) -> {
                int[] c = counts.get(category);
                c[0]++;
                c[2] += hit[0] ? 1 : 0;
            });
        }
        List<CategoryFigures> figures = new ArrayList<>();
        int[] other = new int[6];
        int otherCategories = 0;
        for (Map.Entry<String, int[]> entry : counts.entrySet()) {
            int[] c = entry.getValue();
            if (c[1] >= minPairs) {
                figures.add(category(entry.getKey(), c));
            } else {
                otherCategories++;
                for (int i = 0; i < c.length; i++) {
                    other[i] += c[i];
                }
            }
        }
        figures.sort(Comparator.comparingInt(CategoryFigures::pairs).reversed()
                .thenComparing(CategoryFigures::category));
        if (otherCategories > 0) {
            // Rooms and room hit rates do not add up across categories; for the rest only the pooled pairs count.
            CategoryFigures rest = category("(" + otherCategories + " other categories, < " + minPairs
                    + " pairs each)", other);
            figures.add(new CategoryFigures(rest.category(), -1, rest.pairs(), Double.NaN, rest.recallAt10(),
                    rest.recallAt50(), rest.foundAnywhere()));
        }
        return figures;
    }

    private static CategoryFigures category(String name, int[] c) {
        return new CategoryFigures(name, c[0], c[1], c[0] == 0 ? 0 : (double) c[2] / c[0], (double) c[3] / c[1],
                (double) c[4] / c[1], (double) c[5] / c[1]);
    }

    /** The {@code p}-th percentile (nearest rank) of the values. */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
