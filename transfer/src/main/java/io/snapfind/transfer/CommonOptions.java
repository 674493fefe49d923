package io.snapfind.transfer;

import java.nio.file.Path;

import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.harness.ProjectPaths;
import picocli.CommandLine.Option;

abstract class CommonOptions {
    @Option(names = "--assets", description = "The assets folder (default: SNAPFIND_ASSETS, else ../shared/assets)")
    Path assets;

    @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime threads for the backbone (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--model", description = "Embedder catalogue id of the frozen backbone, e.g. mobilenetv2, "
            + "efficientnet-lite0/1/2 (default: the embedder's default model, or the first member of its fusion; evaluate-head: the head's backbone)")
    String model;

    @Option(names = "--cache", description = "Feature cache folder, one file per (model, image set, mirrored) "
            + "(default: <repo>/.run/features)")
    Path cache;

    @Option(names = "--no-cache", description = "Always extract features, never read or write the cache")
    boolean noCache;

    Path assets() {
        if (assets != null) {
            System.setProperty("snapfind.assets", assets.toString());
        }
        return ProjectPaths.requireAssets();
    }

    String model() {
        // A head is trained on one backbone: the deployed model's, or the first member of its fusion.
        return model != null ? model : EmbedderCatalogue.members(EmbedderCatalogue.defaultModelId()).get(0);
    }

    FrozenBackbone open(Path assets, String modelId) {
        Path dir = noCache ? null : (cache != null ? cache : ProjectPaths.root().resolve(".run/features"))
                .toAbsolutePath().normalize();
        return FrozenBackbone.open(assets, modelId, threads, dir, System.out);
    }
}
