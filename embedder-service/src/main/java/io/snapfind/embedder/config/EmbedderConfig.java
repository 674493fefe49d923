package io.snapfind.embedder.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.snapfind.embedder.ModelSpec;

/** Settings under {@code snapfind.embedder}; each is documented in embedder-service/README.md. */
@ConfigMapping(prefix = "snapfind.embedder")
public interface EmbedderConfig {

    /** Folder of the model files, as a path or a {@code file:} URL; nothing is ever downloaded. */
    String modelsDir();

    /**
     * Folder of the models scripts/build-models.sh builds, named {@code built:<file>} in the catalogue; when unset,
     * {@code $SNAPFIND_MODELS_CACHE}, else {@code ~/.cache/snapfind/models}, as the script decides.
     */
    Optional<String> builtModelsDir();

    /** Catalogue id of the model to serve: an entry of {@link #models()} or of {@link #fusions()}. */
    @WithDefault("efficientnet-lite0+mobilenetv2")
    String model();

    /** The model catalogue, by id. */
    Map<String, Model> models();

    /**
     * Fusions of catalogue models, by id: the members' unit vectors concatenated, each scaled by 1/sqrt(n), so a
     * cosine is the mean of the members' (io.snapfind.embedder.FusedEmbedder).
     */
    Map<String, List<String>> fusions();

    Batch batch();

    Inference inference();

    Preprocess preprocess();

    Limits limits();

    /** One catalogue entry. */
    interface Model {
        /** File name inside {@link #modelsDir()}, an absolute path, or {@code built:<name>} (see builtModelsDir). */
        String file();

        /** Input tensor name; leave empty for a single-input model. */
        Optional<String> input();

        /** Output tensor used as the embedding. */
        String output();

        /** Length of that output per image. */
        int dimension();

        @WithDefault("224")
        int inputSize();

        /** Shorter image side after resizing, before the centre crop of inputSize. */
        @WithDefault("256")
        int resize();

        @WithDefault("0.485,0.456,0.406")
        List<Float> mean();

        @WithDefault("0.229,0.224,0.225")
        List<Float> std();

        @WithDefault("RGB")
        ModelSpec.ChannelOrder channelOrder();

        /**
         * A projection head file (io.snapfind.embedder.model.ProjectionHead) inside {@link #modelsDir()} or an
         * absolute path, applied to the L2-normalised output; the vectors then have the head's output dimension.
         */
        Optional<String> head();

        /**
         * Output tensor holding the last feature map {@code [n, C, h, w]} that {@link #output()} is the global
         * average of; {@code POST /v1/explain} needs it (and a model without one cannot explain its matches).
         */
        Optional<String> featureMap();
    }

    interface Batch {
        /** Images per inference at most. */
        @WithDefault("4")
        int maxSize();

        /** Milliseconds a batch waits for more images after its first; 0 sends what is queued at once. */
        @WithDefault("0")
        int maxWaitMs();
    }

    interface Inference {
        /** Concurrent inferences, one predictor each; 0 means one per core. */
        @WithDefault("0")
        int workers();

        /** ONNX Runtime threads inside one inference; 0 lets ONNX Runtime use every core. */
        @WithDefault("1")
        int intraOpThreads();

        /** auto (GPU when DJL finds one, else CPU), cpu or gpu. */
        @WithDefault("auto")
        String device();
    }

    interface Preprocess {
        /** Threads decoding and preprocessing images; 0 means one per core. */
        @WithDefault("0")
        int threads();

        /** Images accepted at once (decoding, queued or in inference); more are refused with 503. */
        @WithDefault("512")
        int maxInFlight();
    }

    interface Limits {
        /** Largest encoded image, in bytes. */
        @WithDefault("20971520")
        long maxImageBytes();

        /** Largest image, in pixels (width × height), checked before decoding. */
        @WithDefault("40000000")
        long maxImagePixels();

        /** Images in one POST /v1/embed at most. */
        @WithDefault("32")
        int maxImagesPerRequest();
    }
}
