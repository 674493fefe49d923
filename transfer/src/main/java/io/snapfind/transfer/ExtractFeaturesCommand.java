package io.snapfind.transfer;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Extract and cache a backbone's features of the iconic images, train.txt and val.txt "
                + "(plain and mirrored), so later commands find them cached.")
final class ExtractFeaturesCommand extends TrainingOptions implements Callable<Integer> {
    @Override
    public Integer call() {
        Path assets = assets();
        long start = System.nanoTime();
        try (FrozenBackbone backbone = open(assets, model())) {
            trainingFeatures(backbone, assets);
            HeadEvaluation.extract(backbone, assets, false, true);
        }
        System.out.printf("features of %s: %.1f s%n", model(), (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
