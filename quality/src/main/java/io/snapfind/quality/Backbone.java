package io.snapfind.quality;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.model.OnnxImageModel;
import io.snapfind.embedder.model.Preprocessor;

/**
 * One catalogue model, run two ways on the same preprocessed tensor. {@link #embed} is the embedder service's own
 * code path ({@link Preprocessor} then {@link OnnxImageModel}, which L2-normalises): the vectors the service would
 * index. {@link #embedRaw} runs the same ONNX file in a plain ONNX Runtime session and returns the output tensor as it
 * is, un-normalised, which the service never exposes; it exists only so Euclidean distance can be compared on vectors
 * whose length still varies (on unit vectors Euclidean and cosine rank identically).
 */
final class Backbone implements AutoCloseable {

    private final ModelSpec spec;
    private final OnnxImageModel serviceModel;
    private final Preprocessor preprocessor;
    private final int intraOpThreads;
    private OrtSession rawSession;
    private String rawInputName;

    private Backbone(ModelSpec spec, OnnxImageModel serviceModel, int intraOpThreads) {
        this.spec = spec;
        this.serviceModel = serviceModel;
        this.preprocessor = new Preprocessor(spec);
        this.intraOpThreads = intraOpThreads;
    }

    static Backbone load(ModelSpec spec, int intraOpThreads) {
        return new Backbone(spec, OnnxImageModel.load(spec, new OnnxImageModel.Options(intraOpThreads, "cpu")),
                intraOpThreads);
    }

    String id() {
        return spec.id();
    }

    /** The service's vectors of {@code images}, one inference for all of them. */
    float[][] embed(List<BufferedImage> images) {
        return serviceModel.embed(tensor(images), images.size());
    }

    /** The model's raw output for {@code images}, not normalised. */
    synchronized float[][] embedRaw(List<BufferedImage> images) {
        try {
            if (rawSession == null) {
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                if (intraOpThreads > 0) {
                    options.setIntraOpNumThreads(intraOpThreads);
                }
                rawSession = OrtEnvironment.getEnvironment().createSession(spec.file().toString(), options);
                rawInputName = spec.inputName() != null ? spec.inputName()
                        : rawSession.getInputNames().iterator().next();
            }
            int side = spec.inputSize();
            long[] shape = { images.size(), 3, side, side };
            try (OnnxTensor input = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(),
                    FloatBuffer.wrap(tensor(images)), shape);
                    OrtSession.Result result = rawSession.run(Map.of(rawInputName, input), Set.of(spec.outputName()))) {
                FloatBuffer flat = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[][] vectors = new float[images.size()][spec.dimension()];
                for (float[] vector : vectors) {
                    flat.get(vector);
                }
                return vectors;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on model '" + spec.id() + "': " + e.getMessage(), e);
        }
    }

    private float[] tensor(List<BufferedImage> images) {
        float[] pixels = new float[images.size() * spec.pixelsPerImage()];
        for (int i = 0; i < images.size(); i++) {
            preprocessor.apply(images.get(i), pixels, i * spec.pixelsPerImage());
        }
        return pixels;
    }

    @Override
    public void close() {
        serviceModel.close();
        if (rawSession != null) {
            try {
                rawSession.close();
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
