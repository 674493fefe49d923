package io.snapfind.quality;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.harness.ProjectPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "rooms", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Shop the look (issue 13): index the whole IKEA catalog as the pipeline does (every crop of "
                + "each product photo), search every room photo as the gateway's objects mode does, merge the "
                + "regions' products and report hit@10, recall@10, recall@50, object top-1 precision, latency, "
                + "per-category figures and an example grid. Defaults are the deployed gateway's behaviour.")
final class RoomsCommand implements Callable<Integer> {
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
                : EmbedderCatalogue.defaultModelId();
        RoomRegions.Settings regions = new RoomRegions.Settings(maxObjects, whole,
                tiles == null ? List.of() : tiles, tileOverlap);
        RoomsRun.Settings settings = new RoomsRun.Settings(models, modelId, head, detector, threads, k,
                candidatesPerHit, minScore, regions, noCache ? null : cacheDir, !noProgress, hubness, queryScore,
                cacheQueries);
        RoomsRun.Result result = RoomsRun.run(set, settings, System.out);
        RoomsReport report = new RoomsReport(result, QualityCli.commandLine(spec), description);
        report.print(System.out);
        Path markdown = report.write(out, examples);
        System.out.println();
        System.out.println("Report: " + markdown.toAbsolutePath());
        return 0;
    }
}
