package io.snapfind.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.snapfind.embedder.model.ProjectionHead;

/**
 * Trains a projection head on frozen, L2-normalised backbone features with DJL's PyTorch engine. The objective is
 * a normalised-softmax (cosine) classifier: the head's output and one learned proxy per class are L2-normalised,
 * their cosines divided by a temperature are the logits of a softmax cross-entropy. Classes thereby become
 * directions in the head's space and members of a class gather around theirs, which is what cosine kNN retrieval
 * needs; only the head is kept, the proxies are thrown away. AdamW with decoupled weight decay on the head's
 * layers (not on the proxies, whose length the normalisation ignores), mini-batches in a seeded order,
 * parameters initialised from the same seed in Java: the same inputs and settings give the same head.
 */
public final class HeadTrainer {

    static {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        // The matrices are small (a batch of 32 × 1280): one thread is as fast as several and leaves the other
        // cores alone. -Dai.djl.pytorch.num_threads=N overrides it.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /** The DJL engine that trains; its native library comes from the pytorch-native-cpu jar (offline). */
    public static final String ENGINE = "PyTorch";

    /**
     * How to train.
     *
     * @param dimension     the head's output dimension
     * @param hidden        width of a hidden layer (ReLU) before the output layer; 0 for a single linear layer
     * @param temperature   softmax temperature of the cosine logits
     * @param learningRate  AdamW learning rate
     * @param weightDecay   AdamW decoupled weight decay of the head's layers
     * @param inputDropout  share of input features zeroed at random in training (then rescaled); 0 for none
     * @param batchSize     samples per update
     * @param seed          seeds the initial weights, the batch order, dropout and the engine
     */
    public record Settings(int dimension, int hidden, float temperature, float learningRate, float weightDecay,
            float inputDropout, int batchSize, long seed) {

        /** Chosen by grouped 3-fold cross-validation of train.txt (a small grid; transfer/README.md lists the runs). */
        public static final Settings DEFAULT = new Settings(256, 512, 0.1f, 1e-3f, 1e-4f, 0.5f, 32, 42);

        public Settings {
            if (dimension < 1 || hidden < 0 || batchSize < 1) {
                throw new IllegalArgumentException("dimension and batch size must be positive, hidden not negative");
            }
            if (!(temperature > 0) || !(learningRate > 0) || weightDecay < 0 || inputDropout < 0
                    || inputDropout >= 1) {
                throw new IllegalArgumentException("temperature and learning rate must be positive, weight decay "
                        + "not negative, input dropout in [0,1)");
            }
        }
    }

    /** One pass over the training samples: mean loss and the share classified right, both during the pass. */
    public record Epoch(int number, double loss, double accuracy) {
    }

    /** Sees each epoch; {@code head} exports the head as it is after that epoch. */
    public interface Observer {
        Observer NONE = (epoch, head) -> {
        };

        void epochDone(Epoch epoch, Supplier<ProjectionHead> head);
    }

    private final Settings settings;

    public HeadTrainer(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Trains for {@code epochs} passes over {@code features} (rows of one dimension) labelled {@code labels}
     * (0 ≤ label &lt; {@code classes}) and returns the head.
     */
    public ProjectionHead train(float[][] features, int[] labels, int classes, int epochs, Observer observer) {
        if (features.length == 0 || features.length != labels.length) {
            throw new IllegalArgumentException(features.length + " samples and " + labels.length + " labels");
        }
        int inputs = features[0].length;
        Engine engine = Engine.getEngine(ENGINE);
        engine.setRandomSeed((int) settings.seed());
        Random random = new Random(settings.seed());
        try (NDManager manager = engine.newBaseManager(Device.cpu())) {
            List<NDArray[]> layers = new ArrayList<>();
            int width = inputs;
            for (int outputs : settings.hidden() > 0 ? new int[] { settings.hidden(), settings.dimension() }
                    : new int[] { settings.dimension() }) {
                layers.add(new NDArray[] { parameter(manager, xavier(random, outputs, width), outputs, width),
                        parameter(manager, new float[outputs], outputs) });
                width = outputs;
            }
            float[] proxyInit = new float[classes * width];
            for (int i = 0; i < proxyInit.length; i++) {
                proxyInit[i] = (float) random.nextGaussian();
            }
            NDArray proxies = parameter(manager, proxyInit, classes, width);
            Optimizer layerOptimizer = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(settings.learningRate()))
                    .optWeightDecays(settings.weightDecay()).build();
            Optimizer proxyOptimizer = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(settings.learningRate()))
                    .optWeightDecays(0f).build();
            Loss loss = Loss.softmaxCrossEntropyLoss();
            int[] order = new int[features.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int epoch = 1; epoch <= epochs; epoch++) {
                shuffle(order, random);
                double lossSum = 0;
                int right = 0;
                for (int start = 0; start < order.length; start += settings.batchSize()) {
                    int size = Math.min(settings.batchSize(), order.length - start);
                    float[] batch = new float[size * inputs];
                    long[] batchLabels = new long[size];
                    for (int i = 0; i < size; i++) {
                        int sample = order[start + i];
                        dropout(features[sample], batch, i * inputs, random);
                        batchLabels[i] = labels[sample];
                    }
                    try (NDScope scope = new NDScope();
                            GradientCollector collector = engine.newGradientCollector()) {
                        NDArray x = manager.create(batch, new Shape(size, inputs));
                        NDArray truth = manager.create(batchLabels);
                        NDArray logits = logits(x, layers, proxies);
                        NDArray value = loss.evaluate(new NDList(truth), new NDList(logits));
                        collector.backward(value);
                        lossSum += value.getFloat() * size;
                        long[] predicted = logits.argMax(1).toLongArray();
                        for (int i = 0; i < size; i++) {
                            right += predicted[i] == batchLabels[i] ? 1 : 0;
                        }
                    }
                    // Outside the scope: AdamW creates its moment arrays on the first update, and they must live on.
                    for (int l = 0; l < layers.size(); l++) {
                        step(layerOptimizer, "weight" + l, layers.get(l)[0]);
                        step(layerOptimizer, "bias" + l, layers.get(l)[1]);
                    }
                    step(proxyOptimizer, "proxies", proxies);
                }
                Epoch done = new Epoch(epoch, lossSum / order.length, (double) right / order.length);
                observer.epochDone(done, () -> export(layers));
            }
            return export(layers);
        }
    }

