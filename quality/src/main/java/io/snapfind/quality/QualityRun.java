package io.snapfind.quality;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import io.snapfind.detector.model.DetectorSpec;
import io.snapfind.detector.model.OnnxDetector;
import io.snapfind.detector.model.OnnxModel;
import io.snapfind.detector.model.YoloDecoding;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.embedder.model.ModelCatalog;
import io.snapfind.embedder.model.ModelLoadException;
import io.snapfind.evaluation.RankFusion;

/**
 * One evaluation run: loads the models the configurations need, embeds every gallery image and query once per
 * vector source (one image at a time, timed), then searches exactly for every configuration and aggregates the
 * figures per label level. Over 300 lines on purpose: those steps share the run's models, embeddings and timings,
 * and read top to bottom as the report describes them.
 */
final class QualityRun {

    /** Results kept per query: enough for top-5, P@5, mAP@10 and the example grid. */
    static final int KEPT_RESULTS = 10;

    /**
     * @param modelsDir      the embedder's and detector's model folder
     * @param intraOpThreads ONNX Runtime threads per inference, 0 = ONNX Runtime's default (all cores)
     * @param detector       detector catalogue id for the crop modes
     * @param headFile       projection head for the {@code +head} sources, or {@code null}
     * @param rrfK           reciprocal rank fusion constant
     * @param progress       whether to draw a progress bar on stderr
     */
    record Settings(Path modelsDir, int intraOpThreads, String detector, Path headFile, int rrfK, boolean progress) {
    }

    /** A model that was asked for but cannot be evaluated, and why. */
    record Skipped(String model, String reason) {
    }

    /** One vector source as evaluated. */
    record SourceInfo(ModelRef ref, String file, String output, int dimension, OptionalLong parameters) {
    }

    /** One query's ranked gallery indices (best first, at most {@link #KEPT_RESULTS}) and its milliseconds. */
    record Outcome(int query, int[] ranking, double latencyMillis, double searchMillis) {
    }

    /** A configuration's outcomes and its figures per label level. */
    record ConfigResult(Configuration configuration, List<Outcome> outcomes,
            List<RetrievalSummary.Figures> figures, long parameters) {
        RetrievalSummary.Figures figures(int level) {
            return figures.get(level);
        }
    }

    record Result(EvalSet set, List<ConfigResult> results, List<Skipped> skipped, Map<ModelRef, SourceInfo> sources,
            Embeddings embeddings, double rawPathAgreement, String hardware, Settings settings) {
    }

    private QualityRun() {
    }

