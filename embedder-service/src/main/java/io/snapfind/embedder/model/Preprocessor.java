package io.snapfind.embedder.model;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;

import io.snapfind.embedder.ModelSpec;

/**
 * Turns a decoded RGB image into the model's NCHW float input, in plain Java (DJL's ONNX Runtime engine has no
 * image operators): scale the shorter side to {@code resizeShorter}, take the centre {@code inputSize}² crop,
 * scale to [0,1], subtract the mean and divide by the standard deviation, planes in the model's channel order.
 *
 * <p>The resize is the antialiased bilinear (triangle) filter of PIL/torchvision, which the ImageNet models were
 * trained with; plain 4-tap bilinear would alias when shrinking a large photo. Only the pixels inside the crop are
 * computed. Thread-safe and deterministic.
 */
public final class Preprocessor {

    private final int size;
    private final int resizeShorter;
    private final float[] scale = new float[3];
    private final float[] offset = new float[3];
    private final int[] sourceChannel = new int[3];

    public Preprocessor(ModelSpec spec) {
        this.size = spec.inputSize();
        this.resizeShorter = spec.resizeShorter();
        float[] mean = spec.mean();
        float[] std = spec.std();
        for (int c = 0; c < 3; c++) {
            scale[c] = 1f / (255f * std[c]);
            offset[c] = -mean[c] / std[c];
            // Tensor plane c reads RGB channel sourceChannel[c] (0 = red).
            sourceChannel[c] = spec.channelOrder() == ModelSpec.ChannelOrder.RGB ? c : 2 - c;
        }
    }

    /** Floats in one image's tensor: 3 × inputSize². */
    public int outputLength() {
        return 3 * size * size;
    }

    public float[] apply(BufferedImage image) {
        float[] out = new float[outputLength()];
        apply(image, out, 0);
        return out;
    }

    /** Writes the tensor of {@code image} into {@code out} from {@code outOffset} on. */
    public void apply(BufferedImage image, float[] out, int outOffset) {
        int plane = size * size;
        apply(image, new float[][] { out, out, out }, new int[] { outOffset, outOffset + plane, outOffset + 2 * plane });
    }

    /**
     * The tensor as its three planes, in the model's channel order. Three arrays of inputSize² floats rather than
     * one: each stays under the size at which G1 allocates an array as a "humongous" object (half a heap region:
     * 512 KiB with the 1 MiB regions of heaps below 4 GiB), which is slow to allocate and to reclaim at this rate
     * (measured: batches ran 30 % slower with whole-tensor arrays under a 1 GiB heap).
     */
    public float[][] planes(BufferedImage image) {
        float[][] planes = { new float[size * size], new float[size * size], new float[size * size] };
        apply(image, planes, new int[3]);
        return planes;
    }

