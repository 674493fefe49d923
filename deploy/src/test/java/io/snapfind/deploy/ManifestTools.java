package io.snapfind.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import io.snapfind.harness.ProjectPaths;

/**
 * The two tools of the manifest checks, pinned in deploy/validation and installed on first use: kustomize (a Go tool,
 * go.mod/go.sum, built once into ~/.cache/snapfind/tools) and the Node schema validator (npm ci from
 * package-lock.json into deploy/validation/node_modules). A missing toolchain or registry fails with what to do.
 */
final class ManifestTools {

    private static final Path VALIDATION = ProjectPaths.root().resolve("deploy/validation");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestTools() {
    }

    /** kustomize build of one kustomization directory, as its objects. */
    static List<JsonNode> render(Path kustomization) throws IOException {
        Result build = run(VALIDATION, null, 120, kustomize().toString(), "build", kustomization.toString());
        if (build.exitCode != 0) {
            throw new AssertionError("kustomize build " + kustomization + " failed:\n" + build.output);
        }
        List<JsonNode> objects = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(build.stdout)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(o -> {
                if (!o.isNull() && !o.isMissingNode()) {
                    objects.add(o);
                }
            });
        }
        return objects;
    }

    /** The schema problems of the objects, one a line ("apiVersion kind name: problem"); empty when all are valid. */
    static List<String> schemaProblems(List<JsonNode> objects) throws IOException {
        installNodeModules();
        Result check = run(VALIDATION, JSON.writeValueAsString(objects), 60, "node", "validate-objects.mjs");
        List<String> problems = check.stdout.lines().filter(l -> !l.isBlank()).toList();
        if (check.exitCode != 0 && problems.isEmpty()) {
            throw new AssertionError("validate-objects.mjs failed without naming a problem:\n" + check.output);
        }
        return problems;
    }

    private static synchronized Path kustomize() throws IOException {
        // Keyed by go.sum, so a changed pin builds a new binary and reruns reuse the old one.
        Path binary = Path.of(System.getProperty("user.home"), ".cache/snapfind/tools",
                "kustomize-" + sha256(VALIDATION.resolve("go.sum")).substring(0, 12), "kustomize");
        if (!Files.isExecutable(binary)) {
            Result build = run(VALIDATION, null, 300, "go", "build", "-o", binary.toString(),
                    "sigs.k8s.io/kustomize/kustomize/v5");
            if (build.exitCode != 0 || !Files.isExecutable(binary)) {
                throw new AssertionError("Could not build kustomize (pinned in deploy/validation/go.mod; needs Go "
                        + "and the Go module proxy): go build exited " + build.exitCode + "\n" + build.output);
            }
        }
        return binary;
    }

    private static synchronized void installNodeModules() throws IOException {
        Path stamp = VALIDATION.resolve("node_modules/.snapfind-package-lock.sha256");
        String lock = sha256(VALIDATION.resolve("package-lock.json"));
        if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(lock)) {
            return;
        }
        Result install = run(VALIDATION, null, 300, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        if (install.exitCode != 0) {
            throw new AssertionError("Could not install the schema validator (deploy/validation/package-lock.json; "
                    + "needs Node and npm and the npm registry): npm ci exited " + install.exitCode + "\n"
                    + install.output);
        }
        Files.writeString(stamp, lock);
    }

    private record Result(int exitCode, String stdout, String output) {
    }

    private static Result run(Path dir, String stdin, int timeoutSeconds, String... command) throws IOException {
        Path err = Files.createTempFile("manifest-tool", ".err");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("Cannot run " + command[0] + " (is it installed and on the PATH?): "
                    + e.getMessage(), e);
        }
        try {
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " took over " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), stdout, stdout + Files.readString(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