    /**
     * Runs the configurations on the set. Configurations whose models cannot be loaded are dropped and their models
     * listed in {@link Result#skipped()}.
     */
    static Result run(EvalSet set, List<Configuration> requested, Settings settings, PrintStream log) {
        ModelCatalog catalog = EmbedderCatalogue.load(settings.modelsDir());
        List<Skipped> skipped = new ArrayList<>();
        Map<String, ModelSpec> specs = new LinkedHashMap<>();
        Set<String> unavailable = new LinkedHashSet<>();
        VectorHead head = null;
        boolean wantsHead = requested.stream().flatMap(c -> c.members().stream()).anyMatch(ModelRef::head);
        if (wantsHead) {
            if (settings.headFile() == null) {
                throw new IllegalArgumentException("a '+head' model was asked for but no --head file was given");
            }
            head = VectorHead.load(settings.headFile());
        }
        for (Configuration configuration : requested) {
            for (ModelRef member : configuration.members()) {
                String id = member.backbone();
                if (specs.containsKey(id) || unavailable.contains(id)) {
                    continue;
                }
                try {
                    specs.put(id, catalog.spec(id));
                } catch (ModelLoadException e) {
                    unavailable.add(id);
                    skipped.add(new Skipped(id, reason(catalog, id, e)));
                }
            }
        }
        List<Configuration> configurations = new ArrayList<>();
        for (Configuration configuration : requested) {
            boolean available = configuration.members().stream().noneMatch(m -> unavailable.contains(m.backbone()));
            if (available && configuration.metric() == Metric.EUCLIDEAN && configuration.members().stream()
                    .anyMatch(m -> m.head() || specs.get(m.backbone()).head() != null)) {
                available = false;
                skipped.add(new Skipped(configuration.name(), "the head's output is L2-normalised, so Euclidean "
                        + "distance would only repeat the cosine ranking"));
            }
            if (available) {
                configurations.add(configuration);
            }
        }
        if (configurations.isEmpty()) {
            throw new IllegalStateException("no configuration can run: " + skipped.stream()
                    .map(s -> s.model() + ": " + s.reason()).collect(java.util.stream.Collectors.joining("; ")));
        }
        if (head != null) {
            for (Configuration configuration : configurations) {
                for (ModelRef member : configuration.members()) {
                    if (member.head() && specs.get(member.backbone()).head() != null) {
                        throw new IllegalArgumentException("model '" + member.backbone() + "' already has a "
                                + "projection head in the embedder's catalogue; use it without '+head'");
                    }
                    if (member.head() && specs.get(member.backbone()).dimension() != head.inputDimension()) {
                        throw new IllegalArgumentException("the head " + head.source() + " takes "
                                + head.inputDimension() + "-d vectors but model '" + member.backbone() + "' gives "
                                + specs.get(member.backbone()).dimension() + "-d ones");
                    }
                }
            }
        }

        boolean crops = configurations.stream().anyMatch(c -> c.mode().usesCrops());
        Set<String> rawNeeded = new LinkedHashSet<>();
        Set<String> headed = new LinkedHashSet<>();
        for (Configuration configuration : configurations) {
            for (ModelRef member : configuration.members()) {
                if (configuration.metric() == Metric.EUCLIDEAN) {
                    rawNeeded.add(member.backbone());
                }
                if (member.head()) {
                    headed.add(member.backbone());
                }
            }
        }

        List<EvalSet.Item> images = new ArrayList<>(set.gallery());
        images.addAll(set.queries());
        Embeddings embeddings = new Embeddings(images.size());
        Map<ModelRef, SourceInfo> sources = new LinkedHashMap<>();
        double agreement = 1;
        List<Backbone> backbones = new ArrayList<>();
        OnnxDetector detector = null;
        try {
            for (ModelSpec spec : specs.values()) {
                log.println("Loading " + spec.id() + " (" + spec.file().getFileName() + ", output '"
                        + spec.outputName() + "', " + spec.dimension() + "-d) through the embedder's OnnxImageModel");
                backbones.add(Backbone.load(spec, settings.intraOpThreads()));
                ModelRef plain = new ModelRef(spec.id(), false);
                sources.put(plain, new SourceInfo(plain, spec.file().getFileName().toString(), spec.outputName(),
                        spec.dimension(), PublishedParameters.of(spec.id())));
                if (headed.contains(spec.id())) {
                    ModelRef withHead = new ModelRef(spec.id(), true);
                    OptionalLong base = PublishedParameters.of(spec.id());
                    sources.put(withHead, new SourceInfo(withHead, spec.file().getFileName() + " + "
                            + settings.headFile().getFileName(), spec.outputName() + " → head", head.outputDimension(),
                            base.isPresent() ? OptionalLong.of(base.getAsLong() + head.parameters()) : base));
                }
            }
            if (crops) {
                DetectorSpec detectorSpec = DetectorSpec.named(settings.detector());
                log.println("Loading detector " + detectorSpec.id() + " (" + detectorSpec.file()
                        + ") for the crop modes, crops cut by the detector service's CropCutter "
                        + ViewMaker.SERVICE_CROP_SETTINGS);
                detector = OnnxDetector.load(detectorSpec, settings.modelsDir(),
                        settings.modelsDir().resolve("coco80.names"), new YoloDecoding.Thresholds(0.25f, 0.45f, 100),
                        new OnnxModel.RuntimeSettings(settings.intraOpThreads(), 0, false));
            }
            ViewMaker maker = new ViewMaker(detector);
            try (Progress progress = settings.progress() ? Progress.bar("Embedding " + set.name(), images.size())
                    : Progress.none()) {
                for (int i = 0; i < images.size(); i++) {
                    embed(i, images.get(i).path(), maker, crops, backbones, rawNeeded, headed, head, embeddings);
                    progress.step();
                }
            }
            for (String id : rawNeeded) {
                agreement = Math.min(agreement, rawPathAgreement(embeddings, new ModelRef(id, false)));
            }
        } finally {
            backbones.forEach(Backbone::close);
            if (detector != null) {
                detector.close();
            }
        }

        List<ConfigResult> results = new ArrayList<>();
        for (Configuration configuration : configurations) {
            results.add(evaluate(set, configuration, embeddings, settings.rrfK(), sources));
        }
        return new Result(set, results, skipped, sources, embeddings, agreement, hardware(settings), settings);
    }

