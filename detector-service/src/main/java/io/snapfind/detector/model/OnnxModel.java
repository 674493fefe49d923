package io.snapfind.detector.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;

/**
 * An ONNX model loaded from a local file through DJL's ONNX Runtime engine, checked by one warm-up inference so a
 * corrupt or wrong file fails at start-up with its name, not on the first request.
 */
public final class OnnxModel implements AutoCloseable {

    static {
        // DJL reports usage and fetches artefacts unless told not to; Snapfind never lets it leave the machine.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    private final Path file;
    private final ZooModel<NDList, NDList> model;

    private OnnxModel(Path file, ZooModel<NDList, NDList> model) {
        this.file = file;
        this.model = model;
    }

    /** Loads {@code file} and runs it once on a blank NCHW image of {@code inputSize}² pixels. */
    public static OnnxModel load(Path file, int inputSize) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("Model file " + file + " does not exist");
        }
        ZooModel<NDList, NDList> model;
        try {
            model = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(file)
                    .optEngine("OnnxRuntime")
                    .build()
                    .loadModel();
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new ModelLoadException("Model file " + file + " cannot be loaded: " + e.getMessage(), e);
        }
        OnnxModel loaded = new OnnxModel(file, model);
        try {
            loaded.warmUp(inputSize);
        } catch (RuntimeException e) {
            model.close();
            throw new ModelLoadException("Model file " + file + " loads but does not run on a [1,3," + inputSize + ","
                    + inputSize + "] input: " + e.getMessage(), e);
        }
        return loaded;
    }

    public Path file() {
        return file;
    }

    public ZooModel<NDList, NDList> model() {
        return model;
    }

    private void warmUp(int inputSize) {
        try (NDManager manager = model.getNDManager().newSubManager();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDArray blank = manager.create(new float[3 * inputSize * inputSize], new Shape(1, 3, inputSize, inputSize));
            predictor.predict(new NDList(blank));
        } catch (TranslateException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        model.close();
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