    private void apply(BufferedImage image, float[][] targets, int[] offsets) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] pixels = rgbPixels(image);

        // torchvision Resize(shorter) then CenterCrop(size): the resized size and the crop's top-left corner.
        int resizedWidth;
        int resizedHeight;
        if (width <= height) {
            resizedWidth = resizeShorter;
            resizedHeight = Math.max(size, (int) ((long) resizeShorter * height / width));
        } else {
            resizedHeight = resizeShorter;
            resizedWidth = Math.max(size, (int) ((long) resizeShorter * width / height));
        }
        int left = (int) Math.round((resizedWidth - size) / 2.0);
        int top = (int) Math.round((resizedHeight - size) / 2.0);

        Filter columns = Filter.of(width, resizedWidth, left, size);
        Filter rows = Filter.of(height, resizedHeight, top, size);
        int firstRow = rows.first[0];
        int lastRow = 0;
        for (int y = 0; y < size; y++) {
            firstRow = Math.min(firstRow, rows.first[y]);
            lastRow = Math.max(lastRow, rows.first[y] + rows.count[y] - 1);
        }

        // Horizontal pass over the source rows the crop needs, per channel: [row - firstRow][x]. Each source row
        // is unpacked to floats once, then filtered.
        int rowCount = lastRow - firstRow + 1;
        int firstColumn = columns.first[0];
        int lastColumn = columns.first[size - 1] + columns.count[size - 1] - 1;
        int span = lastColumn - firstColumn + 1;
        float[] rowRed = new float[span];
        float[] rowGreen = new float[span];
        float[] rowBlue = new float[span];
        float[] red = new float[rowCount * size];
        float[] green = new float[rowCount * size];
        float[] blue = new float[rowCount * size];
        for (int sy = firstRow; sy <= lastRow; sy++) {
            int rowStart = sy * width + firstColumn;
            for (int i = 0; i < span; i++) {
                int rgb = pixels[rowStart + i];
                rowRed[i] = (rgb >>> 16) & 0xFF;
                rowGreen[i] = (rgb >>> 8) & 0xFF;
                rowBlue[i] = rgb & 0xFF;
            }
            int tmpRow = (sy - firstRow) * size;
            for (int x = 0; x < size; x++) {
                int start = columns.first[x] - firstColumn;
                int taps = columns.count[x];
                int weightAt = x * columns.stride;
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = 0; k < taps; k++) {
                    float w = columns.weights[weightAt + k];
                    r += w * rowRed[start + k];
                    g += w * rowGreen[start + k];
                    b += w * rowBlue[start + k];
                }
                red[tmpRow + x] = r;
                green[tmpRow + x] = g;
                blue[tmpRow + x] = b;
            }
        }

        // Vertical pass, row by row so the inner loop runs over contiguous memory, then clipping and
        // normalisation straight into the NCHW planes.
        float[][] bySource = { red, green, blue };
        float[] sum = new float[size];
        for (int c = 0; c < 3; c++) {
            float[] tmp = bySource[sourceChannel[c]];
            float channelScale = scale[c];
            float channelOffset = offset[c];
            float[] out = targets[c];
            int planeStart = offsets[c];
            for (int y = 0; y < size; y++) {
                java.util.Arrays.fill(sum, 0f);
                int start = rows.first[y] - firstRow;
                int taps = rows.count[y];
                int weightAt = y * rows.stride;
                for (int k = 0; k < taps; k++) {
                    float w = rows.weights[weightAt + k];
                    int from = (start + k) * size;
                    for (int x = 0; x < size; x++) {
                        sum[x] += w * tmp[from + x];
                    }
                }
                int outRow = planeStart + y * size;
                for (int x = 0; x < size; x++) {
                    float v = sum[x];
                    // PIL clips to 0..255 between passes and at the end; clipping keeps the filter's small
                    // overshoot at sharp edges out of the tensor.
                    v = v < 0 ? 0 : (v > 255 ? 255 : v);
                    out[outRow + x] = v * channelScale + channelOffset;
                }
            }
        }
    }

    private static int[] rgbPixels(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB
                && image.getRaster().getDataBuffer() instanceof DataBufferInt buffer
                && buffer.getNumBanks() == 1
                && image.getRaster().getSampleModel() instanceof SinglePixelPackedSampleModel model
                && model.getScanlineStride() == image.getWidth()
                && buffer.getOffset() == 0
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0) {
            return buffer.getData();
        }
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    /**
     * PIL's resampling coefficients for the triangle (bilinear) filter, for output pixels
     * {@code from .. from + count - 1} of a {@code sourceSize → targetSize} resize: for output i, the source
     * pixels {@code first[i] .. first[i] + count[i] - 1} with their normalised weights.
     */
    private static final class Filter {
        final int[] first;
        final int[] count;
        final float[] weights;
        final int stride;

        private Filter(int[] first, int[] count, float[] weights, int stride) {
            this.first = first;
            this.count = count;
            this.weights = weights;
            this.stride = stride;
        }

        static Filter of(int sourceSize, int targetSize, int from, int outputs) {
            double scale = (double) sourceSize / targetSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // the triangle filter's support is 1, widened when shrinking
            int stride = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[outputs];
            int[] count = new int[outputs];
            float[] weights = new float[outputs * stride];
            for (int i = 0; i < outputs; i++) {
                double center = (from + i + 0.5) * scale;
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), sourceSize);
                int taps = Math.min(max - min, stride);
                double total = 0;
                double[] w = new double[taps];
                for (int k = 0; k < taps; k++) {
                    double distance = Math.abs((k + min - center + 0.5) / filterScale);
                    w[k] = distance < 1 ? 1 - distance : 0;
                    total += w[k];
                }
                for (int k = 0; k < taps; k++) {
                    weights[i * stride + k] = (float) (total == 0 ? 0 : w[k] / total);
                }
                first[i] = min;
                count[i] = taps;
            }
            return new Filter(first, count, weights, stride);
        }
    }
}
