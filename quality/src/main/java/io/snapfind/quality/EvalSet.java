package io.snapfind.quality;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.snapfind.evaluation.GroceryStore;
import io.snapfind.evaluation.LabelledImage;
import io.snapfind.evaluation.LabelledSets;

/**
 * A gallery to index and queries to search it with, each image labelled at one or more levels (the Grocery Store's
 * fine and coarse class; one "category" level for a folder-per-class set). A query is right at a level when a result
 * has its label at that level.
 *
 * @param name        short name for reports, e.g. {@code grocery}
 * @param description how the set and its split were made, for the report
 * @param levels      names of the label levels, in order
 * @param gallery     the catalogue to index
 * @param queries     the photos to search with
 */
record EvalSet(String name, String description, List<String> levels, List<Item> gallery, List<Item> queries) {

    /** An image and its labels, one per level. */
    record Item(Path path, List<String> labels) {
        String label(int level) {
            return labels.get(level);
        }
    }

    EvalSet {
        levels = List.copyOf(levels);
        gallery = List.copyOf(gallery);
        queries = List.copyOf(queries);
        if (gallery.isEmpty() || queries.isEmpty()) {
            throw new IllegalArgumentException("set " + name + " has " + gallery.size() + " gallery images and "
                    + queries.size() + " queries; both must be non-empty");
        }
    }

    /** The number of distinct labels at {@code level} in the gallery. */
    int galleryClasses(int level) {
        Set<String> labels = new LinkedHashSet<>();
        gallery.forEach(item -> labels.add(item.label(level)));
        return labels.size();
    }

    /** Which queries to take from the Grocery Store's natural photos. */
    enum GroceryQueries {
        /** The documented evaluation half: never seen by a projection head trained on the other half. */
        EVALUATION,
        /** The documented training half (for checking a head on its own training photos only). */
        TRAINING,
        /** Every natural photo of the list file. */
        ALL
    }

    /** Iconic catalogue images as the gallery, natural photos as the queries, fine and coarse labels. */
    static EvalSet grocery(Path datasetDir, String listFile, GroceryQueries which) {
        GroceryStore store = GroceryStore.load(datasetDir, listFile);
        List<GroceryStore.Photo> queries = switch (which) {
            case EVALUATION -> store.documentedSplit().evaluation();
            case TRAINING -> store.documentedSplit().training();
            case ALL -> store.natural();
        };
        String description = "Grocery Store (" + datasetDir + "): gallery = the " + store.iconic().size()
                + " iconic catalogue images (one per fine class); queries = " + queries.size() + " natural photos of "
                + listFile + " (" + switch (which) {
                    case EVALUATION -> "the evaluation half of GroceryStore.documentedSplit(): per fine class a "
                            + "seeded shuffle (seed " + GroceryStore.SPLIT_SEED + "), the first half (rounded down) "
                            + "for training a head, the rest here";
                    case TRAINING -> "the training half of GroceryStore.documentedSplit(), seed "
                            + GroceryStore.SPLIT_SEED;
                    case ALL -> "all of them";
                } + "). Judged at the fine class (product) and the coarse class (kind of product).";
        return new EvalSet("grocery", description, List.of("fine", "coarse"), groceryItems(store.iconic()),
                groceryItems(queries));
    }

    private static List<Item> groceryItems(List<GroceryStore.Photo> photos) {
        return photos.stream().map(photo -> new Item(photo.path(), List.of(photo.fine(), photo.coarse()))).toList();
    }

    /**
     * A folder-per-class set split into gallery and queries by {@link LabelledSets#holdOut}: per class a seeded
     * shuffle, {@code queryFraction} of it (at least one image) held out as queries; classes with fewer than
     * {@code minPerClass} images dropped.
     */
    static EvalSet heldOut(String name, Path root, Set<String> skipped, double queryFraction, int minPerClass,
            long seed) {
        List<LabelledImage> images = LabelledSets.folderPerClass(root, skipped);
        LabelledSets.Split split = LabelledSets.holdOut(images, queryFraction, minPerClass, seed);
        String description = name + " (" + root + ", a folder per class" + (skipped.isEmpty() ? ""
                : ", skipping " + skipped) + "): " + images.size() + " images; per class a seeded shuffle (seed "
                + seed + "), " + Math.round(queryFraction * 100) + " % held out as queries (at least one), the rest "
                + "the gallery; classes with fewer than " + minPerClass + " images dropped. Gallery "
                + split.gallery().size() + ", queries " + split.queries().size() + ". Judged at the folder's class.";
        return new EvalSet(name, description, List.of("category"), categoryItems(split.gallery()),
                categoryItems(split.queries()));
    }

    /**
     * Two folder-per-class directories, a gallery and its queries. Queries of a class the gallery lacks cannot be
     * answered and are left out (the description says how many).
     */
    static EvalSet galleryAndQueries(String name, Path galleryRoot, Path queryRoot) {
        List<LabelledImage> gallery = LabelledSets.folderPerClass(galleryRoot, Set.of());
        Set<String> galleryLabels = new LinkedHashSet<>();
        gallery.forEach(image -> galleryLabels.add(image.label()));
        List<LabelledImage> queries = new ArrayList<>();
        int unanswerable = 0;
        for (LabelledImage query : LabelledSets.folderPerClass(queryRoot, Set.of())) {
            if (galleryLabels.contains(query.label())) {
                queries.add(query);
            } else {
                unanswerable++;
            }
        }
        String description = name + ": gallery " + galleryRoot + " (" + gallery.size() + " images, "
                + galleryLabels.size() + " classes), queries " + queryRoot + " (" + queries.size() + " images"
                + (unanswerable == 0 ? "" : "; " + unanswerable + " of classes the gallery lacks left out")
                + "), a folder per class each. Judged at the folder's class.";
        return new EvalSet(name, description, List.of("category"), categoryItems(gallery), categoryItems(queries));
    }

    /** At most {@code perClass} queries of each class (at the first level), in order: a quick subset. */
    EvalSet limitQueriesPerClass(int perClass) {
        java.util.Map<String, Integer> taken = new java.util.HashMap<>();
        List<Item> kept = queries.stream()
                .filter(item -> taken.merge(item.label(0), 1, Integer::sum) <= perClass).toList();
        return new EvalSet(name, description + " Subset: at most " + perClass + " queries per class ("
                + kept.size() + ").", levels, gallery, kept);
    }

    /** At most {@code perClass} gallery images of each class (at the first level), in order: a quick subset. */
    EvalSet limitGalleryPerClass(int perClass) {
        java.util.Map<String, Integer> taken = new java.util.HashMap<>();
        List<Item> kept = gallery.stream()
                .filter(item -> taken.merge(item.label(0), 1, Integer::sum) <= perClass).toList();
        return new EvalSet(name, description + " Subset: at most " + perClass + " gallery images per class ("
                + kept.size() + ").", levels, kept, queries);
    }

    private static List<Item> categoryItems(List<LabelledImage> images) {
        return images.stream().map(image -> new Item(image.path(), List.of(image.label()))).toList();
    }
}
