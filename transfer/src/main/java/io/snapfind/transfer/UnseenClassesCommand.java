package io.snapfind.transfer;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

import io.snapfind.evaluation.GroceryStore;
import picocli.CommandLine.Command;

@Command(name = "unseen-classes", mixinStandardHelpOptions = true,
        description = "Does a head help with products it was not trained on? Trains on half of the classes "
                + "(their train.txt photos and iconic images), then measures the val.txt photos of each half "
                + "against the whole catalogue.")
final class UnseenClassesCommand extends TrainingOptions implements Callable<Integer> {

    @Override
    public Integer call() {
        Path assets = assets();
        String modelId = model();
        GroceryFeatures all;
        HeadEvaluation.Features evaluation;
        try (FrozenBackbone backbone = open(assets, modelId)) {
            all = trainingFeatures(backbone, assets);
            evaluation = HeadEvaluation.extract(backbone, assets, false, false);
        }
        List<String> classes = new ArrayList<>(all.classes());
        Collections.shuffle(classes, new Random(GroceryStore.SPLIT_SEED));
        Set<String> seen = Set.copyOf(classes.subList(0, classes.size() / 2));
        Set<String> unseen = Set.copyOf(classes.subList(classes.size() / 2, classes.size()));
        GroceryFeatures training = all.onlyClasses(seen);
        System.out.printf("%s: classes shuffled with seed %d: the head trains on %d (%d train.txt photos and "
                + "their iconic images), %d are unseen%n", modelId, GroceryStore.SPLIT_SEED, seen.size(),
                training.photos().size(), unseen.size());
        HeadTraining.Result result = HeadTraining.run(training, List.of(base()), maxEpochs, folds, every,
                new PrintStream(OutputStream.nullOutputStream()));
        System.out.printf("trained %d epochs (cross-validated on the seen classes' train.txt photos)%n",
                result.epochs());
        System.out.printf("%-60s %9s %9s %11s%n", "val.txt photos → all " + all.iconic().size()
                + " iconic images", "fine@1", "fine@5", "coarse@1");
        for (var group : List.of(Map.entry("seen", seen), Map.entry("unseen", unseen))) {
            HeadEvaluation.Features features = new HeadEvaluation.Features(
                    evaluation.grocery().onlyPhotosOf(group.getValue()), new float[0][], List.of(), new float[0][],
                    List.of());
            HeadEvaluation.Figures without = HeadEvaluation.measure(features, null);
            HeadEvaluation.Figures with = HeadEvaluation.measure(features, result.head());
            String name = group.getKey() + " classes (" + without.groceryQueries() + " photos)";
            System.out.printf("%-60s %9.3f %9.3f %11.3f%n", name + ", backbone", without.fineTop1(),
                    without.fineTop5(), without.coarseTop1());
            System.out.printf("%-60s %9.3f %9.3f %11.3f%n", name + ", with head", with.fineTop1(),
                    with.fineTop5(), with.coarseTop1());
        }
        return 0;
    }
}
