package io.snapfind.embedder.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.snapfind.embedder.Vectors;

/**
 * A small learned projection applied to a backbone's L2-normalised features: one or more fully connected layers
 * with a ReLU between consecutive layers (none after the last), then L2 normalisation of the result. Plain Java,
 * so the embedder needs no training framework at inference time. Immutable and thread-safe.
 *
 * <p>File format, version 1, every number little-endian:
 * <pre>
 *   8 bytes   magic "SNAPHEAD" (ASCII)
 *   int32     version = 1
 *   int32     number of layers L (1..{@value #MAX_LAYERS})
 *   L times:
 *     int32     inputs  (layer 0: the backbone's dimension; then the previous layer's outputs)
 *     int32     outputs
 *     float32   weights[outputs][inputs], row-major (PyTorch's Linear.weight layout)
 *     float32   bias[outputs]
 * </pre>
 * Nothing may follow the last layer. A layer computes {@code y = W x + b}.
 */
public final class ProjectionHead {

    /** The first eight bytes of a head file. */
    public static final String MAGIC = "SNAPHEAD";
    public static final int VERSION = 1;
    public static final int MAX_LAYERS = 8;
    /** Largest inputs or outputs of a layer; bounds what a corrupt header can make the loader allocate. */
    public static final int MAX_WIDTH = 1 << 16;
    private static final long MAX_PARAMETERS = 64L << 20;
    private static final long MAX_FILE_BYTES = 16 + MAX_LAYERS * 8L + MAX_PARAMETERS * Float.BYTES;

    /** One fully connected layer: {@code weights} holds {@code outputs} rows of {@code inputs} floats. */
    public record Layer(int inputs, int outputs, float[] weights, float[] bias) {
        public Layer {
            if (inputs < 1 || outputs < 1 || inputs > MAX_WIDTH || outputs > MAX_WIDTH) {
                throw new IllegalArgumentException("a layer needs 1.." + MAX_WIDTH + " inputs and outputs, got "
                        + inputs + " → " + outputs);
            }
            Objects.requireNonNull(weights, "weights");
            Objects.requireNonNull(bias, "bias");
            if (weights.length != (long) inputs * outputs) {
                throw new IllegalArgumentException("a " + inputs + " → " + outputs + " layer needs "
                        + (long) inputs * outputs + " weights, got " + weights.length);
            }
            if (bias.length != outputs) {
                throw new IllegalArgumentException("a " + inputs + " → " + outputs + " layer needs " + outputs
                        + " biases, got " + bias.length);
            }
            requireFinite(weights, "weights");
            requireFinite(bias, "bias");
            weights = weights.clone();
            bias = bias.clone();
        }

        @Override
        public float[] weights() {
            return weights.clone();
        }

        @Override
        public float[] bias() {
            return bias.clone();
        }

