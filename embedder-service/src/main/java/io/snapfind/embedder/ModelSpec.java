package io.snapfind.embedder;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

import io.snapfind.embedder.model.ProjectionHead;

/**
 * One entry of the model catalogue: which ONNX file to run, how to turn an image into its input tensor and which
 * output tensor is the embedding. Validated on construction so a bad catalogue entry fails at start-up, by name.
 *
 * @param id             catalogue id, reported with every vector ({@code modelId}); vectors of different ids are
 *                       not comparable
 * @param file           the ONNX file
 * @param inputName      input tensor name; {@code null} when the model has a single input
 * @param outputName     output tensor used as the embedding
 * @param dimension      length of that output per image
 * @param inputSize      side of the square NCHW input, in pixels
 * @param resizeShorter  the shorter image side is scaled to this many pixels before the centre crop of
 *                       {@code inputSize}; equal to {@code inputSize} for a crop-free fit of the shorter side
 * @param mean           per-channel mean subtracted from pixel values scaled to [0,1], in {@code channelOrder}
 * @param std            per-channel standard deviation the result is divided by, in {@code channelOrder}
 * @param channelOrder   order of the three colour planes in the tensor
 * @param head           the projection head applied to the L2-normalised output, or {@code null} for none; it
 *                       must take {@code dimension} features, and the vectors are then of its output dimension
 */
public record ModelSpec(String id, Path file, String inputName, String outputName, int dimension, int inputSize,
        int resizeShorter, float[] mean, float[] std, ChannelOrder channelOrder, ProjectionHead head) {

    public enum ChannelOrder { RGB, BGR }

    public ModelSpec {
        require(id != null && !id.isBlank(), "a model id is required");
        String where = "model '" + id + "': ";
        Objects.requireNonNull(file, where + "file is required");
        require(outputName != null && !outputName.isBlank(), where + "output tensor name is required");
        require(dimension > 0, where + "dimension must be positive, got " + dimension);
        require(inputSize > 0, where + "input size must be positive, got " + inputSize);
        require(resizeShorter >= inputSize,
                where + "resize (" + resizeShorter + ") must be at least the input size (" + inputSize + ")");
        require(mean != null && mean.length == 3, where + "mean needs 3 values, got " + Arrays.toString(mean));
        require(std != null && std.length == 3, where + "std needs 3 values, got " + Arrays.toString(std));
        for (float s : std) {
            require(s > 0, where + "std values must be positive, got " + Arrays.toString(std));
        }
        Objects.requireNonNull(channelOrder, where + "channel order is required");
        if (head != null) {
            require(head.inputDimension() == dimension, where + "the projection head " + head.source() + " takes "
                    + head.inputDimension() + "-d features but output '" + outputName + "' is " + dimension + "-d");
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** A spec without a projection head: the vectors are the model's output itself. */
    public ModelSpec(String id, Path file, String inputName, String outputName, int dimension, int inputSize,
            int resizeShorter, float[] mean, float[] std, ChannelOrder channelOrder) {
        this(id, file, inputName, outputName, dimension, inputSize, resizeShorter, mean, std, channelOrder, null);
    }

    /** Length of the vectors this model produces: the head's output dimension, else the model's output's. */
    public int vectorDimension() {
        return head == null ? dimension : head.outputDimension();
    }

    /** Floats in one preprocessed image: 3 × inputSize × inputSize. */
    public int pixelsPerImage() {
        return 3 * inputSize * inputSize;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
