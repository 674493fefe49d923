package io.snapfind.embedder.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.snapfind.embedder.Embedder;
import io.snapfind.embedder.Explainer;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.metrics.EmbedderMetrics;
import io.snapfind.embedder.model.ModelCatalog;
import io.snapfind.embedder.model.OnnxFeatureMaps;
import io.snapfind.embedder.model.OnnxImageModel;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.support.health.ModelReadiness;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * The embedder's bean wiring. Builds the embedder from configuration at start-up: catalogue entry → model (a warm-up inference included) →
 * predictor pool → pipeline. Start-up fails with the model file's name if any step fails.
 */
@Startup
@ApplicationScoped
public class EmbedderBeans {

    private static final Logger LOG = Logger.getLogger(EmbedderBeans.class);

    private final OnnxImageModel model;
    private final Embedder embedder;
    private final ImageLimits limits;
    private final int maxImagesPerRequest;
    private final Optional<Explainer> explainer;
    private final AtomicReference<OnnxFeatureMaps> featureMaps = new AtomicReference<>();

    EmbedderBeans(EmbedderConfig config, EmbedderMetrics metrics) {
        ModelSpec spec = selectedSpec(config);
        int cores = Runtime.getRuntime().availableProcessors();
        int workers = config.inference().workers() > 0 ? config.inference().workers() : cores;
        int preprocessThreads = config.preprocess().threads() > 0 ? config.preprocess().threads() : cores;
        this.model = OnnxImageModel.load(spec,
                new OnnxImageModel.Options(config.inference().intraOpThreads(), config.inference().device()));
        this.limits = new ImageLimits(config.limits().maxImageBytes(), config.limits().maxImagePixels());
        this.maxImagesPerRequest = config.limits().maxImagesPerRequest();
        List<OnnxImageModel.Session> sessions = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            sessions.add(model.newSession());
        }
        this.embedder = new Embedder(spec, new ImageDecoder(limits), sessions,
                new Embedder.Settings(config.batch().maxSize(), Duration.ofMillis(config.batch().maxWaitMs()),
                        preprocessThreads, config.preprocess().maxInFlight()),
                metrics, metrics);
        metrics.watch(embedder);
        // The feature-map session is loaded by the first explanation, so a search-only deployment never pays for it.
        this.explainer = config.models().get(spec.id()).featureMap().map(output -> new Explainer(spec,
                new ImageDecoder(limits), () -> {
                    OnnxFeatureMaps loaded = OnnxFeatureMaps.load(spec, output, config.inference().intraOpThreads());
                    featureMaps.set(loaded);
                    return loaded;
                }));
        LOG.infof("Embedding model '%s' (%s, output %s, %d-d%s) on %s: %d inference workers × %d intra-op threads, "
                + "batches of up to %d, %d preprocessing threads", spec.id(), spec.file().getFileName(),
                spec.outputName(), spec.dimension(),
                spec.head() == null ? "" : ", projection head " + spec.head().source() + " → "
                        + spec.vectorDimension() + "-d vectors",
                model.device(), workers, config.inference().intraOpThreads(), config.batch().maxSize(),
                preprocessThreads);
    }

    /** The configured model's spec, its file and projection head checked: the first step of start-up. */
    static ModelSpec selectedSpec(EmbedderConfig config) {
        return new ModelCatalog(ModelCatalog.location(config.modelsDir()),
                config.builtModelsDir().map(ModelCatalog::location).orElseGet(ModelCatalog::defaultBuiltLocation),
                entries(config)).spec(config.model());
    }

    static Map<String, ModelCatalog.Entry> entries(EmbedderConfig config) {
        Map<String, ModelCatalog.Entry> entries = new LinkedHashMap<>();
        config.models().forEach((id, model) -> entries.put(id, new ModelCatalog.Entry(model.file(),
                model.input().orElse(null), model.output(), model.dimension(), model.inputSize(), model.resize(),
                floats(model.mean()), floats(model.std()), model.channelOrder(),
                model.head().orElse(null))));
        return entries;
    }

    private static float[] floats(List<Float> values) {
        float[] result = new float[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }

    public Embedder embedder() {
        return embedder;
    }

    public OnnxImageModel model() {
        return model;
    }

    /** Explains matches of the running model; empty when its catalogue entry names no feature map output. */
    public Optional<Explainer> explainer() {
        return explainer;
    }

    public ImageLimits limits() {
        return limits;
    }

    public int maxImagesPerRequest() {
        return maxImagesPerRequest;
    }

    /** Ready once the model has loaded and answered its warm-up inference (start-up fails otherwise). */
    @Produces
    @Readiness
    @ApplicationScoped
    ModelReadiness modelReadiness() {
        ModelSpec spec = model.spec();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("model", spec.id());
        data.put("file", spec.file().getFileName().toString());
        data.put("dimension", spec.vectorDimension());
        if (spec.head() != null) {
            data.put("head", java.nio.file.Path.of(spec.head().source()).getFileName().toString());
        }
        data.put("device", model.device());
        return new ModelReadiness("embedder-model", () -> {
            Map<String, Object> now = new LinkedHashMap<>(data);
            now.put("queued", embedder.queued());
            return now;
        });
    }

    @PreDestroy
    void close() {
        embedder.close();
        model.close();
        Optional.ofNullable(featureMaps.get()).ifPresent(OnnxFeatureMaps::close);
    }
}
