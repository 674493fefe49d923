package io.snapfind.quality;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.embedder.model.ModelCatalog;
import io.snapfind.evaluation.GroceryStore;
import io.snapfind.evaluation.RankFusion;
import io.snapfind.harness.ProjectPaths;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code snapfind-quality}: retrieval quality of the embedder's models on a labelled image set. {@code eval} runs
 * one configuration, {@code compare} every model × metric × views combination and the rank fusions. Run through
 * {@code quality/eval.sh}.
 */
@Command(name = "snapfind-quality", mixinStandardHelpOptions = true, version = "snapfind-quality 0.1",
        subcommands = { QualityCli.Eval.class, QualityCli.Compare.class, QualityCli.Rooms.class, QualityCli.Whiten.class,
                BackboneChart.class,
                CommandLine.HelpCommand.class },
        description = "Retrieval quality of Snapfind's embedding models on a labelled image set: top-1/top-5 accuracy, "
                + "precision@5, mAP@10, per-class figures and query latency, with exact in-memory search.")
public final class QualityCli implements Runnable {

    static {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("java.awt.headless", "true");
    }

    /** The seed of the hold-out split of folder-per-class sets (IKEA), shared with the regression test. */
    static final long HOLD_OUT_SEED = 20261123L;

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new QualityCli()).setCaseInsensitiveEnumValuesAllowed(true);
        // A wrong option value, a missing file or an unusable model is the user's to fix: say what, not where.
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof io.snapfind.embedder.model.ModelLoadException
                    || e instanceof java.io.UncheckedIOException) {
                line.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(commandLine.execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    enum SetKind { GROCERY, IKEA, FOLDERS, GALLERY_QUERIES }

    /** Which labelled set, and how it is split. */
    static final class SetOptions {
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

        @Option(names = "--seed", description = "seed of the hold-out split. Default: " + HOLD_OUT_SEED + ".")
        Long seed;

        @Option(names = "--gallery", description = "gallery directory (a folder per class) for --set gallery-queries.")
        Path gallery;

        @Option(names = "--queries", description = "query directory (a folder per class) for --set gallery-queries.")
        Path queries;

        @Option(names = "--queries-per-class", description = "use at most this many queries per class (a quick "
                + "subset).")
        Integer queriesPerClass;

        EvalSet load() {
            SetKind kind;
            try {
                kind = SetKind.valueOf(set.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown --set '" + set + "': use grocery, ikea, folders or "
                        + "gallery-queries");
            }
            long splitSeed = seed == null ? HOLD_OUT_SEED : seed;
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

    /** Models, runtime and report settings shared by both commands. */
    static final class RunOptions {
        @Option(names = "--models-dir", description = "folder of the ONNX models. Default: the assets' models/.")
        Path modelsDir;

        @Option(names = "--head", description = "projection head file (io.snapfind.embedder.model.ProjectionHead) "
                + "for the '<model>+head' sources.")
        Path head;

        @Option(names = "--rrf-k", defaultValue = "" + RankFusion.DEFAULT_K,
                description = "reciprocal rank fusion constant k. Default: ${DEFAULT-VALUE}.")
        int rrfK;

        @Option(names = "--detector", defaultValue = "yolov8n",
                description = "detector for the crop modes: yolov8n or yolox-nano. Default: ${DEFAULT-VALUE}.")
        String detector;

        @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads per "
                + "inference; 0 = ONNX Runtime's default (all cores). Default: ${DEFAULT-VALUE}.")
        int threads;

        @Option(names = "--out", defaultValue = "target/quality-report",
                description = "report directory. Default: ${DEFAULT-VALUE}.")
        Path out;

        @Option(names = "--projector-out", description = "where the TensorBoard projector export goes. Default: "
                + "<--out>/projector.")
        Path projectorOut;

        @Option(names = "--examples", defaultValue = "5",
                description = "example query rows in examples.png. Default: ${DEFAULT-VALUE}.")
        int examples;

        @Option(names = "--no-projector", description = "skip the TensorBoard projector export.")
        boolean noProjector;

        @Option(names = "--no-progress", description = "no progress bar on stderr.")
        boolean noProgress;

        QualityRun.Settings settings() {
            return new QualityRun.Settings(modelsDir(), threads, detector, head, rrfK, !noProgress);
        }

        Path modelsDir() {
            return modelsDir != null ? modelsDir : ProjectPaths.requireAssets().resolve("models");
        }
    }

    static int execute(SetOptions setOptions, RunOptions runOptions, List<Configuration> configurations,
            List<String> commandLine) throws Exception {
        EvalSet set = setOptions.load();
        QualityRun.Result result = QualityRun.run(set, configurations, runOptions.settings(), System.out);
        Report report = new Report(result, commandLine);
        report.print(System.out);
        Path projector = runOptions.noProjector ? null
                : runOptions.projectorOut != null ? runOptions.projectorOut : runOptions.out.resolve("projector");
        Path markdown = report.write(runOptions.out, runOptions.examples, projector);
        System.out.println();
        System.out.println("Report: " + markdown.toAbsolutePath());
        return 0;
    }

    static List<ModelRef> refs(List<String> values) {
        return values.stream().map(ModelRef::parse).toList();
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Evaluate one configuration: a model (or a rank fusion of several), a metric and the views.")
    static final class Eval implements Callable<Integer> {
        @Mixin
        SetOptions set = new SetOptions();

        @Mixin
        RunOptions run = new RunOptions();

        @Option(names = "--model", defaultValue = "mobilenetv2", description = "catalogue model id, or "
                + "<id>+head with --head. Default: ${DEFAULT-VALUE}.")
        String model;

        @Option(names = "--fuse", split = ",", description = "fuse the rankings of these models (ids or "
                + "<id>+head) by reciprocal rank fusion instead of --model, e.g. mobilenetv2,mobilenetv2-logits.")
        List<String> fuse;

        @Option(names = "--metric", defaultValue = "cosine",
                description = "cosine or euclidean (on the raw output). Default: ${DEFAULT-VALUE}.")
        String metric;

        @Option(names = "--mode", defaultValue = "whole",
                description = "whole, crops, crops+whole or indexed (the query photo whole against the gallery's "
                        + "crops and whole images, as deployed). Default: ${DEFAULT-VALUE}.")
        String mode;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<ModelRef> members = fuse != null && !fuse.isEmpty() ? refs(fuse) : List.of(ModelRef.parse(model));
            Configuration configuration = new Configuration(members, Metric.parse(metric), Mode.parse(mode));
            return execute(set, run, List.of(configuration), commandLine(spec));
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true, description = "Compare every model × metric × "
            + "views combination, and rank fusions of the models, on one set; print a table and write the report.")
    static final class Compare implements Callable<Integer> {
        @Mixin
        SetOptions set = new SetOptions();

        @Mixin
        RunOptions run = new RunOptions();

        @Option(names = "--models", split = ",", description = "models to compare (ids or <id>+head). Default: "
                + "every model of the embedder's catalogue, plus <--head-model>+head when --head is given.")
        List<String> models;

        @Option(names = "--head-model", defaultValue = "mobilenetv2",
                description = "the model --head was trained on. Default: ${DEFAULT-VALUE}.")
        String headModel;

        @Option(names = "--metrics", split = ",", defaultValue = "cosine,euclidean",
                description = "Default: ${DEFAULT-VALUE}.")
        List<String> metrics;

        @Option(names = "--modes", split = ",", defaultValue = "whole,crops,crops+whole,indexed",
                description = "Default: ${DEFAULT-VALUE}.")
        List<String> modes;

        @Option(names = "--fuse", description = "a fusion to add, e.g. mobilenetv2,mobilenetv2-logits "
                + "(repeatable). Default: every combination of two or more of the models.")
        List<String> fuse;

        @Option(names = "--no-fusion", description = "compare single models only.")
        boolean noFusion;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<ModelRef> refs;
            if (models != null && !models.isEmpty()) {
                refs = refs(models);
            } else {
                ModelCatalog catalog = EmbedderCatalogue.load(run.modelsDir());
                List<ModelRef> all = new ArrayList<>();
                catalog.ids().forEach(id -> all.add(new ModelRef(id, false)));
                if (run.head != null) {
                    all.add(new ModelRef(headModel, true));
                }
                refs = all;
            }
            List<List<ModelRef>> fusions = new ArrayList<>();
            if (!noFusion) {
                if (fuse != null && !fuse.isEmpty()) {
                    fuse.forEach(f -> fusions.add(refs(Arrays.asList(f.split(",")))));
                } else {
                    fusions.addAll(combinations(refs));
                }
            }
            List<Configuration> configurations = new ArrayList<>();
            for (String metricName : metrics) {
                Metric metric = Metric.parse(metricName);
                for (String modeName : modes) {
                    Mode mode = Mode.parse(modeName);
                    refs.forEach(ref -> configurations.add(new Configuration(List.of(ref), metric, mode)));
                    fusions.forEach(members -> configurations.add(new Configuration(members, metric, mode)));
                }
            }
            return execute(set, run, configurations, commandLine(spec));
        }

        /** Every subset of two or more, smallest first. */
        static List<List<ModelRef>> combinations(List<ModelRef> refs) {
            List<List<ModelRef>> subsets = new ArrayList<>();
            int n = refs.size();
            for (int size = 2; size <= n; size++) {
                for (int mask = 0; mask < (1 << n); mask++) {
                    if (Integer.bitCount(mask) == size) {
                        List<ModelRef> subset = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            if ((mask & (1 << i)) != 0) {
                                subset.add(refs.get(i));
                            }
                        }
                        subsets.add(subset);
                    }
                }
            }
            return subsets;
        }
    }

    @Command(name = "rooms", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Shop the look (issue 13): index the whole IKEA catalog as the pipeline does (every crop of "
                    + "each product photo), search every room photo as the gateway's objects mode does, merge the "
                    + "regions' products and report hit@10, recall@10, recall@50, object top-1 precision, latency, "
                    + "per-category figures and an example grid. Defaults are the deployed gateway's behaviour.")
    static final class Rooms implements Callable<Integer> {
        @Option(names = "--dir", description = "the shop-the-look folder (products.csv, room-products.csv). "
                + "Default: the assets' datasets/ikea-shop-the-look.")
        Path dir;

        @Option(names = "--model", description = "embedder catalogue id, or <id>+head with --head. Default: the "
                + "embedder's configured model (snapfind.embedder.model).")
        String model;

        @Option(names = "--head", description = "projection head file for '<id>+head'.")
        Path head;

        @Option(names = "--detector", defaultValue = "yolov8n",
                description = "detector: yolov8n or yolox-nano. Default: ${DEFAULT-VALUE}.")
        String detector;

        @Option(names = "--k", defaultValue = "" + RoomsRun.DEFAULT_K,
                description = "products kept per region (the gateway's k). Default: ${DEFAULT-VALUE}.")
        int k;

        @Option(names = "--candidates-per-hit", defaultValue = "" + RoomsRun.GATEWAY_CANDIDATES_PER_HIT,
                description = "vector hits fetched per product kept before grouping by product (the gateway's "
                        + "SearchService.CANDIDATES_PER_HIT). Default: ${DEFAULT-VALUE}.")
        int candidatesPerHit;

        @Option(names = "--min-score", defaultValue = "-1",
                description = "the gateway's minScore; -1 = no threshold. Default: ${DEFAULT-VALUE}.")
        float minScore;

        @Option(names = "--max-objects", defaultValue = "" + RoomRegions.GATEWAY_MAX_OBJECTS,
                description = "detected objects searched per room, best first (the gateway's "
                        + "SearchService.MAX_OBJECTS). Default: ${DEFAULT-VALUE}.")
        int maxObjects;

        @Option(names = "--hubness", defaultValue = "0", description = "CSLS hubness correction with k catalog "
                + "neighbours: a hit scores cos − r(x)/2 − r(q)/2 (r = mean similarity to the k nearest catalog "
                + "vectors of other products / mean of the query's first k hits); 0 = none. Default: ${DEFAULT-VALUE}.")
        int hubness;

        @Option(names = "--query-score", defaultValue = "0.25", description = "the detector's score threshold for a "
                + "room's objects (the catalog's crops keep 0.25). Default: ${DEFAULT-VALUE}.")
        float queryScore;

        @Option(names = "--whole", description = "also search the whole room photo as a region.")
        boolean whole;

        @Option(names = "--tiles", arity = "0..1", split = ",", fallbackValue = "2,3", paramLabel = "N[,N]",
                description = "add grids of overlapping tiles as regions: 2 (2×2), 3 (3×3) or 2,3 (both; what "
                        + "--tiles alone means). Default: none.")
        List<Integer> tiles;

        @Option(names = "--tile-overlap", defaultValue = "0.25", description = "each tile is this much wider and "
                + "taller than its grid cell (0.25 = 1.25 cells). Default: ${DEFAULT-VALUE}.")
        double tileOverlap;

        @Option(names = { "--part", "--rooms-split" }, defaultValue = "all", description = "which rooms: all, tune "
                + "(the seeded tune share, for choosing settings or training) or report (the rest). "
                + "Default: ${DEFAULT-VALUE}.")
        String part;

        @Option(names = "--split-seed", defaultValue = "" + ShopTheLook.SPLIT_SEED,
                description = "seed of the room split. Default: ${DEFAULT-VALUE}.")
        long splitSeed;

        @Option(names = "--tune-fraction", defaultValue = "" + ShopTheLook.TUNE_FRACTION,
                description = "share of the rooms in the tune part. Default: ${DEFAULT-VALUE}.")
        double tuneFraction;

        @Option(names = "--rooms", description = "use only the first N rooms of the part (a quick run).")
        Integer rooms;

        @Option(names = "--catalog-size", description = "index only the rooms' products plus seeded random others, "
                + "N in all (a quick run; the figures are then not comparable). Default: the whole catalog.")
        Integer catalogSize;

        @Option(names = "--cache-dir", defaultValue = "target/quality-cache", description = "catalog vectors are "
                + "cached here per model and crop settings. Default: ${DEFAULT-VALUE}.")
        Path cacheDir;

        @Option(names = "--cache-queries", description = "also cache the rooms' region vectors (backbone, before any "
                + "head) in --cache-dir, for runs that differ only in the head or the scoring; their latency then "
                + "lacks the embedding.")
        boolean cacheQueries;

        @Option(names = "--no-cache", description = "neither read nor write the catalog cache.")
        boolean noCache;

        @Option(names = "--models-dir", description = "folder of the ONNX models. Default: the assets' models/.")
        Path modelsDir;

        @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads; 0 = its "
                + "default (all cores). Default: ${DEFAULT-VALUE}.")
        int threads;

        @Option(names = "--out", defaultValue = "target/quality-report/rooms",
                description = "report directory. Default: ${DEFAULT-VALUE}.")
        Path out;

        @Option(names = "--examples", defaultValue = "4",
                description = "rooms shown in examples.png. Default: ${DEFAULT-VALUE}.")
        int examples;

        @Option(names = "--no-progress", description = "no progress bar on stderr.")
        boolean noProgress;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ShopTheLook all = ShopTheLook.load(dir != null ? dir
                    : ProjectPaths.requireAssets().resolve("datasets/ikea-shop-the-look"));
            ShopTheLook.Part chosen;
            try {
                chosen = ShopTheLook.Part.valueOf(part.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown --part '" + part + "': use all, tune or report");
            }
            List<ShopTheLook.Room> roomList = all.part(chosen, splitSeed, tuneFraction);
            String description = chosen == ShopTheLook.Part.ALL ? "all rooms"
                    : String.format(Locale.ROOT, "the %s part of the split with seed %d and tune fraction %.2f",
                            chosen.name().toLowerCase(Locale.ROOT), splitSeed, tuneFraction);
            if (rooms != null) {
                roomList = roomList.subList(0, Math.min(rooms, roomList.size()));
                description += ", the first " + roomList.size();
            }
            ShopTheLook set = catalogSize == null ? new ShopTheLook(all.dir(), all.products(), roomList)
                    : all.subset(roomList, catalogSize, splitSeed);
            Path models = modelsDir != null ? modelsDir : ProjectPaths.requireAssets().resolve("models");
            String modelId = model != null ? model
                    : EmbedderCatalogue.embedderProperties().getProperty("snapfind.embedder.model", "mobilenetv2").trim();
            RoomRegions.Settings regions = new RoomRegions.Settings(maxObjects, whole,
                    tiles == null ? List.of() : tiles, tileOverlap);
            RoomsRun.Settings settings = new RoomsRun.Settings(models, modelId, head, detector, threads, k,
                    candidatesPerHit, minScore, regions, noCache ? null : cacheDir, !noProgress, hubness, queryScore,
                    cacheQueries);
            RoomsRun.Result result = RoomsRun.run(set, settings, System.out);
            RoomsReport report = new RoomsReport(result, commandLine(spec), description);
            report.print(System.out);
            Path markdown = report.write(out, examples);
            System.out.println();
            System.out.println("Report: " + markdown.toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "whiten", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Fit PCA whitening on the IKEA shop-the-look catalog's vectors (every crop of each product "
                    + "photo, as rooms indexes them; no room is used) and write it as an embedder projection head "
                    + "(one linear layer, then the head's L2 normalisation), for rooms --model ID+head --head FILE or "
                    + "the embedder's snapfind.embedder.models.<id>.head.")
    static final class Whiten implements Callable<Integer> {
        @Option(names = "--dir", description = "the shop-the-look folder. Default: the assets' "
                + "datasets/ikea-shop-the-look.")
        Path dir;

        @Option(names = "--model", required = true, description = "embedder catalogue id (no head).")
        String model;

        @Option(names = "--power", defaultValue = "0.5", split = ",", description = "each component is scaled "
                + "by (eigenvalue + shrinkage × mean eigenvalue)^-power: 0.5 = full whitening. Several (a,b): one "
                + "head each. Default: ${DEFAULT-VALUE}.")
        List<Double> power;

        @Option(names = "--shrinkage", defaultValue = "0", split = ",", description = "added to every eigenvalue, "
                + "as a fraction of the mean eigenvalue. Default: ${DEFAULT-VALUE}.")
        List<Double> shrinkage;

        @Option(names = "--drop", defaultValue = "0", split = ",", description = "leading principal components "
                + "left out. Default: ${DEFAULT-VALUE}.")
        List<Integer> drop;

        @Option(names = "--dims", defaultValue = "65536", split = ",", description = "components kept after the "
                + "dropped ones. Default: all.")
        List<Integer> dims;

        @Option(names = "--detector", defaultValue = "yolov8n", description = "detector of the catalog's crops. "
                + "Default: ${DEFAULT-VALUE}.")
        String detector;

        @Option(names = "--cache-dir", defaultValue = "target/quality-cache", description = "the rooms catalog "
                + "cache (vectors are embedded and cached when missing). Default: ${DEFAULT-VALUE}.")
        Path cacheDir;

        @Option(names = "--models-dir", description = "folder of the ONNX models. Default: the assets' models/.")
        Path modelsDir;

        @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads.")
        int threads;

        @Option(names = "--out", required = true, description = "the head file to write; with several settings, "
                + "FILE-p<power>-s<shrinkage>-drop<drop>-n<dims>.head each.")
        Path out;

        @Override
        public Integer call() throws Exception {
            ShopTheLook set = ShopTheLook.load(dir != null ? dir
                    : ProjectPaths.requireAssets().resolve("datasets/ikea-shop-the-look"));
            Path models = modelsDir != null ? modelsDir : ProjectPaths.requireAssets().resolve("models");
            RoomsRun.Settings settings = new RoomsRun.Settings(models, model, null, detector, threads,
                    RoomsRun.DEFAULT_K, RoomsRun.GATEWAY_CANDIDATES_PER_HIT, -1, RoomRegions.Settings.GATEWAY,
                    cacheDir, true);
            CatalogIndex catalog = RoomsRun.catalog(set, settings, System.out);
            long started = System.nanoTime();
            Whitening.Decomposition decomposition = Whitening.decompose(Whitening.vectors(catalog));
            double[] e = java.util.Arrays.stream(decomposition.eigenvalues()).map(x -> Math.max(0, x)).toArray();
            double total = Arrays.stream(e).sum();
            StringBuilder top = new StringBuilder();
            for (int i = 0; i < Math.min(5, e.length); i++) {
                top.append(String.format(Locale.ROOT, " %.1f%%", 100 * e[e.length - 1 - i] / total));
            }
            System.out.printf(Locale.ROOT, "PCA of %d catalog vectors (%d-d) in %.1f s; variance of the first 5 "
                    + "components:%s%n", decomposition.vectors(), e.length, (System.nanoTime() - started) / 1e9, top);
            boolean several = power.size() * shrinkage.size() * drop.size() * dims.size() > 1;
            for (double p : power) {
                for (double s : shrinkage) {
                    for (int dr : drop) {
                        for (int n : dims) {
                            Whitening.Fit fit = Whitening.head(decomposition, new Whitening.Settings(p, dr, n, s));
                            Path file = !several ? out : out.resolveSibling(String.format(Locale.ROOT,
                                    "%s-p%s-s%s-drop%d-n%d.head", out.getFileName(), p, s, dr,
                                    fit.head().outputDimension()));
                            fit.head().write(file);
                            System.out.println("Head: " + file.toAbsolutePath() + " (power " + p + ", shrinkage " + s
                                    + ", drop " + dr + ", " + fit.head().outputDimension() + " components)");
                        }
                    }
                }
            }
            return 0;
        }
    }

    private static List<String> commandLine(CommandLine.Model.CommandSpec spec) {
        List<String> words = new ArrayList<>();
        words.add(spec.name());
        words.addAll(spec.commandLine().getParseResult().originalArgs().stream()
                .dropWhile(arg -> arg.equals(spec.name())).toList());
        return words;
    }
}
