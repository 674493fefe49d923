package io.snapfind.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Files pinned by URL and sha256, put into a directory: taken from an offline copy when there is one (the assets
 * directory), else downloaded; a file whose bytes hash otherwise is refused and nothing of it is kept. GitHub raw
 * URLs may be served from a mirror instead ({@code $SNAPFIND_MODELS_MIRROR}; a loopback server in the tests).
 */
public final class PinnedFiles {

    /** A file (a path relative to the directory), where it is published and what it must hash to. */
    public record Source(String file, String url, String sha256) {
    }

    /** How a file came into the directory. */
    public enum How { CACHED, COPIED_FROM_ASSETS, DOWNLOADED, DERIVED }

    public record Fetched(String file, How how, long bytes) {
    }

    static final String RAW = "https://raw.githubusercontent.com/";
    private static final int ATTEMPTS = 3;

    private final Path dir;
    private final Optional<Path> offlineDir;
    private final String rawBase;
    private final Consumer<String> progress;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * @param offlineDir where the same relative paths may already be (checked like a download)
     * @param rawBase    where {@code https://raw.githubusercontent.com/} files are fetched from instead
     */
    public PinnedFiles(Path dir, Optional<Path> offlineDir, String rawBase, Consumer<String> progress) {
        this.dir = dir;
        this.offlineDir = offlineDir;
        this.rawBase = rawBase.endsWith("/") ? rawBase : rawBase + "/";
        this.progress = progress;
    }

    /** {@code $SNAPFIND_MODELS_MIRROR}, else GitHub's raw file host. */
    public static String defaultRawBase() {
        String mirror = System.getenv("SNAPFIND_MODELS_MIRROR");
        return mirror != null && !mirror.isBlank() ? mirror : RAW;
    }

    /** Every file in the directory, verified; fails naming the file, its source and why. */
    public List<Fetched> fetch(List<Source> sources) throws IOException, InterruptedException {
        List<Fetched> fetched = new ArrayList<>();
        for (Source source : sources) {
            fetched.add(fetch(source));
        }
        return fetched;
    }

    public Fetched fetch(Source source) throws IOException, InterruptedException {
        Optional<Fetched> cached = cached(source);
        if (cached.isPresent()) {
            return cached.get();
        }
        Path partial = partial(source);
        Optional<Path> offline = offlineDir.map(d -> d.resolve(source.file())).filter(Files::isRegularFile);
        if (offline.isPresent()) {
            Files.copy(offline.get(), partial, StandardCopyOption.REPLACE_EXISTING);
            return install(partial, source, How.COPIED_FROM_ASSETS, offline.get().toString());
        }
        download(source, partial);
        return install(partial, source, How.DOWNLOADED, url(source));
    }

    /** The file, when the directory already holds it with the pinned hash. */
    Optional<Fetched> cached(Source source) throws IOException {
        Path target = dir.resolve(source.file());
        return Files.isRegularFile(target) && sha256(target).equals(source.sha256())
                ? Optional.of(new Fetched(source.file(), How.CACHED, Files.size(target))) : Optional.empty();
    }

    /** Where a file is written before {@link #install} checks it. */
    Path partial(Source source) throws IOException {
        Path partial = dir.resolve(source.file() + ".partial");
        Files.createDirectories(partial.getParent());
        return partial;
    }

    /** Moves a copied, downloaded or derived file into place when it hashes as pinned; deletes it otherwise. */
    Fetched install(Path partial, Source source, How how, String from) throws IOException {
        String actual = sha256(partial);
        if (!actual.equals(source.sha256())) {
            Files.delete(partial);
            throw new IOException(source.file() + " from " + from + " has sha256 " + actual + ", not the pinned "
                    + source.sha256() + ": refused");
        }
        Path target = dir.resolve(source.file());
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Fetched(source.file(), how, Files.size(target));
    }

    private String url(Source source) {
        return source.url().startsWith(RAW) ? rawBase + source.url().substring(RAW.length()) : source.url();
    }

    private void download(Source source, Path partial) throws IOException, InterruptedException {
        String url = url(source);
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            progress.accept("downloading " + source.file() + " from " + url
                    + (attempt > 1 ? " (attempt " + attempt + ")" : "") + " ...");
            try {
                HttpResponse<Path> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofMinutes(5)).GET().build(), HttpResponse.BodyHandlers.ofFile(partial));
                if (response.statusCode() == 200) {
                    return;
                }
                last = new IOException(source.file() + ": " + url + " answered HTTP " + response.statusCode());
                if (response.statusCode() < 500) {
                    break; // a missing file stays missing
                }
            } catch (IOException e) {
                last = new IOException(source.file() + ": cannot download " + url + ": " + e.getMessage(), e);
            }
            Thread.sleep(1000L * attempt);
        }
        Files.deleteIfExists(partial);
        throw last;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
