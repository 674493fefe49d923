package io.snapfind.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import io.snapfind.embedder.model.ProjectionHead;
import io.snapfind.evaluation.GroceryStore;
import io.snapfind.harness.ProjectPaths;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train-head}, {@code evaluate-head}, {@code unseen-classes}, {@code features}; transfer/train-head.sh runs this. */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        subcommands = { TransferCli.TrainHead.class, TransferCli.EvaluateHead.class, TransferCli.UnseenClasses.class,
                TransferCli.ExtractFeatures.class },
        description = "Train a projection head on a frozen backbone's features (any embedder catalogue model), and "
                + "measure it.")
public final class TransferCli {

    /** The training set a head is trained and cross-validated on. */
    public static final String TRAIN_SET = "train";

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        System.exit(new CommandLine(new TransferCli()).execute(args));
    }

    abstract static class Common {
        @Option(names = "--assets", description = "The assets folder (default: SNAPFIND_ASSETS, else ../shared/assets)")
        Path assets;

        @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime threads for the backbone (default: ${DEFAULT-VALUE})")
        int threads;

        @Option(names = "--model", description = "Embedder catalogue id of the frozen backbone, e.g. mobilenetv2, "
                + "efficientnet-lite0/1/2 (default: the embedder's default model; evaluate-head: the head's backbone)")
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
            return model != null ? model : FrozenBackbone.defaultModelId();
        }

        FrozenBackbone open(Path assets, String modelId) {
            Path dir = noCache ? null : (cache != null ? cache : ProjectPaths.root().resolve(".run/features"))
                    .toAbsolutePath().normalize();
            return FrozenBackbone.open(assets, modelId, threads, dir, System.out);
        }
    }

    /** The training settings, shared by train-head and unseen-classes; defaults are the trainer's own. */
    abstract static class Training extends Common {
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
            GroceryStore store = GroceryFeatures.store(assets, GroceryFeatures.TRAIN_LIST);
            return GroceryFeatures.extract(backbone, store, TRAIN_SET, store.natural(), !noMirror);
        }
    }

    @Command(name = "train-head", mixinStandardHelpOptions = true,
            description = "Train a head on the grocery train.txt photos and the iconic images (settings and epochs "
                    + "by grouped folds of train.txt); save it with a .properties file beside it naming its backbone.")
    static final class TrainHead extends Training implements Callable<Integer> {

        @Option(names = "--train-set", defaultValue = TRAIN_SET, description = "The photos to train on: train "
                + "(train.txt, 2,640 photos; the only one: val.txt is for reporting) (default: ${DEFAULT-VALUE})")
        String trainSet;

        @Option(names = "--out", description = "Head file to write (default: <repo>/.run/heads/<model>-grocery.head)")
        Path out;

        @Override
        public Integer call() throws IOException {
            if (!TRAIN_SET.equals(trainSet)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--train-set: only '" + TRAIN_SET
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
                    description(file).getFileName());
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
            p.put("train-set", TRAIN_SET + " (" + GroceryFeatures.TRAIN_LIST + ", " + features.photos().size()
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
            Files.writeString(description(file), text.toString(), StandardCharsets.UTF_8);
        }
    }

    /** The description beside a head file: {@code <head>.properties}, key {@code backbone} its catalogue id. */
    static Path description(Path head) {
        return head.resolveSibling(head.getFileName() + ".properties");
    }

    /** The backbone id recorded beside {@code head}, or null when there is no description. */
    static String recordedBackbone(Path head) {
        Path file = description(head);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot read " + file, e);
        }
        return properties.getProperty("backbone");
    }

    @Command(name = "evaluate-head", mixinStandardHelpOptions = true,
            description = "Grocery top-1/top-5 (all val.txt photos → the 81 iconic images), with and without a head; "
                    + "optionally IKEA P@5 and mirror averaging.")
    static final class EvaluateHead extends Common implements Callable<Integer> {

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
            String recorded = head == null ? null : recordedBackbone(head.toAbsolutePath().normalize());
            String modelId = model != null ? model : recorded != null ? recorded : FrozenBackbone.defaultModelId();
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

    @Command(name = "features", mixinStandardHelpOptions = true,
            description = "Extract and cache a backbone's features of the iconic images, train.txt and val.txt "
                    + "(plain and mirrored), so later commands find them cached.")
    static final class ExtractFeatures extends Training implements Callable<Integer> {
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

    @Command(name = "unseen-classes", mixinStandardHelpOptions = true,
            description = "Does a head help with products it was not trained on? Trains on half of the classes "
                    + "(their train.txt photos and iconic images), then measures the val.txt photos of each half "
                    + "against the whole catalogue.")
    static final class UnseenClasses extends Training implements Callable<Integer> {

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
}
