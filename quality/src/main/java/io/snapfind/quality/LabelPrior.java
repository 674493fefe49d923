package io.snapfind.quality;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A soft prior from the detector's label of a room region to the catalog's categories, learned from the catalog
 * alone (no room is used): {@code share(label, category)} is the share of the category's products that have a
 * catalog crop the detector labelled {@code label} (sofas: mostly "couch"; beds: "bed"). A vector hit of a region
 * labelled L then scores {@code cos + weight × share(L, category of the hit's product)}; the region's candidates are
 * re-sorted by it before grouping. Unlike a filter (which lowered every figure), it leaves every candidate in the
 * race, and products whose photos have no detection (crop 0 only) still profit through their category.
 */
final class LabelPrior {

    private final Map<String, Map<String, Double>> shares;
    private final double weight;

    private LabelPrior(Map<String, Map<String, Double>> shares, double weight) {
        this.shares = shares;
        this.weight = weight;
    }

    static LabelPrior fromCatalog(CatalogIndex catalog, double weight) {
        List<ShopTheLook.Product> products = catalog.products();
        List<Set<String>> labels = new ArrayList<>();
        for (int p = 0; p < products.size(); p++) {
            labels.add(new HashSet<>());
        }
        for (int v = 0; v < catalog.size(); v++) {
            CatalogIndex.Entry entry = catalog.entry(v);
            labels.get(entry.product()).add(entry.label());
        }
        Map<String, Integer> perCategory = new HashMap<>();
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        for (int p = 0; p < products.size(); p++) {
            String category = products.get(p).category();
            perCategory.merge(category, 1, Integer::sum);
            for (String label : labels.get(p)) {
                counts.computeIfAbsent(label, l -> new HashMap<>()).merge(category, 1, Integer::sum);
            }
        }
        Map<String, Map<String, Double>> shares = new HashMap<>();
        counts.forEach((label, byCategory) -> byCategory.forEach((category, n) -> shares
                .computeIfAbsent(label, l -> new HashMap<>()).put(category, n / (double) perCategory.get(category))));
        return new LabelPrior(shares, weight);
    }

    double share(String label, String category) {
        return shares.getOrDefault(label, Map.of()).getOrDefault(category, 0.0);
    }

    /** The region's candidates re-scored with the prior of its label and re-sorted, best first. */
    List<CatalogIndex.VectorHit> apply(String regionLabel, List<CatalogIndex.VectorHit> nearest, CatalogIndex catalog) {
        Map<String, Double> byCategory = shares.getOrDefault(regionLabel, Map.of());
        List<CatalogIndex.VectorHit> scored = new ArrayList<>(nearest.size());
        for (CatalogIndex.VectorHit hit : nearest) {
            String category = catalog.products().get(catalog.entry(hit.vector()).product()).category();
            scored.add(new CatalogIndex.VectorHit(hit.vector(),
                    (float) (hit.score() + weight * byCategory.getOrDefault(category, 0.0))));
        }
        scored.sort(Comparator.comparingDouble(CatalogIndex.VectorHit::score).reversed());
        return scored;
    }
}
