package io.snapfind.quality;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.snapfind.detector.CropCutter;
import io.snapfind.detector.model.DetectorSpec;
import io.snapfind.detector.model.OnnxDetector;
import io.snapfind.detector.model.OnnxModel;
import io.snapfind.detector.model.YoloDecoding;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.ImageRejected;

/**
 * The shop-the-look evaluation (issue 13): index the whole catalog as the pipeline does, search every room as the
 * gateway's {@code objects} mode does, merge the regions' products and score them against the room's products.
 */
final class RoomsRun {

    /** The gateway's {@code SearchService.CANDIDATES_PER_HIT}: vector hits fetched per product wanted when grouping. */
    static final int GATEWAY_CANDIDATES_PER_HIT = 5;
    /** The k of the definition: product hits per region. */
    static final int DEFAULT_K = 20;
    /** The detector service's thresholds (DetectorConfig: confidence 0.25, IoU 0.45, at most 100 detections). */
    static final YoloDecoding.Thresholds DETECTOR_THRESHOLDS = new YoloDecoding.Thresholds(0.25f, 0.45f, 100);

    /**
     * @param modelsDir         the models folder
     * @param model             the vector source: an embedder catalogue id, or {@code <id>+head} with {@code head}
     * @param head              projection head file for {@code +head}, or null
     * @param detector          detector catalogue id
     * @param threads           ONNX Runtime intra-op threads, 0 = its default
     * @param k                 products kept per region (the gateway's {@code k})
     * @param candidatesPerHit  vector hits fetched per product kept (the gateway's grouping: {@code k × 5})
     * @param minScore          the gateway's {@code minScore}; -1 = no threshold
     * @param regions           which regions of a room are searched
     * @param cacheDir          where catalog vectors are cached, or null for no cache
     * @param progress          progress bars on stderr
     * @param hubnessK          CSLS hubness correction with this neighbourhood size; 0 = none (the gateway today)
     * @param queryScore        the detector's score threshold for a room's objects (the catalog's stays 0.25)
     */
    record Settings(Path modelsDir, String model, Path head, String detector, int threads, int k,
            int candidatesPerHit, float minScore, RoomRegions.Settings regions, Path cacheDir, boolean progress,
            int hubnessK, float queryScore, boolean cacheQueries) {
        Settings(Path modelsDir, String model, Path head, String detector, int threads, int k, int candidatesPerHit,
                float minScore, RoomRegions.Settings regions, Path cacheDir, boolean progress) {
            this(modelsDir, model, head, detector, threads, k, candidatesPerHit, minScore, regions, cacheDir,
                    progress, 0, DETECTOR_THRESHOLDS.confidence(), false);
        }

        Settings {
            if (hubnessK < 0) {
                throw new IllegalArgumentException("--hubness must not be negative, got " + hubnessK);
            }
            if (k < 1 || k > 100) {
                throw new IllegalArgumentException("--k must be 1..100 (the gateway's limits), got " + k);
            }
            if (candidatesPerHit < 1) {
                throw new IllegalArgumentException("--candidates-per-hit must be at least 1, got " + candidatesPerHit);
            }
        }

        /** Vector hits fetched per region: the gateway asks Milvus for k × CANDIDATES_PER_HIT when grouping. */
        int vectorLimit() {
            return k * candidatesPerHit;
        }
    }

    /** One searched region and its grouped product hits. */
    record RegionResult(RoomRegions.Region region, List<RoomScoring.ProductHit> hits) {
    }

    /** One room: its regions, merged products, figures and milliseconds per phase. */
    record RoomResult(ShopTheLook.Room room, int width, int height, Set<Integer> products, List<RegionResult> regions,
            List<RoomScoring.ProductHit> merged, RoomScoring.RoomFigures figures, double decodeMillis,
            double detectMillis, double embedMillis, double searchMillis) {
        double totalMillis() {
            return decodeMillis + detectMillis + embedMillis + searchMillis;
        }
    }

    record Result(ShopTheLook set, CatalogIndex catalog, ModelSpec spec, List<RoomResult> rooms,
            RoomScoring.Summary summary, double latencyP50, double latencyP95, Settings settings, String hardware,
            double indexSeconds, double searchSeconds) {
    }

