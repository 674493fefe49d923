package io.snapfind.embedder.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.snapfind.embedder.ModelSpec;

/**
 * The embedder's model catalogue as this jar's {@code application.properties} declares it
 * ({@code snapfind.embedder.models.<id>.<setting>}), for tools outside the service (evaluation, head training,
 * benchmarks) that must know the same models by the same ids and settings. Defaults are the ones
 * {@code EmbedderConfig.Model} declares.
 */
public final class EmbedderCatalogue {

    static final String PREFIX = "snapfind.embedder.models.";
    static final String FUSIONS = "snapfind.embedder.fusions.";

    private static final float[] IMAGENET_MEAN = { 0.485f, 0.456f, 0.406f };
    private static final float[] IMAGENET_STD = { 0.229f, 0.224f, 0.225f };

    private EmbedderCatalogue() {
    }

    /**
     * The catalogue with its files looked up in {@code modelsDir}, and its {@code built:} files in
     * {@link ModelCatalog#defaultBuiltLocation()}.
     */
    public static ModelCatalog load(Path modelsDir) {
        return new ModelCatalog(modelsDir.toAbsolutePath().normalize(), entries(embedderProperties()));
    }

    /** The model the embedder serves by default: {@code snapfind.embedder.model} of its configuration file. */
    public static String defaultModelId() {
        String model = embedderProperties().getProperty("snapfind.embedder.model");
        if (model == null || model.isBlank()) {
            throw new IllegalStateException("the embedder's application.properties sets no snapfind.embedder.model");
        }
        return model.trim();
    }

    /**
     * The catalogue models a served model id stands for: the members of a fusion ({@code snapfind.embedder.fusions.<id>}),
     * in order, or the id itself.
     */
    public static java.util.List<String> members(String modelId) {
        String fusion = embedderProperties().getProperty(FUSIONS + modelId);
        if (fusion == null) {
            return java.util.List.of(modelId);
        }
        return java.util.Arrays.stream(fusion.split(",")).map(String::trim).filter(id -> !id.isEmpty()).toList();
    }

    /** Length of the vectors a served model id gives: its own, or the sum of its fusion's members'. */
    public static int vectorDimension(Path modelsDir, String modelId) {
        ModelCatalog catalogue = load(modelsDir);
        return members(modelId).stream().mapToInt(id -> catalogue.spec(id).vectorDimension()).sum();
    }

    /**
     * The embedder's configuration file. Several jars on the classpath hold an {@code application.properties} (the
     * detector's too); the embedder's is the one that declares models.
     */
    public static Properties embedderProperties() {
        try {
            Enumeration<URL> resources = EmbedderCatalogue.class.getClassLoader().getResources("application.properties");
            while (resources.hasMoreElements()) {
                URL url = resources.nextElement();
                Properties properties = new Properties();
                try (InputStream in = url.openStream()) {
                    properties.load(in);
                }
                if (properties.stringPropertyNames().stream().anyMatch(key -> key.startsWith(PREFIX))) {
                    return properties;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the embedder's application.properties", e);
        }
        throw new IllegalStateException("No application.properties with " + PREFIX + "* settings on the classpath: "
                + "is the embedder-service jar on it?");
    }

    /** The catalogue entries declared in {@code properties}, by id. */
    public static Map<String, ModelCatalog.Entry> entries(Properties properties) {
        Map<String, Map<String, String>> byId = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot <= 0) {
                continue;
            }
            byId.computeIfAbsent(rest.substring(0, dot), id -> new LinkedHashMap<>())
                    .put(rest.substring(dot + 1), properties.getProperty(key).trim());
        }
        Map<String, ModelCatalog.Entry> entries = new LinkedHashMap<>();
        byId.forEach((id, settings) -> entries.put(id, entry(id, settings)));
        return entries;
    }

    private static ModelCatalog.Entry entry(String id, Map<String, String> settings) {
        try {
            return new ModelCatalog.Entry(settings.get("file"), settings.get("input"), settings.get("output"),
                    Integer.parseInt(settings.getOrDefault("dimension", "0")),
                    Integer.parseInt(settings.getOrDefault("input-size", "224")),
                    Integer.parseInt(settings.getOrDefault("resize", "256")),
                    floats(settings.get("mean"), IMAGENET_MEAN), floats(settings.get("std"), IMAGENET_STD),
                    ModelSpec.ChannelOrder.valueOf(settings.getOrDefault("channel-order", "RGB")
                            .toUpperCase(Locale.ROOT)),
                    settings.get("head"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Catalogue entry '" + id + "' of the embedder is invalid: "
                    + e.getMessage(), e);
        }
    }

    private static float[] floats(String value, float[] fallback) {
        if (value == null || value.isBlank()) {
            return fallback.clone();
        }
        String[] parts = value.split(",");
        float[] numbers = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            numbers[i] = Float.parseFloat(parts[i].trim());
        }
        return numbers;
    }
}
