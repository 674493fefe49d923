package io.snapfind.embedder.model;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.snapfind.embedder.ModelSpec;

/**
 * The models the embedder knows, by id, and where their files are. The location is a local folder, given as a
 * path or a {@code file:} URL; anything else is refused because the embedder never downloads (it runs offline).
 * Only the selected entry's file has to exist, so the catalogue can list models that are installed elsewhere.
 *
 * <p>A file named {@code built:<name>} lives in the built-models folder instead: the cache where
 * {@code scripts/build-models.sh} writes the backbones it builds from public weights (the embedder's build runs it),
 * outside the repository and outside {@code models-dir}.
 */
public final class ModelCatalog {

    /**
     * One catalogue entry as configured; {@code file} and {@code head} (a {@link ProjectionHead} file, or
     * {@code null} for none) are relative to the models location unless absolute.
     */
    public record Entry(String file, String input, String output, int dimension, int inputSize, int resize,
            float[] mean, float[] std, ModelSpec.ChannelOrder channelOrder, String head) {

        /** An entry without a projection head. */
        public Entry(String file, String input, String output, int dimension, int inputSize, int resize,
                float[] mean, float[] std, ModelSpec.ChannelOrder channelOrder) {
            this(file, input, output, dimension, inputSize, resize, mean, std, channelOrder, null);
        }
    }

    private static final Pattern URL_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

    /** The prefix of a file in the built-models folder. */
    public static final String BUILT = "built:";

    /** The system property, then the environment variable, naming the built-models folder. */
    public static final String BUILT_MODELS_PROPERTY = "snapfind.embedder.built-models-dir";
    public static final String BUILT_MODELS_ENV = "SNAPFIND_MODELS_CACHE";

    private final Path location;
    private final Path builtLocation;
    private final Map<String, Entry> entries;

    /** A catalogue whose {@code built:} files are looked up in {@link #defaultBuiltLocation()}. */
    public ModelCatalog(Path location, Map<String, Entry> entries) {
        this(location, defaultBuiltLocation(), entries);
    }

    public ModelCatalog(Path location, Path builtLocation, Map<String, Entry> entries) {
        this.location = location;
        this.builtLocation = builtLocation.toAbsolutePath().normalize();
        this.entries = new TreeMap<>(entries);
    }

    /**
     * Where {@code scripts/build-models.sh} writes the models it builds, as that script decides it:
     * {@code -Dsnapfind.embedder.built-models-dir}, else {@code $SNAPFIND_MODELS_CACHE}, else
     * {@code ~/.cache/snapfind/models}.
     */
    public static Path defaultBuiltLocation() {
        String configured = System.getProperty(BUILT_MODELS_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(BUILT_MODELS_ENV);
        }
        if (configured == null || configured.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".cache", "snapfind", "models").toAbsolutePath();
        }
        return location(configured);
    }

    /** The built-models folder of this catalogue. */
    public Path builtLocation() {
        return builtLocation;
    }

    /** Parses a models location: a plain path or a {@code file:} URL. */
    public static Path location(String configured) {
        if (configured == null || configured.isBlank()) {
            throw new ModelLoadException("No models location configured (snapfind.embedder.models-dir)");
        }
        String value = configured.trim();
        try {
            if (value.regionMatches(true, 0, "file:", 0, 5)) {
                return Path.of(URI.create(value)).toAbsolutePath().normalize();
            }
            if (URL_SCHEME.matcher(value).matches()) {
                throw new ModelLoadException("Models location " + value + " is not a local folder: only paths and "
                        + "file: URLs are supported, because the embedder runs offline and never downloads models. "
                        + "Download the files yourself and point snapfind.embedder.models-dir at their folder.");
            }
            return Path.of(value).toAbsolutePath().normalize();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new ModelLoadException("Models location " + value + " is not a valid path or file: URL: "
                    + e.getMessage(), e);
        }
    }

    public Path location() {
        return location;
    }

    public java.util.Set<String> ids() {
        return entries.keySet();
    }

    /**
     * The spec of model {@code id}, its file checked to exist and be readable and its projection head, if any,
     * loaded and checked to fit the model's output dimension.
     */
    public ModelSpec spec(String id) {
        Entry entry = entries.get(id);
        if (entry == null) {
            throw new ModelLoadException("Model '" + id + "' is not in the catalogue; known models: " + ids());
        }
        if (entry.file() == null || entry.file().isBlank()) {
            throw new ModelLoadException("Model '" + id + "' has no file configured");
        }
        boolean built = entry.file().startsWith(BUILT);
        Path file = built ? builtLocation.resolve(entry.file().substring(BUILT.length())).normalize()
                : location.resolve(entry.file()).normalize();
        if (!Files.exists(file)) {
            throw new ModelLoadException("Model file " + file + " of model '" + id + "' does not exist " + (built
                    ? "(built-models folder " + builtLocation + "; scripts/build-models.sh builds it, and the "
                            + "embedder-service build runs that script)"
                    : "(models location " + location + ")"));
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ModelLoadException("Model file " + file + " of model '" + id + "' is not a readable file");
        }
        ProjectionHead head = null;
        String headFile = blankToNull(entry.head());
        if (headFile != null) {
            Path headPath = location.resolve(headFile).normalize();
            try {
                head = ProjectionHead.load(headPath);
            } catch (ModelLoadException e) {
                throw new ModelLoadException(e.getMessage() + " (projection head of model '" + id + "', models "
                        + "location " + location + ")", e);
            }
        }
        try {
            return new ModelSpec(id, file, blankToNull(entry.input()), entry.output(), entry.dimension(),
                    entry.inputSize(), entry.resize(), entry.mean(), entry.std(), entry.channelOrder(), head);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ModelLoadException("Catalogue entry of model '" + id + "' is invalid: " + e.getMessage(), e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