    private static String reason(ModelCatalog catalog, String id, ModelLoadException e) {
        if (!catalog.ids().contains(id)) {
            return "not in the embedder's catalogue (known: " + catalog.ids() + ")";
        }
        String message = e.getMessage();
        if (message != null && message.contains("does not exist")) {
            return "file not present (" + message + ")";
        }
        return message;
    }

    private static void embed(int image, Path file, ViewMaker maker, boolean crops, List<Backbone> backbones,
            Set<String> rawNeeded, Set<String> headed, VectorHead head, Embeddings embeddings) {
        ViewMaker.Views views = maker.views(file, crops);
        embeddings.decodeMillis[image] = views.wholeMillis();
        embeddings.cutMillis[image] = views.cropMillis();
        List<java.awt.image.BufferedImage> cropImages = views.crops().stream().map(ViewMaker.CropView::image).toList();
        embeddings.cropLabels.set(image, views.crops().stream().map(ViewMaker.CropView::label).toList());
        List<java.awt.image.BufferedImage> whole = List.of(views.whole());
        for (Backbone backbone : backbones) {
            ModelRef plain = new ModelRef(backbone.id(), false);
            ModelRef withHead = new ModelRef(backbone.id(), true);
            long start = System.nanoTime();
            float[] wholeVector = backbone.embed(whole)[0];
            double wholeMillis = millisSince(start);
            embeddings.putWhole(plain, false, image, wholeVector, wholeMillis);
            if (headed.contains(backbone.id())) {
                long headStart = System.nanoTime();
                float[] projected = head.apply(wholeVector);
                embeddings.putWhole(withHead, false, image, projected, wholeMillis + millisSince(headStart));
            }
            if (crops) {
                start = System.nanoTime();
                float[][] cropVectors = backbone.embed(cropImages);
                double cropMillis = millisSince(start);
                embeddings.putCrops(plain, false, image, cropVectors, cropMillis);
                if (headed.contains(backbone.id())) {
                    long headStart = System.nanoTime();
                    float[][] projected = Arrays.stream(cropVectors).map(head::apply).toArray(float[][]::new);
                    embeddings.putCrops(withHead, false, image, projected, cropMillis + millisSince(headStart));
                }
            }
            if (rawNeeded.contains(backbone.id())) {
                start = System.nanoTime();
                embeddings.putWhole(plain, true, image, backbone.embedRaw(whole)[0], millisSince(start));
                if (crops) {
                    start = System.nanoTime();
                    embeddings.putCrops(plain, true, image, backbone.embedRaw(cropImages), millisSince(start));
                }
            }
        }
    }

