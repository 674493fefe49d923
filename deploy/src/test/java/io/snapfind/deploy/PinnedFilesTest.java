package io.snapfind.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import io.snapfind.harness.ProjectPaths;

/**
 * The downloader of the models and of the demo's images, against a loopback HTTP server that serves the assets'
 * files under their GitHub raw paths (repository/commit/path), as a mirror would: files arrive checked, are cached,
 * and a file whose bytes are not the pinned ones is refused and leaves nothing behind.
 */
class PinnedFilesTest {

    @TempDir
    Path cache;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    /** Serves assets/models/<last segment of the path>, changed by {@code tamper}; 404 when there is no such file. */
    private String serve(UnaryOperator<byte[]> tamper) throws IOException {
        Path models = ProjectPaths.requireAssets().resolve("models");
        return serve(path -> models.resolve(path.substring(path.lastIndexOf('/') + 1)), tamper);
    }

    private String serve(Function<String, Path> files, UnaryOperator<byte[]> tamper) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            Path file = files.apply(path);
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = tamper.apply(Files.readAllBytes(file));
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void downloadsEveryModelChecksItAndCachesIt() throws Exception {
        String mirror = serve(bytes -> bytes);
        List<PinnedFiles.Fetched> first = new ModelFetcher(cache, Optional.empty(), mirror, line -> { }).fetchAll();
        assertEquals(ModelFetcher.SOURCES.size() + 2, first.size());
        Set<String> derived = Set.of("coco80.names", ModelFetcher.MOBILENET_EMBED.file());
        first.forEach(file -> assertEquals(derived.contains(file.file()) ? PinnedFiles.How.DERIVED
                : PinnedFiles.How.DOWNLOADED, file.how(), file.file()));
        assertTrue(requests.contains("/Lamri-Meriem/edge-object-detection/6f7f95f70dd52a7805a76a4a1d568af35d34608b/"
                + "yolov8n_int8.onnx"), requests.toString());
        Path assets = ProjectPaths.requireAssets().resolve("models");
        for (PinnedFiles.Fetched file : first) {
            if (!file.file().equals(ModelFetcher.MOBILENET_EMBED.file())) {
                assertEquals(PinnedFiles.sha256(assets.resolve(file.file())),
                        PinnedFiles.sha256(cache.resolve(file.file())), file.file() + " is the assets' file");
            }
        }
        assertSameOutputs(assets.resolve(ModelFetcher.MOBILENET_EMBED.file()),
                cache.resolve(ModelFetcher.MOBILENET_EMBED.file()));

        requests.clear();
        List<PinnedFiles.Fetched> again = new ModelFetcher(cache, Optional.empty(), mirror, line -> { }).fetchAll();
        again.forEach(file -> assertEquals(PinnedFiles.How.CACHED, file.how(), file.file()));
        assertEquals(List.of(), requests, "nothing downloaded twice");
    }

    @Test
    void aFileWithOtherBytesThanThePinnedOnesIsRefused() throws Exception {
        String mirror = serve(bytes -> {
            byte[] changed = bytes.clone();
            changed[changed.length / 2] ^= 1;
            return changed;
        });
        IOException refused = assertThrows(IOException.class,
                () -> new ModelFetcher(cache, Optional.empty(), mirror, line -> { }).fetchAll());
        assertTrue(refused.getMessage().contains("yolov8n_int8.onnx") && refused.getMessage().contains("not the pinned"),
                refused.getMessage());
        try (var files = Files.list(cache)) {
            assertEquals(List.of(), files.toList(), "nothing refused is left in the cache");
        }
    }

    @Test
    void theAssetsDirectoryIsTheOfflineSource() throws Exception {
        String mirror = serve(bytes -> bytes);
        List<PinnedFiles.Fetched> fetched = new ModelFetcher(cache,
                Optional.of(ProjectPaths.requireAssets().resolve("models")), mirror, line -> { }).fetchAll();
        assertEquals(List.of(), requests);
        assertFalse(fetched.stream().anyMatch(file -> file.how() == PinnedFiles.How.DOWNLOADED));
    }

    /** The demo's images by their source paths (a folder name with a space included), all 469 checked. */
    @Test
    void fetchesTheDemoImagesByTheirSourcePaths() throws Exception {
        Path images = ProjectPaths.requireAssets().resolve("datasets/ikea-interior/images");
        String prefix = "/IvonaTau/ikea/" + DemoImages.COMMIT + "/images/";
        String mirror = serve(path -> path.startsWith(prefix) ? images.resolve(path.substring(prefix.length()))
                : Path.of("/nonexistent"), bytes -> bytes);
        List<String> progress = new CopyOnWriteArrayList<>();
        Path demo = DemoImages.fetch(cache.resolve("demo"), Optional.empty(), mirror, progress::add);
        assertEquals(469, requests.size());
        assertTrue(requests.contains(prefix + "dining table/" + Files.list(images.resolve("dining table")).sorted()
                .findFirst().orElseThrow().getFileName()), "the server saw the decoded path: " + requests.get(200));
        assertEquals(10, progress.size(), progress.toString());
        try (var rooms = Files.list(demo.resolve(DemoImages.ROOMS))) {
            assertEquals(11, rooms.count());
        }
    }

    /** The derived MobileNetV2 computes what the assets' copy computes: same embedding for the same batch of two. */
    private static void assertSameOutputs(Path expected, Path actual) throws Exception {
        float[] pixels = new float[2 * 3 * 224 * 224];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][][] outputs = new float[2][][];
        Path[] files = { expected, actual };
        for (int f = 0; f < 2; f++) {
            try (OrtSession session = env.createSession(files[f].toString(), new OrtSession.SessionOptions());
                    OnnxTensor input = OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(pixels),
                            new long[] { 2, 3, 224, 224 });
                    OrtSession.Result result = session.run(java.util.Map.of(session.getInputNames().iterator().next(),
                            input))) {
                outputs[f] = (float[][]) result.get("embedding").orElseThrow().getValue();
            }
        }
        assertEquals(1280, outputs[1][0].length);
        for (int image = 0; image < 2; image++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(outputs[0][image], outputs[1][image],
                    "image " + image + " of the batch");
        }
    }
}
