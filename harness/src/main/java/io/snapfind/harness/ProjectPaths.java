package io.snapfind.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the project, the verified assets and the Milvus Lite executable live. Each can be overridden by a
 * system property or an environment variable, so tests, the launcher and CI agree without hard-coded paths.
 */
public final class ProjectPaths {

    private ProjectPaths() {
    }

    /** The repository root: {@code snapfind.root} / {@code SNAPFIND_HOME}, else the nearest parent holding mvnw. */
    public static Path root() {
        String configured = setting("snapfind.root", "SNAPFIND_HOME");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve(".mvn"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "Cannot find the Snapfind repository root from " + Path.of("").toAbsolutePath()
                        + ": set -Dsnapfind.root or SNAPFIND_HOME");
    }

    /** The assets directory: {@code snapfind.assets} / {@code SNAPFIND_ASSETS}, else {@code <root>/../shared/assets}. */
    public static Path assets() {
        String configured = setting("snapfind.assets", "SNAPFIND_ASSETS");
        Path assets = configured != null ? Path.of(configured) : root().resolve("../shared/assets");
        return assets.toAbsolutePath().normalize();
    }

    /** The assets directory, failing with a message that says how to provide it when it is missing. */
    public static Path requireAssets() {
        Path assets = assets();
        if (!Files.isRegularFile(assets.resolve("MANIFEST.md"))) {
            throw new IllegalStateException("Assets directory " + assets + " not found (no MANIFEST.md there). "
                    + "Set SNAPFIND_ASSETS (or -Dsnapfind.assets) to the folder holding models/, datasets/ and "
                    + "photos/; README.md says where to download them.");
        }
        return assets;
    }

    /** A file inside the assets directory, checked to exist. */
    public static Path asset(String relativePath) {
        Path file = requireAssets().resolve(relativePath);
        if (!Files.exists(file)) {
            throw new IllegalStateException("Asset " + relativePath + " is missing from " + assets());
        }
        return file;
    }

    /** The Milvus Lite executable: {@code snapfind.milvus-lite} / {@code SNAPFIND_MILVUS_LITE}, else the project venv. */
    public static Path milvusLiteExecutable() {
        String configured = setting("snapfind.milvus-lite", "SNAPFIND_MILVUS_LITE");
        return configured != null ? Path.of(configured) : root().resolve(".venv-milvus/bin/milvus-lite");
    }

    static String setting(String property, String environmentVariable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environmentVariable);
        }
        return value == null || value.isBlank() ? null : value;
    }
}
