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
import io.snapfind.embedder.FusedEmbedder;
import io.snapfind.embedder.ImageEmbedder;
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

    private final List<OnnxImageModel> models = new ArrayList<>();
    private final List<Embedder> pipelines = new ArrayList<>();
    private final ImageEmbedder embedder;
    private final ImageLimits limits;
    private final int maxImagesPerRequest;
    private final Optional<Explainer> explainer;
    private final AtomicReference<OnnxFeatureMaps> featureMaps = new AtomicReference<>();

    EmbedderBeans(EmbedderConfig config, EmbedderMetrics metrics) {
        List<ModelSpec> specs = selectedSpecs(config);
        int cores = Runtime.getRuntime().availableProcessors();
        int workers = config.inference().workers() > 0 ? config.inference().workers() : cores;
        int preprocessThreads = config.preprocess().threads() > 0 ? config.preprocess().threads() : cores;
        this.limits = new ImageLimits(config.limits().maxImageBytes(), config.limits().maxImagePixels());
        this.maxImagesPerRequest = config.limits().maxImagesPerRequest();
        // A fusion runs one pipeline per member; each image goes through all of them (FusedEmbedder).
        for (ModelSpec spec : specs) {
            OnnxImageModel model = OnnxImageModel.load(spec,
                    new OnnxImageModel.Options(config.inference().intraOpThreads(), config.inference().device()));
            models.add(model);
            List<OnnxImageModel.Session> sessions = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                sessions.add(model.newSession());
            }
            pipelines.add(new Embedder(spec, new ImageDecoder(limits), sessions,
                    new Embedder.Settings(config.batch().maxSize(), Duration.ofMillis(config.batch().maxWaitMs()),
                            preprocessThreads, config.preprocess().maxInFlight()),
                    metrics, metrics));
            LOG.infof("Embedding model '%s' (%s, output %s, %d-d%s) on %s: %d inference workers × %d intra-op threads, "
                    + "batches of up to %d, %d preprocessing threads", spec.id(), spec.file().getFileName(),
                    spec.outputName(), spec.dimension(),
                    spec.head() == null ? "" : ", projection head " + spec.head().source() + " → "
                            + spec.vectorDimension() + "-d vectors",
                    model.device(), workers, config.inference().intraOpThreads(), config.batch().maxSize(),
                    preprocessThreads);
        }
        this.embedder = pipelines.size() == 1 ? pipelines.get(0) : new FusedEmbedder(config.model(), pipelines);
        if (pipelines.size() > 1) {
            LOG.infof("Serving the fusion '%s' of %s: %d-d vectors", config.model(),
                    specs.stream().map(ModelSpec::id).toList(), embedder.dimension());
        }
        metrics.watch(pipelines);
        this.explainer = explainer(config, specs);
    }

    /**
     * Explains with the first model that has a feature map, through the fusion when there is one; the feature-map
     * session is loaded by the first explanation, so a search-only deployment never pays for it.
     */
    private Optional<Explainer> explainer(EmbedderConfig config, List<ModelSpec> specs) {
        for (int m = 0; m < specs.size(); m++) {
            ModelSpec spec = specs.get(m);
            Optional<String> output = config.models().get(spec.id()).featureMap();
            if (output.isPresent()) {
                List<ImageEmbedder> others = new ArrayList<>(pipelines);
                others.remove(m);
                return Optional.of(new Explainer(spec, new ImageDecoder(limits), () -> {
                    OnnxFeatureMaps loaded = OnnxFeatureMaps.load(spec, output.get(),
                            config.inference().intraOpThreads());
                    featureMaps.set(loaded);
                    return loaded;
                }, embedder.modelId(), others));
            }
        }
        return Optional.empty();
    }

    /**
     * The specs of the configured model, files and projection heads checked (the first step of start-up): one, or
     * the members of a fusion in their order.
     */
    static List<ModelSpec> selectedSpecs(EmbedderConfig config) {
        List<String> members = config.fusions().get(config.model());
        if (members == null) {
            return List.of(selectedSpec(config, config.model()));
        }
        if (members.size() < 2 || config.models().containsKey(config.model())) {
            throw new IllegalArgumentException("fusion '" + config.model() + "' must name at least two catalogue "
                    + "models and no catalogue model may have its id; it names " + members);
        }
        return members.stream().map(id -> selectedSpec(config, id.trim())).toList();
    }

    private static ModelSpec selectedSpec(EmbedderConfig config, String id) {
        return new ModelCatalog(ModelCatalog.location(config.modelsDir()),
                config.builtModelsDir().map(ModelCatalog::location).orElseGet(ModelCatalog::defaultBuiltLocation),
                entries(config)).spec(id);
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

    /** The served model: one pipeline, or the fusion of several. */
    public ImageEmbedder embedder() {
        return embedder;
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
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("model", embedder.modelId());
        data.put("file", String.join(", ", pipelines.stream().map(p -> p.spec().file().getFileName().toString()).toList()));
        data.put("dimension", embedder.dimension());
        pipelines.stream().map(Embedder::spec).filter(spec -> spec.head() != null).findFirst().ifPresent(spec ->
                data.put("head", java.nio.file.Path.of(spec.head().source()).getFileName().toString()));
        data.put("device", models.get(0).device());
        return new ModelReadiness("embedder-model", () -> {
            Map<String, Object> now = new LinkedHashMap<>(data);
            now.put("queued", pipelines.stream().mapToInt(Embedder::queued).sum());
            return now;
        });
    }

    @PreDestroy
    void close() {
        pipelines.forEach(Embedder::close);
        models.forEach(OnnxImageModel::close);
        Optional.ofNullable(featureMaps.get()).ifPresent(OnnxFeatureMaps::close);
    }
}
