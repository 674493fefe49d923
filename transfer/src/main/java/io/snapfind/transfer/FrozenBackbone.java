package io.snapfind.transfer;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.snapfind.embedder.FusedEmbedder;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.embedder.model.OnnxImageModel;
import io.snapfind.embedder.model.Preprocessor;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.ImageRejected;

/**
 * A frozen backbone: any entry of the embedder's model catalogue ({@code mobilenetv2}, {@code efficientnet-lite0},
 * …), run with the embedder's own decoder, preprocessing and model code, so the features a head trains on are
 * exactly the vectors the embedder would feed it (L2-normalised, the entry's dimension).
 *
 * <p>Features can be cached on disk: {@link #features(String, List, boolean)} keeps one file per (model, image
 * set, mirrored) in the cache folder, keyed by the model file (path, size, modification time) and the list of
 * images, and extracts only when that file is missing or stale. The model itself is loaded on the first
 * extraction, so a run that finds everything cached never starts ONNX Runtime.
 *
 * <p>A fusion of the catalogue ({@code efficientnet-lite0+mobilenetv2}) is its members, each with its own cache,
 * their vectors concatenated as the embedder's {@link FusedEmbedder} does: what the deployed default serves.
 */
public final class FrozenBackbone implements AutoCloseable {

    static {
        // DJL stays offline and never reports usage. With the PyTorch engine on the classpath DJL would also run
        // the ONNX model's tensors through PyTorch ("hybrid" mode); disabled, so features are made exactly as in
        // the embedder, which has ONNX Runtime alone.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.onnx.disable_alternative", "true");
    }

    private static final int BATCH = 16;
    private static final String CACHE_MAGIC = "SNAPFEAT1";

    private final ModelSpec spec;
    /** A fusion's members (then {@link #spec} is its first member's); empty for a single backbone. */
    private final List<FrozenBackbone> members;
    private final String fusionId;
    private final int threads;
    private final Path cacheDir;
    private final PrintStream log;
    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    private OnnxImageModel model;
    private Preprocessor preprocessor;

    private FrozenBackbone(ModelSpec spec, int threads, Path cacheDir, PrintStream log) {
        this(spec, List.of(), null, threads, cacheDir, log);
    }

    private FrozenBackbone(ModelSpec spec, List<FrozenBackbone> members, String fusionId, int threads, Path cacheDir,
            PrintStream log) {
        this.spec = spec;
        this.members = members;
        this.fusionId = fusionId;
        this.threads = threads;
        this.cacheDir = cacheDir;
        this.log = log;
    }

    /**
     * The catalogue entry {@code modelId}, files looked up in {@code <assets>/models} (and {@code built:} files in
     * the built-models folder), inference on {@code threads} CPU threads. {@code cacheDir} null: no feature cache.
     * {@code log} gets extraction progress (null: none).
     */
    public static FrozenBackbone open(Path assets, String modelId, int threads, Path cacheDir, PrintStream log) {
        List<String> memberIds = EmbedderCatalogue.members(modelId);
        if (memberIds.size() > 1) {
            List<FrozenBackbone> members = memberIds.stream()
                    .map(member -> open(assets, member, threads, cacheDir, log)).toList();
            return new FrozenBackbone(members.get(0).spec, members, modelId, threads, cacheDir, log);
        }
        ModelSpec spec = EmbedderCatalogue.load(assets.resolve("models")).spec(modelId);
        if (spec.head() != null) {
            throw new IllegalArgumentException("model '" + modelId + "' already has a projection head: a head is "
                    + "trained on a plain backbone");
        }
        return new FrozenBackbone(spec, threads, cacheDir, log);
    }

    /** Without a cache or progress output. */
    public static FrozenBackbone open(Path assets, String modelId, int threads) {
        return open(assets, modelId, threads, null, null);
    }

    /** The catalogue id: what a head trained on these features belongs to. */
    public String modelId() {
        return fusionId != null ? fusionId : spec.id();
    }

    /** Length of a feature vector. */
    public int dimension() {
        return members.isEmpty() ? spec.dimension() : members.stream().mapToInt(FrozenBackbone::dimension).sum();
    }

    /** Whether this is a fusion of several backbones (a head is trained per backbone, not on a fusion). */
    public boolean fusion() {
        return !members.isEmpty();
    }

    /** Per image, the members' vectors concatenated by {@link FusedEmbedder#concatenate}. */
    private static float[][] fused(List<float[][]> perMember) {
        float[][] joined = new float[perMember.get(0).length][];
        for (int i = 0; i < joined.length; i++) {
            List<float[]> vectors = new ArrayList<>();
            for (float[][] member : perMember) {
                vectors.add(member[i]);
            }
            joined[i] = FusedEmbedder.concatenate(vectors);
        }
        return joined;
    }

