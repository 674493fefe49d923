package io.snapfind.detector.model;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * An ONNX model loaded from a local file through DJL's ONNX Runtime engine, checked by one warm-up inference so a
 * corrupt or wrong file fails at start-up with its name, not on the first request. Runs one NCHW float tensor in
 * and returns the first output as floats; the only class here that sees DJL types. Thread-safe: each call uses its
 * own Predictor (cheap; the ONNX Runtime session underneath is shared and thread-safe).
 */
public final class OnnxModel implements AutoCloseable {

    static {
        // DJL reports usage and fetches artefacts unless told not to; Snapfind never lets it leave the machine.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    /**
     * ONNX Runtime settings. Thread counts of 0 let ONNX Runtime choose (one intra-op thread per physical core).
     * Spinning keeps idle intra-op threads busy-waiting for the next operator: a little faster on an idle machine,
     * but on a small one it steals the cores that decoding, letterboxing and Kafka need (measured on 2 cores:
     * the detector's throughput halves with it on), so it is off by default.
     */
    public record RuntimeSettings(int intraOpThreads, int interOpThreads, boolean allowSpinning) {
        public static final RuntimeSettings DEFAULT = new RuntimeSettings(0, 0, false);

        public RuntimeSettings {
            if (intraOpThreads < 0 || interOpThreads < 0) {
                throw new IllegalArgumentException("thread counts must not be negative");
            }
        }

        /** The same settings as native ONNX Runtime session options (also used by the raw benchmark). */
        public OrtSession.SessionOptions toSessionOptions() throws OrtException {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            if (interOpThreads > 0) {
                options.setInterOpNumThreads(interOpThreads);
            }
            options.addConfigEntry("session.intra_op.allow_spinning", allowSpinning ? "1" : "0");
            options.addConfigEntry("session.inter_op.allow_spinning", allowSpinning ? "1" : "0");
            return options;
        }
    }

    private final Path file;
    private final int inputSize;
    private final Model model;
    private final OrtSession.SessionOptions sessionOptions;

    private OnnxModel(Path file, int inputSize, Model model, OrtSession.SessionOptions sessionOptions) {
        this.file = file;
        this.inputSize = inputSize;
        this.model = model;
        this.sessionOptions = sessionOptions;
    }

    /** Loads {@code file} with the default runtime settings and runs it once on a blank input. */
    public static OnnxModel load(Path file, int inputSize) {
        return load(file, inputSize, RuntimeSettings.DEFAULT);
    }

    /** Loads {@code file} and runs it once on a blank NCHW image of {@code inputSize}² pixels. */
    public static OnnxModel load(Path file, int inputSize, RuntimeSettings settings) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("Model file " + file + " does not exist");
        }
        Model model = null;
        OrtSession.SessionOptions sessionOptions = null;
        try {
            sessionOptions = settings.toSessionOptions();
            model = Model.newInstance(file.getFileName().toString(), Device.cpu(), "OnnxRuntime");
            // Model.load rather than Criteria: only the options map can carry a SessionOptions object, and only
            // that object can switch spinning off.
            model.load(file, null, Map.of("sessionOptions", sessionOptions));
        } catch (IOException | MalformedModelException | OrtException | RuntimeException e) {
            closeQuietly(model, sessionOptions);
            throw new ModelLoadException("Model file " + file + " cannot be loaded: " + e.getMessage(), e);
        }
        OnnxModel loaded = new OnnxModel(file, inputSize, model, sessionOptions);
        try {
            loaded.run(new float[3 * inputSize * inputSize]);
        } catch (RuntimeException e) {
            loaded.close();
            throw new ModelLoadException("Model file " + file + " loads but does not run on a [1,3," + inputSize + ","
                    + inputSize + "] input: " + e.getMessage(), e);
        }
        return loaded;
    }

    public Path file() {
        return file;
    }

    public int inputSize() {
        return inputSize;
    }

    /** Runs one image tensor of shape [1,3,size,size] and returns the model's first output, flattened. */
    public float[] run(float[] nchw) {
        try (Predictor<float[], float[]> predictor = model.newPredictor(new TensorTranslator(inputSize))) {
            return predictor.predict(nchw);
        } catch (TranslateException e) {
            throw new IllegalStateException("inference with " + file.getFileName() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(model, sessionOptions);
    }

    private static void closeQuietly(Model model, OrtSession.SessionOptions options) {
        if (model != null) {
            model.close();
        }
        if (options != null) {
            options.close();
        }
    }

    /** float[] in, float[] out; NDArrays live only inside the predictor's context and are freed with it. */
    private static final class TensorTranslator implements NoBatchifyTranslator<float[], float[]> {
        private final Shape shape;

        TensorTranslator(int inputSize) {
            this.shape = new Shape(1, 3, inputSize, inputSize);
        }

        @Override
        public NDList processInput(TranslatorContext ctx, float[] input) {
            return new NDList(ctx.getNDManager().create(FloatBuffer.wrap(input), shape));
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            NDArray output = list.get(0);
            return output.toFloatArray();
        }
    }

    /** The model file is missing, corrupt or does not fit the configured input. */
    public static final class ModelLoadException extends RuntimeException {
        ModelLoadException(String message) {
            super(message);
        }

        ModelLoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
