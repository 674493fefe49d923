package io.snapfind.transfer;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.embedder.model.ProjectionHead;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "evaluate-head", mixinStandardHelpOptions = true,
        description = "Grocery top-1/top-5 (all val.txt photos → the 81 iconic images), with and without a head; "
                + "optionally IKEA P@5 and mirror averaging.")
final class EvaluateHeadCommand extends CommonOptions implements Callable<Integer> {

    @Option(names = "--head", description = "Head file to measure (default: only the backbone)")
    Path head;

    @Option(names = "--ikea", description = "Also IKEA P@5 (another catalogue the head never saw)")
    boolean ikea;

    @Option(names = "--mirror-average", description = "Also report with every image averaged with its mirror "
            + "image (test-time augmentation; not what the embedder does)")
    boolean mirrorAverage;

    @Override
    public Integer call() {
        Path assets = assets();
        ProjectionHead loaded = head == null ? null : ProjectionHead.load(head.toAbsolutePath().normalize());
        String recorded = head == null ? null : TransferCli.recordedBackbone(head.toAbsolutePath().normalize());
        String modelId = model != null ? model : recorded != null ? recorded
                : EmbedderCatalogue.members(EmbedderCatalogue.defaultModelId()).get(0);
        if (recorded != null && !recorded.equals(modelId)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "the head " + head + " was trained "
                    + "on " + recorded + ", not on --model " + modelId);
        }
        long start = System.nanoTime();
        HeadEvaluation.Features features;
        int dimension;
        try (FrozenBackbone backbone = open(assets, modelId)) {
            dimension = backbone.dimension();
            features = HeadEvaluation.extract(backbone, assets, ikea, mirrorAverage);
        }
        System.out.printf("features: %.1f s%n", (System.nanoTime() - start) / 1e9);
        HeadEvaluation.Figures without = HeadEvaluation.measure(features, null);
        System.out.printf("Grocery: all %d photos of %s → %d iconic images%s%n", without.groceryQueries(),
                GroceryFeatures.VAL_LIST, features.grocery().iconic().size(),
                ikea ? "; IKEA: " + without.ikeaQueries() + " queries" : "");
        System.out.printf("%-56s %9s %9s %11s %8s%n", "", "fine@1", "fine@5", "coarse@1", "IKEA P@5");
        print(modelId + " (" + dimension + "-d, zero-shot)", without);
        HeadEvaluation.Figures with = null;
        if (loaded != null) {
            with = HeadEvaluation.measure(features, loaded);
            print(modelId + " + " + head.getFileName() + " (" + loaded.outputDimension() + "-d)", with);
            System.out.printf("%-56s %+9.3f %+9.3f %+11.3f %+8.3f%n", "difference", with.fineTop1()
                    - without.fineTop1(), with.fineTop5() - without.fineTop5(),
                    with.coarseTop1() - without.coarseTop1(), with.ikeaP5() - without.ikeaP5());
        }
        if (mirrorAverage) {
            print(modelId + ", mirror-averaged (zero-shot)", HeadEvaluation.measure(features, null, true));
            if (loaded != null) {
                print(modelId + " + head, mirror-averaged", HeadEvaluation.measure(features, loaded, true));
            }
        }
        System.out.printf("backbone: %s%n", modelId);
        if (with != null) {
            System.out.printf("grocery-top1: %.3f%n", with.fineTop1());
            System.out.printf("grocery-top5: %.3f%n", with.fineTop5());
        }
        System.out.printf("grocery-zeroshot-top1: %.3f%n", without.fineTop1());
        System.out.printf("grocery-zeroshot-top5: %.3f%n", without.fineTop5());
        return 0;
    }

    private static void print(String name, HeadEvaluation.Figures figures) {
        System.out.printf("%-56s %9.3f %9.3f %11.3f %8.3f%n", name, figures.fineTop1(), figures.fineTop5(),
                figures.coarseTop1(), figures.ikeaP5());
    }
}