    private RoomsRun() {
    }

    static Result run(ShopTheLook set, Settings settings, PrintStream log) {
        ModelRef ref = ModelRef.parse(settings.model());
        // A fusion of the embedder's catalogue is run as the embedder runs it: every member, vectors concatenated.
        List<String> members = EmbedderCatalogue.members(ref.backbone());
        ModelSpec spec = EmbedderCatalogue.load(settings.modelsDir()).spec(members.get(0));
        VectorHead head = null;
        if (ref.head() && members.size() > 1) {
            throw new IllegalArgumentException("model '" + ref + "': a fusion takes no --head");
        }
        if (ref.head()) {
            if (settings.head() == null) {
                throw new IllegalArgumentException("model '" + ref + "' needs --head FILE");
            }
            head = VectorHead.load(settings.head());
        }
        DetectorSpec detectorSpec = DetectorSpec.named(settings.detector());
        log.println("Model " + ref + " (" + spec.file().getFileName() + ", output '" + spec.outputName() + "', "
                + spec.vectorDimension() + "-d) through the embedder's OnnxImageModel; detector " + detectorSpec.id()
                + " (" + detectorSpec.file() + "), catalog crops by the detector's CropCutter "
                + ViewMaker.SERVICE_CROP_SETTINGS);
        long started = System.nanoTime();
        // Once per run, for the catalog and the query cache.
        String cacheKey = cacheKey(spec, detectorSpec, settings);
        try (Backbone backbone = Backbone.load(spec, settings.threads());
                OnnxDetector detector = OnnxDetector.load(detectorSpec, settings.modelsDir(),
                        settings.modelsDir().resolve("coco80.names"), DETECTOR_THRESHOLDS,
                        new OnnxModel.RuntimeSettings(settings.threads(), 0, false))) {
            CatalogIndex catalog = CatalogIndex.build(set.products(), new ViewMaker(detector), backbone, head,
                    catalogCache(spec, detectorSpec, settings, cacheKey), settings.progress(), log);
            Backbone second = null;
            java.util.function.Function<List<BufferedImage>, float[][]> embedRegions = backbone::embed;
            if (members.size() > 2) {
                throw new IllegalArgumentException("fusion '" + ref + "': the rooms run fuses two models, not "
                        + members.size());
            }
            if (members.size() == 2) {
                ModelSpec secondSpec = EmbedderCatalogue.load(settings.modelsDir()).spec(members.get(1));
                log.println("Fusion " + ref + ": " + members + ", vectors concatenated as the embedder's FusedEmbedder");
                second = Backbone.load(secondSpec, settings.threads());
                CatalogIndex other = CatalogIndex.build(set.products(), new ViewMaker(detector), second, null,
                        catalogCache(secondSpec, detectorSpec, settings, cacheKey(secondSpec, detectorSpec, settings)),
                        settings.progress(), log);
                catalog = CatalogIndex.fused(catalog, other);
                Backbone fusedWith = second;
                embedRegions = images -> CatalogIndex.concatenate(backbone.embed(images), fusedWith.embed(images));
            }
            double indexSeconds = (System.nanoTime() - started) / 1e9;
            log.println("Catalog: " + catalog.summary());
            double[] offsets = null;
            if (settings.hubnessK() > 0) {
                long t = System.nanoTime();
                double[] means = catalog.neighbourhoodMeans(settings.hubnessK());
                offsets = new double[means.length];
                for (int v = 0; v < means.length; v++) {
                    offsets[v] = means[v] / 2;
                }
                log.printf(java.util.Locale.ROOT, "Hubness: CSLS offsets r(x)/2 over k=%d catalog neighbours in %.1f s%n",
                        settings.hubnessK(), (System.nanoTime() - t) / 1e9);
            }
            double[] rowOffsets = offsets;
            RoomQueryCache queries = settings.cacheQueries() && settings.cacheDir() != null
                    ? new RoomQueryCache(settings.cacheDir().resolve("rooms-queries-" + spec.id() + "-"
                            + CatalogCache.sha256(cacheKey).substring(0, 12)
                            + ".bin"))
                    : null;
            OnnxDetector queryDetector = settings.queryScore() == DETECTOR_THRESHOLDS.confidence() ? detector
                    : OnnxDetector.load(detectorSpec, settings.modelsDir(),
                            settings.modelsDir().resolve("coco80.names"), new YoloDecoding.Thresholds(
                                    settings.queryScore(), DETECTOR_THRESHOLDS.iou(), DETECTOR_THRESHOLDS.maxDetections()),
                            new OnnxModel.RuntimeSettings(settings.threads(), 0, false));
            long searchStarted = System.nanoTime();
            Map<String, Integer> productIndex = new HashMap<>();
            for (int p = 0; p < catalog.products().size(); p++) {
                productIndex.put(catalog.products().get(p).id(), p);
            }
            RoomRegions regions = new RoomRegions(new CropCutter(ViewMaker.SERVICE_CROP_SETTINGS), settings.regions());
            ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
            List<RoomResult> results = new ArrayList<>();
            try (Progress bar = settings.progress() ? Progress.bar("Searching rooms", set.rooms().size())
                    : Progress.none()) {
                for (ShopTheLook.Room room : set.rooms()) {
                    Set<Integer> products = new LinkedHashSet<>();
                    room.products().forEach(id -> {
                        Integer index = productIndex.get(id);
                        if (index == null) {
                            throw new IllegalArgumentException("room " + room.name() + " has product " + id
                                    + " that the catalog lacks");
                        }
                        products.add(index);
                    });
                    results.add(search(room, products, decoder, queryDetector, regions, embedRegions, head, catalog,
                            rowOffsets, second == null ? queries : null, settings));
                    bar.step();
                }
            } finally {
                if (second != null) {
                    second.close();
                }
                if (queryDetector != detector) {
                    queryDetector.close();
                }
                if (queries != null) {
                    queries.write();
                }
            }
            double searchSeconds = (System.nanoTime() - searchStarted) / 1e9;
            double[] latencies = results.stream().mapToDouble(RoomResult::totalMillis).toArray();
            return new Result(set, catalog, spec, results,
                    RoomScoring.Summary.of(results.stream().map(RoomResult::figures).toList()),
                    RoomScoring.percentile(latencies, 50), RoomScoring.percentile(latencies, 95), settings,
                    QualityRun.machine(settings.threads()), indexSeconds, searchSeconds);
        }
    }

