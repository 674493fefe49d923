package io.snapfind.quality;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The printed table and the written report (Markdown, TSV, charts, example grid, projector export) of a run. A little
 * over 300 lines on purpose: one method per section of one document, in the order the reader meets them.
 */
final class Report {

    private final QualityRun.Result run;
    private final List<String> commandLine;

    Report(QualityRun.Result run, List<String> commandLine) {
        this.run = run;
        this.commandLine = List.copyOf(commandLine);
    }

    /** The figure configurations are ranked by: top-1 when the gallery has one image per class, else P@5. */
    static String primaryFigureName(EvalSet set) {
        return set.galleryClasses(0) == set.gallery().size() ? "top-1" : "P@5";
    }

    static ToDoubleFunction<RetrievalSummary.Figures> primaryFigure(EvalSet set) {
        return set.galleryClasses(0) == set.gallery().size() ? RetrievalSummary.Figures::top1
                : RetrievalSummary.Figures::precisionAt5;
    }

    /** The configuration with the best primary figure at the first level (ties: the first listed). */
    QualityRun.ConfigResult best() {
        ToDoubleFunction<RetrievalSummary.Figures> figure = primaryFigure(run.set());
        return run.results().stream()
                .max(Comparator.comparingDouble((QualityRun.ConfigResult r) -> figure.applyAsDouble(r.figures(0)))
                        .thenComparing(r -> -run.results().indexOf(r)))
                .orElseThrow();
    }

    /** The best configuration that uses a single model, searched by cosine on whole images, if any. */
    Optional<QualityRun.ConfigResult> bestPlainCosine() {
        ToDoubleFunction<RetrievalSummary.Figures> figure = primaryFigure(run.set());
        return run.results().stream()
                .filter(r -> !r.configuration().fused() && r.configuration().metric() == Metric.COSINE)
                .max(Comparator.comparingDouble(r -> figure.applyAsDouble(r.figures(0))));
    }

    void print(PrintStream out) {
        out.println();
        out.println(run.set().description());
        out.println("Vectors: the embedder service's own code (ImageDecoder → Preprocessor → OnnxImageModel), "
                + "searched exactly in memory (brute-force kNN).");
        for (int level = 0; level < run.set().levels().size(); level++) {
            out.println();
            out.println("Level: " + run.set().levels().get(level) + " (" + run.set().galleryClasses(level)
                    + " classes in the gallery of " + run.set().gallery().size() + ", " + run.set().queries().size()
                    + " queries)");
            out.printf(Locale.ROOT, "%-58s %6s %6s %6s %7s %8s %8s%n", "configuration", "top-1", "top-5", "P@5",
                    "mAP@10", "p50 ms", "p95 ms");
            for (QualityRun.ConfigResult result : run.results()) {
                RetrievalSummary.Figures f = result.figures(level);
                out.printf(Locale.ROOT, "%-58s %6.3f %6.3f %6.3f %7.3f %8.1f %8.1f%n", result.configuration().name(),
                        f.top1(), f.top5(), f.precisionAt5(), f.mapAt10(), f.latencyP50(), f.latencyP95());
            }
        }
        for (QualityRun.Skipped skipped : run.skipped()) {
            out.println("Skipped " + skipped.model() + ": " + skipped.reason());
        }
        QualityRun.ConfigResult best = best();
        out.println();
        out.println("Best by " + primaryFigureName(run.set()) + " at " + run.set().levels().get(0) + ": "
                + best.configuration().name());
        out.println("Per class (" + best.configuration().name() + ", " + run.set().levels().get(0) + "):");
        best.figures(0).perClass().forEach((label, f) -> out.printf(Locale.ROOT,
                "  %-28s n=%3d top-1 %.3f top-5 %.3f P@5 %.3f mAP@10 %.3f%n", label, f.queries(), f.top1(),
                f.top5(), f.precisionAt5(), f.mapAt10()));
    }