    private NDArray logits(NDArray x, List<NDArray[]> layers, NDArray proxies) {
        NDArray h = x;
        for (int l = 0; l < layers.size(); l++) {
            h = h.matMul(layers.get(l)[0].transpose()).add(layers.get(l)[1]);
            if (l < layers.size() - 1) {
                h = h.maximum(0f);
            }
        }
        NDArray directions = h.normalize(2, 1, 1e-12);
        return directions.matMul(proxies.normalize(2, 1, 1e-12).transpose()).div(settings.temperature());
    }

    private void dropout(float[] feature, float[] batch, int offset, Random random) {
        float keep = 1 - settings.inputDropout();
        for (int j = 0; j < feature.length; j++) {
            batch[offset + j] = settings.inputDropout() == 0 ? feature[j]
                    : random.nextFloat() < keep ? feature[j] / keep : 0f;
        }
    }

    private static void step(Optimizer optimizer, String id, NDArray parameter) {
        try (NDArray gradient = parameter.getGradient()) {
            optimizer.update(id, parameter, gradient);
            // DJL's PyTorch engine accumulates gradients across backward passes; this batch's are spent.
            gradient.subi(gradient);
        }
    }

    private static ProjectionHead export(List<NDArray[]> layers) {
        List<ProjectionHead.Layer> exported = new ArrayList<>();
        for (NDArray[] layer : layers) {
            long[] shape = layer[0].getShape().getShape();
            exported.add(new ProjectionHead.Layer((int) shape[1], (int) shape[0], layer[0].toFloatArray(),
                    layer[1].toFloatArray()));
        }
        return ProjectionHead.of(exported);
    }

    private static NDArray parameter(NDManager manager, float[] values, long... shape) {
        NDArray array = manager.create(values, new Shape(shape));
        array.setRequiresGradient(true);
        return array;
    }

    /** Glorot-normal weights of an {@code outputs × inputs} layer. */
    private static float[] xavier(Random random, int outputs, int inputs) {
        float[] weights = new float[outputs * inputs];
        double std = Math.sqrt(2.0 / (inputs + outputs));
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * std);
        }
        return weights;
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }
}
