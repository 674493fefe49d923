package io.snapfind.transfer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.snapfind.evaluation.GroceryStore;
import picocli.CommandLine.Option;

/** The training settings, shared by train-head and unseen-classes; defaults are the trainer's own. */
abstract class TrainingOptions extends CommonOptions {
    @Option(names = "--dimension", description = "Output dimension (default: ${DEFAULT-VALUE})")
    int dimension = HeadTrainer.Settings.DEFAULT.dimension();

    @Option(names = "--hidden", description = "Hidden layer width, 0 for one linear layer (default: ${DEFAULT-VALUE})")
    int hidden = HeadTrainer.Settings.DEFAULT.hidden();

    @Option(names = "--max-epochs", defaultValue = "40", description = "Most epochs; cross-validation picks the number (default: ${DEFAULT-VALUE})")
    int maxEpochs;

    @Option(names = "--every", defaultValue = "5", description = "Cross-validation scores every N epochs (default: ${DEFAULT-VALUE})")
    int every;

    @Option(names = "--folds", defaultValue = "3", description = "Grouped cross-validation folds of the training photos; below 2 trains --max-epochs of the base settings (default: ${DEFAULT-VALUE})")
    int folds;

    @Option(names = "--grid", split = ";", description = "Further candidates, each the base settings with some "
            + "changed, e.g. --grid temperature=0.05 --grid hidden=1024,weight-decay=0.05 (keys: dimension, hidden,"
            + " temperature, learning-rate, weight-decay, input-dropout, batch-size). Cross-validation keeps the best.")
    List<String> grid = new ArrayList<>();

    @Option(names = "--temperature", description = "Softmax temperature of the cosine logits (default: ${DEFAULT-VALUE})")
    float temperature = HeadTrainer.Settings.DEFAULT.temperature();

    @Option(names = "--learning-rate", description = "AdamW learning rate (default: ${DEFAULT-VALUE})")
    float learningRate = HeadTrainer.Settings.DEFAULT.learningRate();

    @Option(names = "--weight-decay", description = "AdamW weight decay (default: ${DEFAULT-VALUE})")
    float weightDecay = HeadTrainer.Settings.DEFAULT.weightDecay();

    @Option(names = "--input-dropout", description = "Share of input features dropped in training (default: ${DEFAULT-VALUE})")
    float inputDropout = HeadTrainer.Settings.DEFAULT.inputDropout();

    @Option(names = "--batch-size", description = "Samples per update (default: ${DEFAULT-VALUE})")
    int batchSize = HeadTrainer.Settings.DEFAULT.batchSize();

    @Option(names = "--seed", description = "Seed of weights, batch order and folds (default: ${DEFAULT-VALUE})")
    long seed = HeadTrainer.Settings.DEFAULT.seed();

    @Option(names = "--no-mirror", description = "Do not add left-right mirrored images")
    boolean noMirror;

    HeadTrainer.Settings base() {
        return new HeadTrainer.Settings(dimension, hidden, temperature, learningRate, weightDecay, inputDropout,
                batchSize, seed);
    }

    List<HeadTrainer.Settings> candidates() {
        List<HeadTrainer.Settings> candidates = new ArrayList<>();
        candidates.add(base());
        for (String variant : grid) {
            candidates.add(variant(base(), variant));
        }
        return candidates;
    }

    static HeadTrainer.Settings variant(HeadTrainer.Settings s, String variant) {
        int dimension = s.dimension();
        int hidden = s.hidden();
        float temperature = s.temperature();
        float learningRate = s.learningRate();
        float weightDecay = s.weightDecay();
        float inputDropout = s.inputDropout();
        int batchSize = s.batchSize();
        for (String change : variant.split(",")) {
            String[] kv = change.trim().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--grid: expected key=value, got '" + change + "'");
            }
            String value = kv[1].trim();
            switch (kv[0].trim()) {
                case "dimension" -> dimension = Integer.parseInt(value);
                case "hidden" -> hidden = Integer.parseInt(value);
                case "temperature" -> temperature = Float.parseFloat(value);
                case "learning-rate" -> learningRate = Float.parseFloat(value);
                case "weight-decay" -> weightDecay = Float.parseFloat(value);
                case "input-dropout" -> inputDropout = Float.parseFloat(value);
                case "batch-size" -> batchSize = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("--grid: unknown key '" + kv[0] + "'");
            }
        }
        return new HeadTrainer.Settings(dimension, hidden, temperature, learningRate, weightDecay, inputDropout,
                batchSize, s.seed());
    }

    /** The iconic images and every train.txt photo, with their features. */
    GroceryFeatures trainingFeatures(FrozenBackbone backbone, Path assets) {
        if (backbone.fusion()) {
            throw new IllegalArgumentException("a head is trained on one backbone, not on the fusion "
                    + backbone.modelId() + ": give --model one of its members");
        }
        GroceryStore store = GroceryFeatures.store(assets, GroceryFeatures.TRAIN_LIST);
        return GroceryFeatures.extract(backbone, store, TransferCli.TRAIN_SET, store.natural(), !noMirror);
    }
}
