package io.snapfind.embedder.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.snapfind.embedder.BatchingQueue;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.Vectors;

/**
 * An image embedding model run by DJL's ONNX Runtime engine. A batch is one NCHW tensor built from preprocessed
 * images; the configured output tensor is read by name, split per image and L2-normalised, then passed through the
 * spec's projection head when it has one (which L2-normalises again). Loading runs a warm-up
 * batch of two images, so a corrupt file, a wrong output name or dimension, or a model whose batch size is fixed
 * fails at start-up with the file's name. The model is thread-safe; each {@link Session} (one DJL predictor) is
 * used by one thread at a time.
 */
public final class OnnxImageModel implements AutoCloseable {

    static {
        // DJL reports usage and fetches artefacts unless told not to; Snapfind never lets it leave the machine.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    private static final String ENGINE = "OnnxRuntime";

    /**
     * How ONNX Runtime runs the model.
     *
     * @param intraOpThreads threads inside one inference; 0 lets ONNX Runtime use every core
     * @param device         {@code auto} (a GPU when DJL finds one, else the CPU), {@code cpu} or {@code gpu}
     */
    public record Options(int intraOpThreads, String device) {
        public static final Options DEFAULT = new Options(0, "auto");
    }

    /**
     * The preprocessed images of one batch: {@code count} images of {@link ModelSpec#pixelsPerImage()} floats,
     * the buffer's remaining floats exactly.
     */
    private record Batch(FloatBuffer pixels, int count) {
    }

    private final ModelSpec spec;
    private final Device device;
    private final ZooModel<Batch, float[][]> model;

    private OnnxImageModel(ModelSpec spec, Device device, ZooModel<Batch, float[][]> model) {
        this.spec = spec;
        this.device = device;
        this.model = model;
    }

    public static OnnxImageModel load(ModelSpec spec, Options options) {
        Device device = device(options.device());
        Criteria.Builder<Batch, float[][]> criteria = Criteria.builder()
                .setTypes(Batch.class, float[][].class)
                .optModelPath(spec.file())
                .optEngine(ENGINE)
                .optDevice(device)
                .optTranslator(new EmbeddingTranslator(spec));
        if (options.intraOpThreads() > 0) {
            criteria.optOption("intraOpNumThreads", Integer.toString(options.intraOpThreads()));
        }
        ZooModel<Batch, float[][]> model;
        try {
            model = criteria.build().loadModel();
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new ModelLoadException("Model file " + spec.file() + " of model '" + spec.id()
                    + "' cannot be loaded: " + e.getMessage(), e);
        }
        OnnxImageModel loaded = new OnnxImageModel(spec, device, model);
        try (Session session = loaded.newSession()) {
            session.run(new float[2 * spec.pixelsPerImage()], 2);
        } catch (RuntimeException e) {
            model.close();
            throw new ModelLoadException("Model file " + spec.file() + " of model '" + spec.id() + "' loads but "
                    + "fails on a batch of 2 images [2,3," + spec.inputSize() + "," + spec.inputSize() + "]: "
                    + e.getMessage(), e);
        }
        return loaded;
    }

    public ModelSpec spec() {
        return spec;
    }

    /** Where inference runs, e.g. {@code cpu()} or {@code gpu(0)}. */
    public String device() {
        return device.toString();
    }

    /** A new predictor; not thread-safe, close it after use. */
    public Session newSession() {
        return new Session(model.newPredictor());
    }

    /** Embeds preprocessed images with a one-off session: for warm-up, tests and tools. */
    public float[][] embed(float[] pixels, int count) {
        try (Session session = newSession()) {
            return session.run(pixels, count);
        }
    }

    @Override
    public void close() {
        model.close();
    }

    private static Device device(String configured) {
        String choice = configured == null ? "auto" : configured.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (choice) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (Engine.getEngine(ENGINE).getGpuCount() == 0) {
                    throw new ModelLoadException("Device gpu was requested but ONNX Runtime finds no GPU "
                            + "(it needs the onnxruntime_gpu library and CUDA)");
                }
                yield Device.gpu();
            }
            case "auto" -> Engine.getEngine(ENGINE).getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            default -> throw new ModelLoadException("Unknown device '" + configured + "': use auto, cpu or gpu");
        };
    }

    /** One predictor: runs whole batches, one inference each. */
    public final class Session implements BatchingQueue.Worker<float[][], float[]> {

        private final Predictor<Batch, float[][]> predictor;
        private FloatBuffer input;

        private Session(Predictor<Batch, float[][]> predictor) {
            this.predictor = predictor;
        }

        /** Embeds {@code count} preprocessed images laid out back to back in {@code pixels}. */
        public float[][] run(float[] pixels, int count) {
            if (pixels.length != count * spec.pixelsPerImage()) {
                throw new IllegalArgumentException("expected " + count + " × " + spec.pixelsPerImage()
                        + " floats, got " + pixels.length);
            }
            return predict(FloatBuffer.wrap(pixels), count);
        }

        /**
         * Embeds images given as their three planes each ({@link Preprocessor#planes}). They are copied into one
         * direct buffer that this session reuses, which ONNX Runtime reads in place: no batch-sized array on the
         * heap and no fresh native copy per inference.
         */
        @Override
        public List<float[]> process(List<float[][]> images) {
            int floats = images.size() * spec.pixelsPerImage();
            if (input == null || input.capacity() < floats) {
                input = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
            input.clear();
            for (float[][] planes : images) {
                for (float[] plane : planes) {
                    input.put(plane);
                }
            }
            input.flip();
            return List.of(predict(input, images.size()));
        }

        private float[][] predict(FloatBuffer pixels, int count) {
            try {
                return predictor.predict(new Batch(pixels, count));
            } catch (TranslateException e) {
                throw new IllegalStateException("Inference failed on model '" + spec.id() + "': " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            predictor.close();
        }
    }

    /** Builds the input tensor from plain floats and reads the embedding output by name. */
    private static final class EmbeddingTranslator implements NoBatchifyTranslator<Batch, float[][]> {

        private static final String COUNT = "count";

        private final ModelSpec spec;

        EmbeddingTranslator(ModelSpec spec) {
            this.spec = spec;
        }

        @Override
        public NDList processInput(TranslatorContext context, Batch batch) {
            context.setAttachment(COUNT, batch.count());
            int side = spec.inputSize();
            NDArray input = context.getNDManager().create(batch.pixels(), new Shape(batch.count(), 3, side, side));
            if (spec.inputName() != null) {
                input.setName(spec.inputName());
            }
            return new NDList(input);
        }

        @Override
        public float[][] processOutput(TranslatorContext context, NDList outputs) {
            int count = (Integer) context.getAttachment(COUNT);
            NDArray output = outputs.get(spec.outputName());
            if (output == null) {
                List<String> names = new ArrayList<>();
                outputs.forEach(array -> names.add(array.getName()));
                throw new IllegalStateException("the model has no output tensor '" + spec.outputName()
                        + "'; its outputs are " + names);
            }
            float[] flat = output.toFloatArray();
            if (flat.length != count * spec.dimension()) {
                throw new IllegalStateException("output '" + spec.outputName() + "' has shape " + output.getShape()
                        + ", expected " + count + " × " + spec.dimension());
            }
            float[][] vectors = new float[count][];
            for (int i = 0; i < count; i++) {
                float[] vector = new float[spec.dimension()];
                System.arraycopy(flat, i * spec.dimension(), vector, 0, spec.dimension());
                // An all-zero output stays zero; the embedder refuses it rather than index a meaningless vector.
                Vectors.normalize(vector);
                // Here, where every batch's vectors are made, so REST, Kafka and any batch size all get the head.
                vectors[i] = spec.head() == null ? vector : spec.head().apply(vector);
            }
            return vectors;
        }
    }
}