        private static void requireFinite(float[] values, String what) {
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new IllegalArgumentException(what + "[" + i + "] is " + values[i]);
                }
            }
        }
    }

    private final List<Layer> layers;
    private final String source;

    private ProjectionHead(List<Layer> layers, String source) {
        this.layers = List.copyOf(layers);
        this.source = source;
    }

    /** A head from layers in memory, e.g. just trained; consecutive layers must fit together. */
    public static ProjectionHead of(List<Layer> layers) {
        requireChain(layers);
        return new ProjectionHead(layers, "in-memory head");
    }

    /**
     * Reads a head file. Fails with a {@link ModelLoadException} naming the file when it is missing, unreadable,
     * not a head file, of another version, truncated, longer than its layers, of mismatched layer shapes or holds
     * a non-finite number.
     */
    public static ProjectionHead load(Path file) {
        String where = "Projection head file " + file;
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ModelLoadException(where + " is not a projection head: " + size + " bytes is more than "
                        + "the " + MAX_PARAMETERS + " parameters a head may have");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(where + " does not exist", e);
        } catch (IOException e) {
            throw new ModelLoadException(where + " cannot be read: " + e, e);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte[] magic = new byte[MAGIC.length()];
            require(buffer.remaining() >= magic.length + 8, where + " is not a projection head: only "
                    + bytes.length + " bytes");
            buffer.get(magic);
            require(Arrays.equals(magic, MAGIC.getBytes(StandardCharsets.US_ASCII)),
                    where + " is not a projection head: it does not start with \"" + MAGIC + "\"");
            int version = buffer.getInt();
            require(version == VERSION, where + " has format version " + version + "; this embedder reads version "
                    + VERSION);
            int count = buffer.getInt();
            require(count >= 1 && count <= MAX_LAYERS, where + " declares " + count + " layers; 1.." + MAX_LAYERS
                    + " are supported");
            List<Layer> layers = new ArrayList<>(count);
            long parameters = 0;
            for (int l = 0; l < count; l++) {
                require(buffer.remaining() >= 8, where + " is truncated in the header of layer " + l);
                int inputs = buffer.getInt();
                int outputs = buffer.getInt();
                require(inputs >= 1 && outputs >= 1 && inputs <= MAX_WIDTH && outputs <= MAX_WIDTH,
                        where + ": layer " + l + " has shape " + inputs + " → " + outputs + "; widths must be 1.."
                                + MAX_WIDTH);
                if (l > 0) {
                    int previous = layers.get(l - 1).outputs();
                    require(inputs == previous, where + ": layer " + l + " takes " + inputs + " inputs but layer "
                            + (l - 1) + " gives " + previous);
                }
                long floats = (long) inputs * outputs + outputs;
                parameters += floats;
                require(parameters <= MAX_PARAMETERS, where + " declares more than " + MAX_PARAMETERS
                        + " parameters");
                require(buffer.remaining() >= floats * Float.BYTES, where + " is truncated in layer " + l + " ("
                        + inputs + " → " + outputs + " needs " + floats * Float.BYTES + " bytes, "
                        + buffer.remaining() + " left)");
                float[] weights = new float[inputs * outputs];
                float[] bias = new float[outputs];
                buffer.asFloatBuffer().get(weights).get(bias);
                buffer.position(buffer.position() + (int) (floats * Float.BYTES));
                layers.add(new Layer(inputs, outputs, weights, bias));
            }
            require(!buffer.hasRemaining(), where + " has " + buffer.remaining() + " bytes after its last layer");
            return new ProjectionHead(layers, file.toString());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(where + " is invalid: " + e.getMessage(), e);
        }
    }

    /** Writes this head in the format above, atomically (a temporary file then a move). */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = parent.resolve(file.getFileName() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                write(out);
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Writes this head in the format above to {@code out}, which stays open. */
    public void write(OutputStream out) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(MAGIC.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC.getBytes(StandardCharsets.US_ASCII)).putInt(VERSION).putInt(layers.size());
        out.write(header.array());
        for (Layer layer : layers) {
            ByteBuffer body = ByteBuffer.allocate(8 + (layer.weights.length + layer.bias.length) * Float.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
            body.putInt(layer.inputs()).putInt(layer.outputs());
            body.asFloatBuffer().put(layer.weights).put(layer.bias);
            out.write(body.array());
        }
    }

    /** Length of the features the head takes: the backbone's dimension. */
    public int inputDimension() {
        return layers.get(0).inputs();
    }

    /** Length of the vectors it produces. */
    public int outputDimension() {
        return layers.get(layers.size() - 1).outputs();
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Where the head came from: its file, or "in-memory head". */
    public String source() {
        return source;
    }

    /**
     * Projects {@code features} and L2-normalises the result. An all-zero result stays all zeros (it has no
     * direction), which the embedder refuses like an all-zero backbone output.
     */
    public float[] apply(float[] features) {
        if (features.length != inputDimension()) {
            throw new IllegalArgumentException("the projection head takes " + inputDimension()
                    + "-d features, got " + features.length);
        }
        float[] current = features;
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            float[] next = new float[layer.outputs];
            float[] weights = layer.weights;
            int inputs = layer.inputs;
            boolean hidden = l < layers.size() - 1;
            for (int o = 0; o < next.length; o++) {
                int row = o * inputs;
                double sum = layer.bias[o];
                for (int i = 0; i < inputs; i++) {
                    sum += (double) weights[row + i] * current[i];
                }
                next[o] = hidden && sum < 0 ? 0f : (float) sum;
            }
            current = next;
        }
        Vectors.normalize(current);
        return current;
    }

    @Override
    public String toString() {
        StringBuilder shape = new StringBuilder().append(inputDimension());
        for (Layer layer : layers) {
            shape.append(" → ").append(layer.outputs());
        }
        return "ProjectionHead[" + shape + ", " + source + "]";
    }

    private static void requireChain(List<Layer> layers) {
        if (layers == null || layers.isEmpty() || layers.size() > MAX_LAYERS) {
            throw new IllegalArgumentException("a projection head needs 1.." + MAX_LAYERS + " layers");
        }
        for (int l = 1; l < layers.size(); l++) {
            if (layers.get(l).inputs() != layers.get(l - 1).outputs()) {
                throw new IllegalArgumentException("layer " + l + " takes " + layers.get(l).inputs()
                        + " inputs but layer " + (l - 1) + " gives " + layers.get(l - 1).outputs());
            }
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
