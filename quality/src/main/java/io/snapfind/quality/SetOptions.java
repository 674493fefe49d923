package io.snapfind.quality;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.snapfind.harness.ProjectPaths;
import picocli.CommandLine.Option;

/** Which labelled set, and how it is split. */
final class SetOptions {
    @Option(names = "--set", defaultValue = "grocery", description = "grocery (iconic gallery, natural-photo "
            + "queries), ikea or folders (one folder-per-class directory, split by hold-out), gallery-queries "
            + "(two folder-per-class directories). Default: ${DEFAULT-VALUE}.")
    String set;

    @Option(names = "--grocery-dir", description = "Grocery Store 'dataset' folder (classes.csv). Default: the "
            + "assets' datasets/grocery-store/dataset.")
    Path groceryDir;

    @Option(names = "--grocery-list", defaultValue = "val.txt",
            description = "list file of the natural photos. Default: ${DEFAULT-VALUE}.")
    String groceryList;

    @Option(names = "--grocery-queries", defaultValue = "evaluation", description = "evaluation (the documented "
            + "split's evaluation half, never used to train a head), training or all. Default: ${DEFAULT-VALUE}.")
    String groceryQueries;

    @Option(names = "--images", description = "folder-per-class image directory for --set ikea/folders. "
            + "Default for ikea: the assets' datasets/ikea-interior/images.")
    Path images;

    @Option(names = "--skip", split = ",", description = "class folders to leave out. Default for ikea: "
            + "room_scenes.")
    List<String> skip;

    @Option(names = "--query-fraction", defaultValue = "0.2",
            description = "share of each class held out as queries. Default: ${DEFAULT-VALUE}.")
    double queryFraction;

    @Option(names = "--min-per-class", defaultValue = "5",
            description = "classes with fewer images are dropped. Default: ${DEFAULT-VALUE}.")
    int minPerClass;

    @Option(names = "--seed", description = "seed of the hold-out split. Default: " + QualityCli.HOLD_OUT_SEED + ".")
    Long seed;

    @Option(names = "--gallery", description = "gallery directory (a folder per class) for --set gallery-queries.")
    Path gallery;

    @Option(names = "--queries", description = "query directory (a folder per class) for --set gallery-queries.")
    Path queries;

    @Option(names = "--queries-per-class", description = "use at most this many queries per class (a quick "
            + "subset).")
    Integer queriesPerClass;

    EvalSet load() {
        QualityCli.SetKind kind;
        try {
            kind = QualityCli.SetKind.valueOf(set.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --set '" + set + "': use grocery, ikea, folders or "
                    + "gallery-queries");
        }
        long splitSeed = seed == null ? QualityCli.HOLD_OUT_SEED : seed;
        EvalSet loaded = switch (kind) {
            case GROCERY -> EvalSet.grocery(groceryDir != null ? groceryDir
                    : ProjectPaths.requireAssets().resolve("datasets/grocery-store/dataset"), groceryList,
                    EvalSet.GroceryQueries.valueOf(groceryQueries.trim().toUpperCase(Locale.ROOT)));
            case IKEA -> EvalSet.heldOut("ikea", images != null ? images
                    : ProjectPaths.requireAssets().resolve("datasets/ikea-interior/images"),
                    skip != null ? Set.copyOf(skip) : Set.of("room_scenes"), queryFraction, minPerClass, splitSeed);
            case FOLDERS -> EvalSet.heldOut(name(images), require(images, "--images"),
                    skip != null ? Set.copyOf(skip) : Set.of(), queryFraction, minPerClass, splitSeed);
            case GALLERY_QUERIES -> EvalSet.galleryAndQueries(name(gallery), require(gallery, "--gallery"),
                    require(queries, "--queries"));
        };
        return queriesPerClass == null ? loaded : loaded.limitQueriesPerClass(queriesPerClass);
    }

    private static Path require(Path path, String option) {
        if (path == null) {
            throw new IllegalArgumentException(option + " is required for --set " + "folders/gallery-queries");
        }
        return path;
    }

    private static String name(Path path) {
        return path == null ? "images" : path.toAbsolutePath().normalize().getFileName().toString();
    }
}
