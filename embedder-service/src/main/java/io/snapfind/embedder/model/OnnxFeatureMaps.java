package io.snapfind.embedder.model;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import ai.djl.MalformedModelException;
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
import io.snapfind.embedder.Explainer;
import io.snapfind.embedder.ModelSpec;

/**
 * The last feature map of an embedding model ({@code [1, C, h, w]} under the configured output name, e.g.
 * {@code feature_map} of the EfficientNet-Lite builds), read raw: no normalisation, no head. It is a second ONNX
 * Runtime session of the embedding model's own file, loaded only when the first explanation is asked for, and used
 * by one thread at a time: explanations are rare, and the batching pipeline keeps its sessions.
 */
public final class OnnxFeatureMaps implements Explainer.FeatureMaps, AutoCloseable {

    private final ModelSpec spec;
    private final String output;
    private final ZooModel<float[], Explainer.FeatureMap> model;
    private final Predictor<float[], Explainer.FeatureMap> predictor;

    private OnnxFeatureMaps(ModelSpec spec, String output, ZooModel<float[], Explainer.FeatureMap> model) {
        this.spec = spec;
        this.output = output;
        this.model = model;
        this.predictor = model.newPredictor();
    }

    /** Loads the model file of {@code spec} reading output {@code output}; fails with the file's name. */
    public static OnnxFeatureMaps load(ModelSpec spec, String output, int intraOpThreads) {
        Criteria.Builder<float[], Explainer.FeatureMap> criteria = Criteria.builder()
                .setTypes(float[].class, Explainer.FeatureMap.class)
                .optModelPath(spec.file())
                .optEngine("OnnxRuntime")
                .optTranslator(new FeatureMapTranslator(spec, output));
        if (intraOpThreads > 0) {
            criteria.optOption("intraOpNumThreads", Integer.toString(intraOpThreads));
        }
        try {
            return new OnnxFeatureMaps(spec, output, criteria.build().loadModel());
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new ModelLoadException("Model file " + spec.file() + " of model '" + spec.id()
                    + "' cannot be loaded for its feature map '" + output + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Explainer.FeatureMap of(float[] pixels) {
        try {
            return predictor.predict(pixels);
        } catch (TranslateException e) {
            throw new IllegalStateException("Inference of feature map '" + output + "' failed on model '" + spec.id()
                    + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        predictor.close();
        model.close();
    }

    private record FeatureMapTranslator(ModelSpec spec, String output)
            implements NoBatchifyTranslator<float[], Explainer.FeatureMap> {

        @Override
        public NDList processInput(TranslatorContext context, float[] pixels) {
            int side = spec.inputSize();
            NDArray input = context.getNDManager().create(FloatBuffer.wrap(pixels), new Shape(1, 3, side, side));
            if (spec.inputName() != null) {
                input.setName(spec.inputName());
            }
            return new NDList(input);
        }

        @Override
        public Explainer.FeatureMap processOutput(TranslatorContext context, NDList outputs) {
            NDArray map = outputs.get(output);
            if (map == null) {
                List<String> names = new ArrayList<>();
                outputs.forEach(array -> names.add(array.getName()));
                throw new IllegalStateException("the model has no output tensor '" + output + "'; its outputs are "
                        + names);
            }
            Shape shape = map.getShape();
            if (shape.dimension() != 4 || shape.get(0) != 1) {
                throw new IllegalStateException("output '" + output + "' has shape " + shape
                        + ", expected a feature map [1, C, h, w]");
            }
            return new Explainer.FeatureMap((int) shape.get(1), (int) shape.get(2), (int) shape.get(3),
                    map.toFloatArray());
        }
    }
}