    /**
     * Features of {@code images}, from the cache file of {@code (model, set, mirrored)} when it holds exactly these
     * images for this model file, else extracted (and then written to the cache).
     */
    public float[][] features(String set, List<Path> images, boolean mirrored) {
        if (fusion()) {
            return fused(members.stream().map(m -> m.features(set, images, mirrored)).toList());
        }
        if (cacheDir == null) {
            return features(images, mirrored);
        }
        Path file = cacheDir.resolve(spec.id()).resolve(set + (mirrored ? "-mirrored" : "") + ".features");
        String key = key(images);
        float[][] cached = read(file, key, images.size());
        if (cached != null) {
            if (log != null) {
                log.printf("features %s/%s%s: %d from cache %s%n", spec.id(), set, mirrored ? " (mirrored)" : "",
                        cached.length, file);
            }
            return cached;
        }
        float[][] vectors = features(images, mirrored);
        write(file, key, vectors);
        return vectors;
    }

    /** One L2-normalised feature vector per image, in order; {@code mirrored} flips each image left to right. */
    public float[][] features(List<Path> images, boolean mirrored) {
        if (fusion()) {
            return fused(members.stream().map(m -> m.features(images, mirrored)).toList());
        }
        if (model == null) {
            model = OnnxImageModel.load(spec, new OnnxImageModel.Options(threads, "cpu"));
            preprocessor = new Preprocessor(model.spec());
        }
        List<float[]> vectors = new ArrayList<>(images.size());
        int pixels = preprocessor.outputLength();
        long start = System.nanoTime();
        long lastReport = start;
        for (int begin = 0; begin < images.size(); begin += BATCH) {
            List<Path> batch = images.subList(begin, Math.min(images.size(), begin + BATCH));
            float[] input = new float[batch.size() * pixels];
            for (int i = 0; i < batch.size(); i++) {
                BufferedImage image = decode(batch.get(i));
                preprocessor.apply(mirrored ? mirror(image) : image, input, i * pixels);
            }
            for (float[] vector : model.embed(input, batch.size())) {
                vectors.add(vector);
            }
            long now = System.nanoTime();
            if (log != null && (now - lastReport > 15e9 || vectors.size() == images.size())) {
                lastReport = now;
                double seconds = (now - start) / 1e9;
                log.printf("features %s%s: %d/%d images, %.1f s (%.1f ms/image)%n", spec.id(),
                        mirrored ? " (mirrored)" : "", vectors.size(), images.size(), seconds,
                        1000 * seconds / vectors.size());
            }
        }
        return vectors.toArray(float[][]::new);
    }

    private String key(List<Path> images) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Path file = spec.file();
            String model = spec.id() + "|" + spec.outputName() + "|" + spec.inputSize() + "|" + spec.resizeShorter()
                    + "|" + file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file)
                    .toMillis();
            digest.update(model.getBytes(StandardCharsets.UTF_8));
            for (Path image : images) {
                digest.update((image.toAbsolutePath().normalize() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private float[][] read(Path file, String key, int count) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (!in.readUTF().equals(CACHE_MAGIC) || !in.readUTF().equals(key) || in.readInt() != count) {
                return null;
            }
            int dimension = in.readInt();
            if (dimension != spec.dimension()) {
                return null;
            }
            float[][] vectors = new float[count][dimension];
            for (float[] vector : vectors) {
                for (int j = 0; j < dimension; j++) {
                    vector[j] = in.readFloat();
                }
            }
            return vectors;
        } catch (IOException e) {
            return null; // truncated or foreign: extract again
        }
    }

    private static void write(Path file, String key, float[][] vectors) {
        try {
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial),
                    1 << 16))) {
                out.writeUTF(CACHE_MAGIC);
                out.writeUTF(key);
                out.writeInt(vectors.length);
                out.writeInt(vectors.length == 0 ? 0 : vectors[0].length);
                for (float[] vector : vectors) {
                    for (float value : vector) {
                        out.writeFloat(value);
                    }
                }
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the feature cache " + file, e);
        }
    }

    private BufferedImage decode(Path file) {
        try {
            return decoder.decode(Files.readAllBytes(file)).image();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        } catch (ImageRejected e) {
            throw new IllegalStateException("Cannot decode " + file + ": " + e.getMessage(), e);
        }
    }

    static BufferedImage mirror(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        BufferedImage mirrored = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width / 2; x++) {
                int swap = row[x];
                row[x] = row[width - 1 - x];
                row[width - 1 - x] = swap;
            }
            mirrored.setRGB(0, y, width, 1, row, 0, width);
        }
        return mirrored;
    }

    @Override
    public void close() {
        members.forEach(FrozenBackbone::close);
        if (model != null) {
            model.close();
        }
    }
}
