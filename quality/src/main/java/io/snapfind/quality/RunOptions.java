package io.snapfind.quality;

import java.nio.file.Path;

import io.snapfind.evaluation.RankFusion;
import io.snapfind.harness.ProjectPaths;
import picocli.CommandLine.Option;

/** Models, runtime and report settings shared by both commands. */
final class RunOptions {
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