    /**
     * The catalog's backbone vectors (no head), from the cache or embedded now as {@link #run} embeds them: what
     * {@code whiten} fits its head on.
     */
    static CatalogIndex catalog(ShopTheLook set, Settings settings, PrintStream log) {
        ModelSpec spec = EmbedderCatalogue.load(settings.modelsDir()).spec(ModelRef.parse(settings.model()).backbone());
        DetectorSpec detectorSpec = DetectorSpec.named(settings.detector());
        try (Backbone backbone = Backbone.load(spec, settings.threads());
                OnnxDetector detector = OnnxDetector.load(detectorSpec, settings.modelsDir(),
                        settings.modelsDir().resolve("coco80.names"), DETECTOR_THRESHOLDS,
                        new OnnxModel.RuntimeSettings(settings.threads(), 0, false))) {
            return CatalogIndex.build(set.products(), new ViewMaker(detector), backbone, null,
                    catalogCache(spec, detectorSpec, settings, cacheKey(spec, detectorSpec, settings)),
                    settings.progress(), log);
        }
    }

    /** The catalog vector cache of this model and detector under {@code key}, or null when the run has no cache. */
    private static CatalogCache catalogCache(ModelSpec spec, DetectorSpec detectorSpec, Settings settings,
            String key) {
        return key == null ? null : new CatalogCache(settings.cacheDir(), spec.id() + "-" + detectorSpec.id(), key);
    }

    /** The caches' key of this run, or null when it has no cache folder (the key hashes 30 MB of model files). */
    private static String cacheKey(ModelSpec spec, DetectorSpec detectorSpec, Settings settings) {
        return settings.cacheDir() == null ? null : cacheKey(spec, detectorSpec, settings.modelsDir());
    }

