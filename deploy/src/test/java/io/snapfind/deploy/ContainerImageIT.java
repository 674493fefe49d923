package io.snapfind.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.onnxruntime.OrtEnvironment;
import io.snapfind.harness.ProjectPaths;

/**
 * The gateway's container image, as Jib wrote it in query-gateway's package phase (target/jib-image.tar, see the
 * root pom): its configuration, then its filesystem run for real. With no container engine here, the image's layers
 * are unpacked and its entrypoint is started inside them (util-linux unshare: a user namespace mapping this user to
 * the image's user, the unpacked layers as root, a fresh /proc), so the image's own JRE and C library are all it
 * has. The deploy module depends on query-gateway's pom only so that the reactor builds the gateway first.
 */
class ContainerImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path GATEWAY = ProjectPaths.root().resolve("query-gateway");

    @TempDir
    static Path work;
    static JsonNode manifest;
    static JsonNode config;
    static Path rootfs;

    @BeforeAll
    static void unpackTheImage() throws Exception {
        Path tarball = GATEWAY.resolve("target/jib-image.tar");
        assertTrue(Files.isRegularFile(tarball), tarball + " is written by query-gateway's package phase (jib:buildTar)");
        Path image = Files.createDirectory(work.resolve("image"));
        run(List.of("tar", "-xf", tarball.toString(), "-C", image.toString()), Duration.ofMinutes(1));
        manifest = JSON.readTree(image.resolve("manifest.json").toFile()).get(0);
        config = JSON.readTree(image.resolve(manifest.get("Config").asText()).toFile()).get("config");
        rootfs = Files.createDirectory(work.resolve("rootfs"));
        for (JsonNode layer : manifest.get("Layers")) {
            // Jib's layers carry libarchive's creation-time header, which GNU tar does not know and may skip.
            run(List.of("tar", "--warning=no-unknown-keyword", "-xzf", image.resolve(layer.asText()).toString(),
                    "-C", rootfs.toString()), Duration.ofMinutes(1));
        }
        // A container runtime mounts /proc itself; the JRE's launcher finds its libraries through it.
        Files.createDirectories(rootfs.resolve("proc"));
    }

    @Test
    void imageIsNamedRunsTheFastJarAsNonRootAndExposesTheHttpPort() throws Exception {
        assertEquals("snapfind/query-gateway:" + projectVersion(), manifest.get("RepoTags").get(0).asText());
        assertEquals("185", config.get("User").asText(), "non-root");
        List<String> entrypoint = strings(config.get("Entrypoint"));
        assertEquals(List.of("-jar", "/app/quarkus-run.jar"), entrypoint.subList(entrypoint.size() - 2, entrypoint.size()));
        assertTrue(Files.isRegularFile(rootfs.resolve(entrypoint.get(0).substring(1))), "the image has " + entrypoint.get(0));
        assertTrue(Files.isRegularFile(rootfs.resolve("app/quarkus-run.jar")));
        assertEquals(List.of(httpPort("query-gateway") + "/tcp"), fieldNames(config.get("ExposedPorts")));
        List<String> env = strings(config.get("Env"));
        for (String expected : List.of("DJL_OFFLINE=true", "OPT_OUT_TRACKING=true", "DJL_CACHE_DIR=/tmp/djl")) {
            assertTrue(env.contains(expected), env + " has " + expected);
        }
        assertEquals(3, manifest.get("Layers").size(), "base, libraries, application: " + manifest.get("Layers"));
    }

    @Test
    void everyServiceImageExposesItsQuarkusHttpPort() throws Exception {
        for (String service : List.of("detector-service", "embedder-service", "indexer-service", "query-gateway")) {
            Element properties = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(ProjectPaths.root().resolve(service).resolve("pom.xml").toFile())
                    .getElementsByTagName("snapfind.image.port").item(0);
            assertEquals(httpPort(service), properties.getTextContent().trim(), service);
        }
    }

    @Test
    void imagesJreRunsAsTheImagesUserOnTheImagesOwnLibraries() throws Exception {
        String out = inImage(List.of(javaOf(), "-XshowSettings:properties", "-version"), Map.of(), Duration.ofMinutes(1));
        assertTrue(out.contains("java.specification.version = 17"), out);
        assertTrue(out.contains("user.name = snapfind"), "uid 185 is in the image's /etc/passwd: " + out);
    }

    @Test
    void onnxRuntimeLoadsOnTheImagesCAndCppLibraries() throws Exception {
        // The gateway has no ONNX Runtime, the detector and embedder do: the same base, the same JRE.
        Path probe = Files.createDirectories(rootfs.resolve("tmp/probe/io/snapfind/deploy"));
        Files.copy(Path.of(OrtProbe.class.getResource("OrtProbe.class").toURI()), probe.resolve("OrtProbe.class"));
        Files.copy(Path.of(OrtEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
                rootfs.resolve("tmp/probe/onnxruntime.jar"));
        String out = inImage(List.of(javaOf(), "-Djava.io.tmpdir=/tmp", "-cp", "/tmp/probe:/tmp/probe/onnxruntime.jar",
                OrtProbe.class.getName()), Map.of(), Duration.ofMinutes(1));
        assertTrue(out.contains("onnxruntime providers [CPU]"), out);
    }

    @Test
    void gatewayStartsFromTheImagesEntrypointAndIsLive() throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(unshare());
        command.addAll(strings(config.get("Entrypoint")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("gateway.log").toFile());
        imageEnvironment(builder, Map.of("QUARKUS_HTTP_PORT", String.valueOf(port),
                // nothing listens there: the gateway must come up live without its broker
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + freePort()));
        Process gateway = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest live = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/live"))
                    .timeout(Duration.ofSeconds(5)).build();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            HttpResponse<String> response = null;
            while (response == null && gateway.isAlive() && System.nanoTime() < deadline) {
                try {
                    response = http.send(live, HttpResponse.BodyHandlers.ofString());
                } catch (IOException notYet) {
                    Thread.sleep(500);
                }
            }
            String log = Files.readString(work.resolve("gateway.log"));
            assertTrue(response != null, "the gateway answered /q/health/live:\n" + log);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("UP", JSON.readTree(response.body()).get("status").asText());
        } finally {
            gateway.destroy();
            if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
                gateway.destroyForcibly().waitFor();
            }
        }
    }

    /** Runs a command inside the unpacked image as the image's user, and returns its output. */
    private static String inImage(List<String> command, Map<String, String> env, Duration timeout) throws Exception {
        List<String> full = new ArrayList<>(unshare());
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full);
        imageEnvironment(builder, env);
        return run(builder, timeout);
    }

    private static List<String> unshare() {
        String[] user = config.get("User").asText().split(":");
        return List.of("unshare", "--user", "--map-user=" + user[0], "--map-group=" + (user.length > 1 ? user[1] : user[0]),
                "--mount", "--pid", "--fork", "--kill-child", "--root=" + rootfs, "--wd=" + config.get("WorkingDir").asText(),
                "--mount-proc=/proc");
    }

    private static void imageEnvironment(ProcessBuilder builder, Map<String, String> extra) {
        builder.environment().clear();
        for (String entry : strings(config.get("Env"))) {
            int equals = entry.indexOf('=');
            builder.environment().put(entry.substring(0, equals), entry.substring(equals + 1));
        }
        builder.environment().putAll(extra);
    }

    private static String javaOf() {
        return strings(config.get("Entrypoint")).get(0);
    }

    private static String run(List<String> command, Duration timeout) throws Exception {
        return run(new ProcessBuilder(command), timeout);
    }

    private static String run(ProcessBuilder builder, Duration timeout) throws Exception {
        Process process = builder.redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = process.getInputStream()) {
            out = in.readAllBytes();
        }
        assertTrue(process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS), "finished: " + builder.command());
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), builder.command() + "\n" + text);
        return text;
    }

    private static String httpPort(String service) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(
                ProjectPaths.root().resolve(service).resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties.getProperty("quarkus.http.port");
    }

    private static String projectVersion() throws Exception {
        Element parent = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(GATEWAY.resolve("pom.xml").toFile()).getElementsByTagName("parent").item(0);
        return parent.getElementsByTagName("version").item(0).getTextContent().trim();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