    /** Writes everything under {@code dir}, the projector export under {@code projector} (none when null). */
    Path write(Path dir, int exampleRows, Path projector) throws IOException {
        Files.createDirectories(dir);
        EvalSet set = run.set();
        List<QualityRun.ConfigResult> results = run.results();
        for (int level = 0; level < set.levels().size(); level++) {
            Charts.accuracy(results, level, set.levels().get(level), dir.resolve(chartName("accuracy", level)));
        }
        String figureName = primaryFigureName(set);
        ToDoubleFunction<RetrievalSummary.Figures> figure = primaryFigure(set);
        Charts.qualityVersusLatency(results, 0, figureName + " (" + set.levels().get(0) + ")", figure,
                dir.resolve("quality-vs-latency.png"));
        Charts.qualityVersusParameters(results, 0, figureName + " (" + set.levels().get(0) + ")", figure,
                dir.resolve("quality-vs-parameters.png"));
        QualityRun.ConfigResult best = best();
        ModelRef mapped = bestPlainCosine().orElse(best).configuration().members().get(0);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < run.embeddings().images(); i++) {
            vectors.add(run.embeddings().whole(mapped, false, i));
        }
        int colourLevel = set.levels().size() - 1;
        List<String> classes = new ArrayList<>();
        set.gallery().forEach(item -> classes.add(item.label(colourLevel)));
        set.queries().forEach(item -> classes.add(item.label(colourLevel)));
        Charts.map(EmbeddingMap.project(vectors), classes, "PCA of the " + mapped + " whole-image vectors of the "
                + "gallery and queries, coloured by " + set.levels().get(colourLevel), dir.resolve("embedding-map.png"));
        new ExampleGrid().write(set, best, 0, ExampleGrid.spreadQueries(set.queries().size(), exampleRows), 5,
                dir.resolve("examples.png"));
        if (projector != null) {
            ProjectorExport.write(set, set.name() + " " + mapped, vectors, projector);
        }
        writeTsv(dir.resolve("results.tsv"));
        Path markdown = dir.resolve("report.md");
        Files.writeString(markdown, markdown(mapped, projector == null ? null
                : dir.toAbsolutePath().normalize().relativize(projector.toAbsolutePath().normalize()).toString()));
        return markdown;
    }

    static String chartName(String base, int level) {
        return level == 0 ? base + ".png" : base + "-level" + level + ".png";
    }

    private void writeTsv(Path file) throws IOException {
        StringBuilder tsv = new StringBuilder(
                "set\tlevel\tconfiguration\tmodels\tmetric\tmode\tqueries\ttop1\ttop5\tp5\tmap10\tp50_ms\tp95_ms\tparameters\n");
        for (QualityRun.ConfigResult result : run.results()) {
            for (int level = 0; level < run.set().levels().size(); level++) {
                RetrievalSummary.Figures f = result.figures(level);
                Configuration c = result.configuration();
                tsv.append(String.format(Locale.ROOT, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.2f\t%.2f\t%d%n",
                        run.set().name(), run.set().levels().get(level), c.name(), c.models(), c.metric().id(),
                        c.mode().id(), f.queries(), f.top1(), f.top5(), f.precisionAt5(), f.mapAt10(), f.latencyP50(),
                        f.latencyP95(), result.parameters()));
            }
        }
        Files.writeString(file, tsv);
    }

    private String markdown(ModelRef mapped, String projector) {
        EvalSet set = run.set();
        StringBuilder md = new StringBuilder();
        md.append("# Retrieval quality: ").append(set.name()).append("\n\n");
        md.append("Generated ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append(" by `quality/eval.sh ").append(String.join(" ", commandLine)).append("`.\n\n");
        md.append("**Data.** ").append(set.description()).append("\n\n");
        md.append("**How.** Every image is decoded by the services' `ImageDecoder` and embedded by the embedder "
                + "service's own code (`Preprocessor` → `OnnxImageModel`, models from the embedder's catalogue in its "
                + "`application.properties`), one query at a time. Crops are cut by the detector service's own "
                + "classes (`OnnxDetector` " + run.settings().detector() + ", `CropCutter` with the service's "
                + "defaults; crop 0 is the whole image). Search is exact: brute-force k-nearest-neighbour over the "
                + "whole gallery in memory, the upper bound of what the indexer's Milvus HNSW index can return for "
                + "the same vectors. With several vectors per image (crops), a gallery image scores by its best "
                + "(query vector, gallery vector) pair. Cosine is computed on the service's L2-normalised vectors; "
                + "Euclidean on the model's raw, un-normalised output (on unit vectors it would rank exactly as "
                + "cosine does). Fusion is reciprocal rank fusion with k = ").append(run.settings().rrfK())
                .append(". Latency per query = decode (+ detect and cut, for crops) + embed (every fused model) + "
                        + "search; ").append(run.hardware()).append(".\n\n");
        if (run.rawPathAgreement() < 1 || run.results().stream().anyMatch(r -> r.configuration().metric() == Metric.EUCLIDEAN)) {
            md.append(String.format(Locale.ROOT, "Raw-output check: the raw output, L2-normalised, agrees with the "
                    + "service's vector to a cosine of at least %.6f over all images.%n%n", run.rawPathAgreement()));
        }
        if (run.results().stream().anyMatch(r -> r.configuration().mode().usesCrops())) {
            md.append(cropSummary()).append("\n\n");
        }
        md.append("Figures: top-k = share of queries with a result of their class among the first k; P@5 = share "
                + "of the first 5 results of the query's class; mAP@10 = mean average precision over the first 10 "
                + "results; latency p50/p95 in ms. Parameters = the published parameter count of the models run per "
                + "query (+ YOLOv8n in the crop modes).\n\n");
        for (int level = 0; level < set.levels().size(); level++) {
            md.append("## ").append(set.levels().get(level)).append(" (").append(set.galleryClasses(level))
                    .append(" classes in a gallery of ").append(set.gallery().size()).append(", ")
                    .append(set.queries().size()).append(" queries)\n\n");
            // A configuration's name is "model | metric | view": three cells.
            md.append("| model | metric | view | top-1 | top-5 | P@5 | mAP@10 | p50 ms | p95 ms | parameters |\n");
            md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (QualityRun.ConfigResult result : run.results()) {
                RetrievalSummary.Figures f = result.figures(level);
                md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.1f | %.1f | %s |%n",
                        result.configuration().name(), f.top1(), f.top5(), f.precisionAt5(), f.mapAt10(),
                        f.latencyP50(), f.latencyP95(),
                        result.parameters() > 0 ? String.format(Locale.ROOT, "%.2f M", result.parameters() / 1e6)
                                : "?"));
            }
            md.append("\n![accuracy](").append(chartName("accuracy", level)).append(")\n\n");
        }
        if (!run.skipped().isEmpty()) {
            md.append("## Skipped\n\n");
            for (QualityRun.Skipped skipped : run.skipped()) {
                md.append("- `").append(skipped.model()).append("`: ").append(skipped.reason()).append('\n');
            }
            md.append('\n');
        }
        md.append("## Findings (").append(primaryFigureName(set)).append(" and top-5 at ")
                .append(set.levels().get(0)).append(")\n\n");
        findings(md);
        QualityRun.ConfigResult best = best();
        md.append("\n## Per class: ").append(best.configuration().name()).append("\n\n");
        for (int level = 0; level < Math.min(1, set.levels().size()); level++) {
            md.append("| ").append(set.levels().get(level)).append(" | queries | top-1 | top-5 | P@5 | mAP@10 |\n");
            md.append("|---|---:|---:|---:|---:|---:|\n");
            for (Map.Entry<String, RetrievalSummary.ClassFigures> entry : best.figures(level).perClass().entrySet()) {
                RetrievalSummary.ClassFigures f = entry.getValue();
                md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f |%n", entry.getKey(),
                        f.queries(), f.top1(), f.top5(), f.precisionAt5(), f.mapAt10()));
            }
        }
        md.append("\n## Charts\n\n");
        md.append("![quality versus latency](quality-vs-latency.png)\n\n");
        md.append("![quality versus parameters](quality-vs-parameters.png)\n\n");
        md.append("![embedding map](embedding-map.png)\n\n");
        md.append("Example queries (first column, blue) with their top 5 under ").append(best.configuration().name())
                .append(": green = right ").append(set.levels().get(0)).append(", red = wrong.\n\n");
        md.append("![examples](examples.png)\n\n");
        if (projector != null) {
            md.append("## TensorBoard projector\n\n`").append(projector).append("/` holds the ").append(mapped)
                    .append(" whole-image vectors of the gallery and the queries: `vectors.tsv`, `metadata.tsv` "
                            + "(header row; labels, gallery/query, file), `sprite.png` and `projector_config.pbtxt`. "
                            + "Open with `tensorboard --logdir ").append(projector)
                    .append("` or load the TSV files at projector.tensorflow.org.\n");
        }
        return md.toString();
    }

    /** How many detection crops the gallery images and the queries got, and of which COCO classes. */
    private String cropSummary() {
        int gallery = run.set().gallery().size();
        StringBuilder text = new StringBuilder("**Crops.** ");
        for (boolean queries : new boolean[] { false, true }) {
            int from = queries ? gallery : 0;
            int to = queries ? run.embeddings().images() : gallery;
            int detections = 0;
            int none = 0;
            Map<String, Integer> labels = new java.util.TreeMap<>();
            for (int i = from; i < to; i++) {
                List<String> crops = run.embeddings().cropLabels.get(i);
                int found = Math.max(0, crops.size() - 1);
                detections += found;
                none += found == 0 ? 1 : 0;
                crops.stream().skip(1).forEach(label -> labels.merge(label, 1, Integer::sum));
            }
            int count = to - from;
            String common = labels.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(6)
                    .map(e -> e.getKey() + " " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("none");
            text.append(String.format(Locale.ROOT, "%s: %.2f detection crops per image besides crop 0, %d of %d "
                    + "with none (most frequent classes: %s). ", queries ? "Queries" : "Gallery",
                    (double) detections / count, none, count, common));
        }
        return text.toString().trim();
    }

    /** Compares configurations that differ in one respect: metric, views, or fusion versus its members. */
    private void findings(StringBuilder md) {
        ToDoubleFunction<RetrievalSummary.Figures> figure = primaryFigure(run.set());
        String name = primaryFigureName(run.set());
        List<String> metricLines = new ArrayList<>();
        List<String> modeLines = new ArrayList<>();
        List<String> fusionLines = new ArrayList<>();
        for (QualityRun.ConfigResult result : run.results()) {
            Configuration c = result.configuration();
            if (c.metric() == Metric.EUCLIDEAN) {
                find(new Configuration(c.members(), Metric.COSINE, c.mode())).ifPresent(cosine -> metricLines.add(
                        compare(c.models() + " " + c.mode().id() + ": Euclidean (raw)", result, "cosine", cosine,
                                figure, name)));
            }
            if (c.mode() != Mode.WHOLE && c.metric() == Metric.COSINE) {
                find(new Configuration(c.members(), c.metric(), Mode.WHOLE)).ifPresent(whole -> modeLines.add(
                        compare(c.models() + " " + c.metric().id() + ": " + c.mode().id(), result, "whole", whole,
                                figure, name)));
            }
            if (c.fused()) {
                Optional<QualityRun.ConfigResult> bestMember = c.members().stream()
                        .map(m -> find(new Configuration(List.of(m), c.metric(), c.mode())))
                        .flatMap(Optional::stream)
                        .max(Comparator.comparingDouble(r -> figure.applyAsDouble(r.figures(0))));
                bestMember.ifPresent(member -> fusionLines.add(compare(c.name(), result,
                        "its best member " + member.configuration().models(), member, figure, name)));
            }
        }
        section(md, "Euclidean on raw outputs versus cosine on normalised vectors", metricLines);
        section(md, "Detector crops versus the whole image", modeLines);
        section(md, "Reciprocal rank fusion versus its best member", fusionLines);
    }

    private static void section(StringBuilder md, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        md.append("**").append(title).append(".**\n\n");
        lines.forEach(line -> md.append("- ").append(line).append('\n'));
        md.append('\n');
    }

    private static String compare(String label, QualityRun.ConfigResult result, String otherLabel,
            QualityRun.ConfigResult other, ToDoubleFunction<RetrievalSummary.Figures> figure, String name) {
        double a = figure.applyAsDouble(result.figures(0));
        double b = figure.applyAsDouble(other.figures(0));
        double a5 = result.figures(0).top5();
        double b5 = other.figures(0).top5();
        String verdict = Math.abs(a - b) < 1e-9 ? "same" : (a > b ? "better" : "worse");
        return String.format(Locale.ROOT, "%s: %s %.3f vs %s %.3f (%s, %+.3f); top-5 %.3f vs %.3f", label, name, a,
                otherLabel, b, verdict, a - b, a5, b5);
    }

    private Optional<QualityRun.ConfigResult> find(Configuration configuration) {
        return run.results().stream().filter(r -> r.configuration().equals(configuration)).findFirst();
    }
}