    /** One room searched as the gateway searches it: decode, detect, cut, embed all regions at once, search each. */
    static RoomResult search(ShopTheLook.Room room, Set<Integer> products, ImageDecoder decoder,
            OnnxDetector detector, RoomRegions regionMaker,
            java.util.function.Function<List<BufferedImage>, float[][]> embed, VectorHead head, CatalogIndex catalog,
            double[] offsets, RoomQueryCache queries, Settings settings) {
        long start = System.nanoTime();
        BufferedImage photo;
        try {
            photo = decoder.decode(Files.readAllBytes(room.image())).image();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + room.image(), e);
        } catch (ImageRejected e) {
            throw new IllegalArgumentException("Cannot use room photo " + room.image() + ": " + e.getMessage(), e);
        }
        long decoded = System.nanoTime();
        List<RoomRegions.Region> regions = regionMaker.regions(photo, detector.detect(photo).detections());
        long cut = System.nanoTime();
        String queryKey = room.image().getFileName() + regions.stream().map(r -> r.box().toString())
                .reduce("", (a, b) -> a + "|" + b);
        float[][] vectors = queries == null ? null : queries.get(queryKey);
        if (vectors == null) {
            vectors = embed.apply(regions.stream().map(RoomRegions.Region::image).toList());
            if (queries != null) {
                queries.put(queryKey, vectors);
            }
        } else {
            vectors = java.util.Arrays.stream(vectors).map(float[]::clone).toArray(float[][]::new);
        }
        if (head != null) {
            for (int i = 0; i < vectors.length; i++) {
                vectors[i] = head.apply(vectors[i]);
            }
        }
        long embedded = System.nanoTime();
        List<RegionResult> results = new ArrayList<>();
        List<List<RoomScoring.ProductHit>> perRegion = new ArrayList<>();
        for (int i = 0; i < regions.size(); i++) {
            List<CatalogIndex.VectorHit> nearest = catalog.nearest(vectors[i], settings.vectorLimit());
            if (offsets != null) {
                nearest = RoomScoring.csls(nearest, offsets, settings.hubnessK());
            }
            List<RoomScoring.ProductHit> hits = RoomScoring.group(nearest,
                    v -> catalog.entry(v).product(), settings.k(), settings.minScore());
            perRegion.add(hits);
            results.add(new RegionResult(regions.get(i), hits));
        }
        List<RoomScoring.ProductHit> merged = RoomScoring.merge(perRegion);
        long searched = System.nanoTime();
        return new RoomResult(room, photo.getWidth(), photo.getHeight(), products, results, merged, RoomScoring.figures(perRegion, merged, products),
                millis(decoded - start), millis(cut - decoded), millis(embedded - cut), millis(searched - embedded));
    }

    /** What the cached catalog vectors depend on: the model's file and input settings, the detector, the crops. */
    static String cacheKey(ModelSpec spec, DetectorSpec detector, Path modelsDir) {
        return String.join("|", "rooms-catalog-v1", "model=" + spec.id(), "file=" + fileStamp(spec.file()),
                "input=" + spec.inputName(), "output=" + spec.outputName(), "dimension=" + spec.dimension(),
                "size=" + spec.inputSize(), "resize=" + spec.resizeShorter(),
                "mean=" + java.util.Arrays.toString(spec.mean()), "std=" + java.util.Arrays.toString(spec.std()),
                "order=" + spec.channelOrder(), "head=" + (spec.head() == null ? "none" : spec.head().toString()),
                "detector=" + detector.id(), "detectorFile=" + fileStamp(modelsDir.resolve(detector.file())),
                "thresholds=" + DETECTOR_THRESHOLDS, "crops=" + ViewMaker.SERVICE_CROP_SETTINGS);
    }

    /**
     * The file by content, not by date: scripts/build-models.sh writes the same bytes again whenever its inputs
     * change, and a cache keyed by modification time would then embed the whole catalog again (10 to 20 minutes).
     */
    static String fileStamp(Path file) {
        try {
            return file.getFileName() + ":" + CatalogCache.sha256(Files.readAllBytes(file)).substring(0, 16);
        } catch (IOException e) {
            return file.getFileName() + ":missing";
        }
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
