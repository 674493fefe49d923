package io.snapfind.transfer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import io.snapfind.harness.ProjectPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "train-head", mixinStandardHelpOptions = true,
        description = "Train a head on the grocery train.txt photos and the iconic images (settings and epochs "
                + "by grouped folds of train.txt); save it with a .properties file beside it naming its backbone.")
final class TrainHeadCommand extends TrainingOptions implements Callable<Integer> {

    @Option(names = "--train-set", defaultValue = TransferCli.TRAIN_SET, description = "The photos to train on: train "
            + "(train.txt, 2,640 photos; the only one: val.txt is for reporting) (default: ${DEFAULT-VALUE})")
    String trainSet;

    @Option(names = "--out", description = "Head file to write (default: <repo>/.run/heads/<model>-grocery.head)")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (!TransferCli.TRAIN_SET.equals(trainSet)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--train-set: only '" + TransferCli.TRAIN_SET
                    + "' (train.txt); val.txt is reported on and never trained or tuned on");
        }
        Path assets = assets();
        String modelId = model();
        Path file = (out != null ? out : ProjectPaths.root().resolve(".run/heads/" + modelId + "-grocery.head"))
                .toAbsolutePath().normalize();
        if (file.startsWith(assets.toAbsolutePath().normalize())) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--out " + file + " is inside the assets folder, which holds verified inputs only");
        }
        List<HeadTrainer.Settings> candidates = candidates();
        long start = System.nanoTime();
        GroceryFeatures features;
        int backboneDimension;
        try (FrozenBackbone backbone = open(assets, modelId)) {
            backboneDimension = backbone.dimension();
            features = trainingFeatures(backbone, assets);
        }
        long extracted = System.nanoTime();
        System.out.printf("Grocery Store: %d iconic images and all %d photos of %s (val.txt is not read)%n",
                features.iconic().size(), features.photos().size(), GroceryFeatures.TRAIN_LIST);
        System.out.printf("backbone features (%s, %d-d%s): %.1f s%n", modelId, backboneDimension,
                noMirror ? "" : ", also mirrored", (extracted - start) / 1e9);
        HeadTraining.Result result = HeadTraining.run(features, candidates, maxEpochs, folds, every, System.out);
        long trained = System.nanoTime();
        Files.createDirectories(file.getParent());
        result.head().write(file);
        writeDescription(file, modelId, backboneDimension, features, result);
        System.out.printf("head: %d%s → %d; %s%n", backboneDimension, result.settings().hidden() > 0
                ? " → " + result.settings().hidden() + " (ReLU)" : "", result.settings().dimension(),
                result.settings());
        System.out.printf("training (engine %s): %.1f s; %d epochs; head %s written to %s (backbone recorded in "
                + "%s)%n", HeadTrainer.ENGINE, (trained - extracted) / 1e9, result.epochs(), result.head(), file,
                TransferCli.description(file).getFileName());
        System.out.printf("total: %.1f s. Measure it with: transfer/train-head.sh evaluate-head --head %s%n",
                (System.nanoTime() - start) / 1e9, file);
        return 0;
    }

    private void writeDescription(Path file, String modelId, int backboneDimension, GroceryFeatures features,
            HeadTraining.Result result) throws IOException {
        Map<String, String> p = new TreeMap<>();
        p.put("backbone", modelId);
        p.put("backbone.dimension", Integer.toString(backboneDimension));
        p.put("head.file", file.getFileName().toString());
        p.put("head.output-dimension", Integer.toString(result.head().outputDimension()));
        p.put("train-set", TransferCli.TRAIN_SET + " (" + GroceryFeatures.TRAIN_LIST + ", " + features.photos().size()
                + " photos, + " + features.iconic().size() + " iconic images" + (noMirror ? "" : ", mirrored too")
                + ")");
        p.put("settings", result.settings().toString());
        p.put("epochs", Integer.toString(result.epochs()));
        p.put("folds", result.folds() >= 2 ? result.folds() + " grouped folds of " + GroceryFeatures.TRAIN_LIST
                + ", seed " + result.settings().seed() : "none");
        if (result.chosen() != null) {
            p.put("cv-top1", String.format("%.4f", result.chosen().top1()));
        }
        for (int i = 0; i < result.candidates().size(); i++) {
            HeadTraining.Candidate c = result.candidates().get(i);
            p.put(String.format("candidate.%02d", i), String.format("%s -> cv top-1 %.4f at epoch %d", c.settings(),
                    c.top1(), c.epochs()));
        }
        StringBuilder text = new StringBuilder("# Written by transfer/train-head.sh train-head with the head "
                + file.getFileName() + ": the embedder catalogue id of its backbone and how it was trained.\n");
        p.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.writeString(TransferCli.description(file), text.toString(), StandardCharsets.UTF_8);
    }
}
