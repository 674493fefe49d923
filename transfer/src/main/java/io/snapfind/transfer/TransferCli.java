package io.snapfind.transfer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.snapfind.embedder.model.ProjectionHead;
import io.snapfind.evaluation.GroceryStore;
import io.snapfind.harness.ProjectPaths;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train-head} and {@code evaluate-head}; transfer/train-head.sh runs this. */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        subcommands = { TransferCli.TrainHead.class, TransferCli.EvaluateHead.class, TransferCli.UnseenClasses.class },
        description = "Train a projection head on frozen MobileNetV2 features, and measure it.")
public final class TransferCli {

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        System.exit(new CommandLine(new TransferCli()).execute(args));
    }

    abstract static class Common {
        @Option(names = "--assets", description = "The assets folder (default: SNAPFIND_ASSETS, else ../shared/assets)")
        Path assets;

        @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime threads for the backbone (default: ${DEFAULT-VALUE})")
        int threads;

        Path assets() {
            if (assets != null) {
                System.setProperty("snapfind.assets", assets.toString());
            }
            return ProjectPaths.requireAssets();
        }
    }

    /** The training settings, shared by train-head and unseen-classes; defaults are the trainer's own. */
    abstract static class Training extends Common {
        @Option(names = "--dimension", description = "Output dimension (default: ${DEFAULT-VALUE})")
        int dimension = HeadTrainer.Settings.DEFAULT.dimension();

        @Option(names = "--hidden", description = "Hidden layer width, 0 for one linear layer (default: ${DEFAULT-VALUE})")
        int hidden = HeadTrainer.Settings.DEFAULT.hidden();

        @Option(names = "--max-epochs", defaultValue = "200", description = "Most epochs; cross-validation picks the number (default: ${DEFAULT-VALUE})")
        int maxEpochs;

        @Option(names = "--folds", defaultValue = "2", description = "Cross-validation folds of the training photos; below 2 trains --max-epochs (default: ${DEFAULT-VALUE})")
        int folds;

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

        HeadTrainer trainer() {
            return new HeadTrainer(new HeadTrainer.Settings(dimension, hidden, temperature, learningRate, weightDecay,
                    inputDropout, batchSize, seed));
        }
    }

    @Command(name = "train-head", mixinStandardHelpOptions = true,
            description = "Train a head on the training part of the grocery photos and the iconic images; save it.")
    static final class TrainHead extends Training implements Callable<Integer> {

        @Option(names = "--out", description = "Head file to write (default: <repo>/.run/heads/mobilenetv2-grocery.head)")
        Path out;

        @Override
        public Integer call() throws IOException {
            Path assets = assets();
            Path file = (out != null ? out : ProjectPaths.root().resolve(".run/heads/mobilenetv2-grocery.head"))
                    .toAbsolutePath().normalize();
            if (file.startsWith(assets.toAbsolutePath().normalize())) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--out " + file + " is inside the assets folder, which holds verified inputs only");
            }
            HeadTrainer trainer = trainer();
            GroceryStore store = GroceryFeatures.store(assets);
            List<GroceryStore.Photo> training = store.documentedSplit().training();
            System.out.printf("Grocery Store: %d iconic images, %d natural photos; training on the documented "
                    + "split's training part (%d photos, seed %d); its evaluation part is not read%n",
                    store.iconic().size(), store.natural().size(), training.size(), GroceryStore.SPLIT_SEED);
            long start = System.nanoTime();
            GroceryFeatures features;
            try (Backbone backbone = Backbone.open(assets, threads)) {
                features = GroceryFeatures.extract(backbone, store, training, !noMirror);
            }
            long extracted = System.nanoTime();
            System.out.printf("backbone features (%s, %d-d%s): %.1f s%n", Backbone.MODEL_ID, Backbone.DIMENSION,
                    noMirror ? "" : ", also mirrored", (extracted - start) / 1e9);
            System.out.printf("head: %d%s → %d, %s%n", Backbone.DIMENSION, hidden > 0 ? " → " + hidden + " (ReLU)" : "",
                    dimension, trainer.settings());
            HeadTraining.Result result = HeadTraining.run(features, trainer, maxEpochs, folds, System.out);
            long trained = System.nanoTime();
            result.head().write(file);
            System.out.printf("training (engine %s): %.1f s; %d epochs; head %s written to %s%n", HeadTrainer.ENGINE,
                    (trained - extracted) / 1e9, result.epochs(), result.head(), file);
            System.out.printf("total: %.1f s. Measure it with: transfer/train-head.sh evaluate-head --head %s%n",
                    (System.nanoTime() - start) / 1e9, file);
            return 0;
        }
    }

    @Command(name = "evaluate-head", mixinStandardHelpOptions = true,
            description = "Grocery top-1/top-5 (held-out photos → iconic images) and IKEA P@5, without and with a head.")
    static final class EvaluateHead extends Common implements Callable<Integer> {

        @Option(names = "--head", description = "Head file to measure (default: only the backbone)")
        Path head;

        @Option(names = "--no-ikea", description = "Grocery figures only")
        boolean noIkea;

        @Override
        public Integer call() {
            Path assets = assets();
            ProjectionHead loaded = head == null ? null : ProjectionHead.load(head.toAbsolutePath().normalize());
            long start = System.nanoTime();
            HeadEvaluation.Features features;
            try (Backbone backbone = Backbone.open(assets, threads)) {
                features = HeadEvaluation.extract(backbone, assets, !noIkea);
            }
            System.out.printf("features: %.1f s%n", (System.nanoTime() - start) / 1e9);
            HeadEvaluation.Figures without = HeadEvaluation.measure(features, null);
            System.out.printf("Grocery: %d held-out photos (documented split, evaluation part) → %d iconic images;"
                    + " IKEA: %d queries%n", without.groceryQueries(), features.grocery().iconic().size(),
                    without.ikeaQueries());
            System.out.printf("%-52s %9s %9s %11s %8s%n", "", "fine@1", "fine@5", "coarse@1", "IKEA P@5");
            print("mobilenetv2 (" + Backbone.DIMENSION + "-d)", without);
            if (loaded != null) {
                HeadEvaluation.Figures with = HeadEvaluation.measure(features, loaded);
                print("mobilenetv2 + " + head.getFileName() + " (" + loaded.outputDimension() + "-d)", with);
                System.out.printf("%-52s %+9.3f %+9.3f %+11.3f %+8.3f%n", "difference", with.fineTop1()
                        - without.fineTop1(), with.fineTop5() - without.fineTop5(),
                        with.coarseTop1() - without.coarseTop1(), with.ikeaP5() - without.ikeaP5());
            }
            return 0;
        }

        private static void print(String name, HeadEvaluation.Figures figures) {
            System.out.printf("%-52s %9.3f %9.3f %11.3f %8.3f%n", name, figures.fineTop1(), figures.fineTop5(),
                    figures.coarseTop1(), figures.ikeaP5());
        }
    }

    @Command(name = "unseen-classes", mixinStandardHelpOptions = true,
            description = "Does a head help with products it was not trained on? Trains on half of the classes "
                    + "(training photos and iconic images), then measures held-out photos of the other half against "
                    + "the whole catalogue.")
    static final class UnseenClasses extends Training implements Callable<Integer> {

        @Override
        public Integer call() {
            Path assets = assets();
            GroceryStore store = GroceryFeatures.store(assets);
            List<String> classes = new java.util.ArrayList<>(store.iconic().stream().map(GroceryStore.Photo::fine)
                    .toList());
            java.util.Collections.shuffle(classes, new java.util.Random(GroceryStore.SPLIT_SEED));
            java.util.Set<String> seen = java.util.Set.copyOf(classes.subList(0, classes.size() / 2));
            java.util.Set<String> unseen = java.util.Set.copyOf(classes.subList(classes.size() / 2, classes.size()));
            GroceryStore.PhotoSplit split = store.documentedSplit();
            GroceryFeatures training;
            GroceryFeatures evaluation;
            try (Backbone backbone = Backbone.open(assets, threads)) {
                training = GroceryFeatures.extract(backbone, store, split.training(), !noMirror).onlyClasses(seen);
                evaluation = GroceryFeatures.extract(backbone, store, split.evaluation(), false);
            }
            System.out.printf("classes shuffled with seed %d: the head trains on %d (%d training photos and their "
                    + "iconic images), %d are unseen%n", GroceryStore.SPLIT_SEED, seen.size(), training.photos().size(),
                    unseen.size());
            HeadTraining.Result result = HeadTraining.run(training, trainer(), maxEpochs, folds,
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            System.out.printf("trained %d epochs (cross-validated on the seen classes' training photos)%n",
                    result.epochs());
            System.out.printf("%-60s %9s %9s %11s%n", "held-out photos → all " + store.iconic().size()
                    + " iconic images", "fine@1", "fine@5", "coarse@1");
            for (var group : List.of(java.util.Map.entry("seen", seen), java.util.Map.entry("unseen", unseen))) {
                HeadEvaluation.Features features = new HeadEvaluation.Features(
                        evaluation.onlyPhotosOf(group.getValue()), new float[0][], List.of(), new float[0][],
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
}