    /**
     * The lowest cosine, over all images, between the raw output L2-normalised here and the service's vector: 1
     * means the raw path ran the same model on the same input.
     */
    static double rawPathAgreement(Embeddings embeddings, ModelRef source) {
        double lowest = 1;
        for (int i = 0; i < embeddings.images(); i++) {
            float[] raw = embeddings.whole(source, true, i);
            float[] service = embeddings.whole(source, false, i);
            double norm = 0;
            double dot = 0;
            for (int d = 0; d < raw.length; d++) {
                norm += (double) raw[d] * raw[d];
                dot += (double) raw[d] * service[d];
            }
            if (norm > 0) {
                lowest = Math.min(lowest, dot / Math.sqrt(norm));
            }
        }
        return lowest;
    }

    static ConfigResult evaluate(EvalSet set, Configuration configuration, Embeddings embeddings, int rrfK,
            Map<ModelRef, SourceInfo> sources) {
        boolean raw = configuration.metric() == Metric.EUCLIDEAN;
        Mode mode = configuration.mode();
        int galleryCount = set.gallery().size();
        List<List<float[][]>> galleries = new ArrayList<>();
        for (ModelRef member : configuration.members()) {
            List<float[][]> gallery = new ArrayList<>(galleryCount);
            for (int g = 0; g < galleryCount; g++) {
                gallery.add(embeddings.vectors(member, raw, mode, g, false));
            }
            galleries.add(gallery);
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (int q = 0; q < set.queries().size(); q++) {
            int image = galleryCount + q;
            double embedMillis = embeddings.viewMillis(mode, image);
            long start = System.nanoTime();
            List<List<Integer>> rankings = new ArrayList<>();
            for (int m = 0; m < configuration.members().size(); m++) {
                ModelRef member = configuration.members().get(m);
                embedMillis += embeddings.embedMillis(member, raw, mode, image);
                int[] ranking = ExactSearch.rank(embeddings.vectors(member, raw, mode, image, true), galleries.get(m),
                        configuration.metric());
                rankings.add(Arrays.stream(ranking).boxed().toList());
            }
            List<Integer> ranking = rankings.size() == 1 ? rankings.get(0)
                    : RankFusion.reciprocalRank(rankings, rrfK);
            double searchMillis = millisSince(start);
            int[] kept = ranking.stream().limit(KEPT_RESULTS).mapToInt(Integer::intValue).toArray();
            outcomes.add(new Outcome(q, kept, embedMillis + searchMillis, searchMillis));
        }
        List<RetrievalSummary.Figures> figures = new ArrayList<>();
        for (int level = 0; level < set.levels().size(); level++) {
            List<RetrievalSummary.QueryRecord> records = new ArrayList<>();
            for (Outcome outcome : outcomes) {
                int lvl = level;
                List<String> labels = Arrays.stream(outcome.ranking())
                        .mapToObj(g -> set.gallery().get(g).label(lvl)).toList();
                records.add(new RetrievalSummary.QueryRecord(set.queries().get(outcome.query()).label(level), labels,
                        outcome.latencyMillis()));
            }
            figures.add(RetrievalSummary.summarise(records));
        }
        long parameters = 0;
        for (ModelRef member : configuration.members()) {
            SourceInfo info = sources.get(member);
            parameters += info == null || info.parameters().isEmpty() ? 0 : info.parameters().getAsLong();
        }
        if (mode.queryUsesCrops()) {
            parameters += PublishedParameters.YOLOV8N;
        }
        return new ConfigResult(configuration, outcomes, figures, parameters);
    }

    private static String hardware(Settings settings) {
        return machine(settings.intraOpThreads()) + ", batch 1 per query (all of a query's crops in one batch)";
    }

    /** The machine and runtime a run's latencies were measured on, for a report's header. */
    static String machine(int intraOpThreads) {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (java.io.IOException | RuntimeException e) {
            // Only for the report's header.
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", ONNX Runtime intra-op threads "
                + (intraOpThreads == 0 ? "default (all cores)" : intraOpThreads);
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000.0;
    }
}
