package io.snapfind.embedder.model;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;

import io.snapfind.embedder.ModelSpec;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.JfifColor;

/**
 * Turns a decoded RGB image into the model's NCHW float input, in plain Java (DJL's ONNX Runtime engine has no
 * image operators): scale the shorter side to {@code resizeShorter}, take the centre {@code inputSize}² crop,
 * scale to [0,1], subtract the mean and divide by the standard deviation, planes in the model's channel order.
 *
 * <p>The resize is the antialiased bilinear (triangle) filter of PIL/torchvision, which the ImageNet models were
 * trained with; plain 4-tap bilinear would alias when shrinking a large photo. Only the pixels inside the crop are
 * computed, and of a plain JFIF JPEG only the source pixels the crop needs are converted to RGB (from the decoder's
 * YCbCr samples, with the decoder's own arithmetic: the tensor is the same as from the RGB image, to the bit). This
 * is most of the embedder's CPU outside inference: docs/bench/embedder-service.md. Thread-safe and deterministic.
 *
 * <p>Longer than 300 lines on purpose: the two sample layouts, the unrolled 3- and 4-tap windows and the row ring
 * form one hot loop that was tuned and measured as a whole (P1), so they stay side by side.
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
        resample(new RgbRows(image), new float[][] { out, out, out },
                new int[] { outOffset, outOffset + plane, outOffset + 2 * plane });
    }

    /**
     * The tensor as its three planes, in the model's channel order. Three arrays of inputSize² floats rather than
     * one: each stays under the size at which G1 allocates an array as a "humongous" object (half a heap region:
     * 512 KiB with the 1 MiB regions of heaps below 4 GiB), which is slow to allocate and to reclaim at this rate
     * (measured: batches ran 30 % slower with whole-tensor arrays under a 1 GiB heap).
     */
    public float[][] planes(DecodedImage image) {
        float[][] planes = { new float[size * size], new float[size * size], new float[size * size] };
        resample(rows(image), planes, new int[3]);
        return planes;
    }

    /** The tensor of a decoded image in one array, equal to its {@link #planes} back to back. */
    public float[] apply(DecodedImage image) {
        float[] out = new float[outputLength()];
        int plane = size * size;
        resample(rows(image), new float[][] { out, out, out }, new int[] { 0, plane, 2 * plane });
        return out;
    }

    private static SourceRows rows(DecodedImage image) {
        return image.jfifSamples().<SourceRows>map(YCbCrRows::new).orElseGet(() -> new RgbRows(image.image()));
    }

    /**
     * The source image, one row at a time, as red, green and blue floats 0..255. A plain JFIF JPEG is read from its
     * YCbCr samples, converted only where the crop needs them: the same values as its RGB image, without making it.
     */
    private sealed interface SourceRows permits RgbRows, YCbCrRows {
        int width();

        int height();

        /** {@code count} pixels of row {@code y} from column {@code x} on. */
        void read(int y, int x, int count, float[] red, float[] green, float[] blue);
    }

    private record RgbRows(int width, int height, int[] pixels) implements SourceRows {
        RgbRows(BufferedImage image) {
            this(image.getWidth(), image.getHeight(), rgbPixels(image));
        }

        @Override
        public void read(int y, int x, int count, float[] red, float[] green, float[] blue) {
            int rowStart = y * width + x;
            for (int i = 0; i < count; i++) {
                int rgb = pixels[rowStart + i];
                red[i] = (rgb >>> 16) & 0xFF;
                green[i] = (rgb >>> 8) & 0xFF;
                blue[i] = rgb & 0xFF;
            }
        }
    }

    /** A plain JFIF JPEG's YCbCr samples, converted to RGB as each row is read. */
    private record YCbCrRows(Raster samples) implements SourceRows {
        @Override
        public int width() {
            return samples.getWidth();
        }

        @Override
        public int height() {
            return samples.getHeight();
        }

        @Override
        public void read(int y, int x, int count, float[] red, float[] green, float[] blue) {
            JfifColor.readRgb(samples, y, x, count, red, green, blue);
        }
    }

    /**
     * torchvision's Resize(shorter) then CenterCrop(size) for an image of this size: the resized size and the
     * crop's top-left corner in resized pixels.
     */
    public CentreCrop centreCrop(int width, int height) {
        int resizedWidth;
        int resizedHeight;
        if (width <= height) {
            resizedWidth = resizeShorter;
            resizedHeight = Math.max(size, (int) ((long) resizeShorter * height / width));
        } else {
            resizedHeight = resizeShorter;
            resizedWidth = Math.max(size, (int) ((long) resizeShorter * width / height));
        }
        return new CentreCrop(width, height, resizedWidth, resizedHeight,
                (int) Math.round((resizedWidth - size) / 2.0), (int) Math.round((resizedHeight - size) / 2.0), size);
    }

    /** Which part of the source image the model sees: its {@code size}² input starts at (left, top) after resizing. */
    public record CentreCrop(int width, int height, int resizedWidth, int resizedHeight, int left, int top, int size) {

        /** The part of the source image the model's input covers, in source pixels: {x1, y1, x2, y2}. */
        public double[] sourceWindow() {
            double sx = (double) width / resizedWidth;
            double sy = (double) height / resizedHeight;
            return new double[] { left * sx, top * sy, (left + size) * sx, (top + size) * sy };
        }
    }

    private void resample(SourceRows source, float[][] targets, int[] offsets) {
        int width = source.width();
        int height = source.height();
        CentreCrop crop = centreCrop(width, height);
        Filter columns = Filter.of(width, crop.resizedWidth(), crop.left(), size);
        Filter rows = Filter.of(height, crop.resizedHeight(), crop.top(), size);
        // Horizontal pass into a ring of filtered source rows, one output row's window long (windows only move
        // down), then at once the vertical pass of the output row whose window is complete: the working rows stay
        // in the core's first-level cache instead of a 1 MB intermediate image.
        int ring = rows.stride;
        int firstColumn = columns.low;
        int span = columns.high - firstColumn + 1;
        float[] rowRed = new float[span];
        float[] rowGreen = new float[span];
        float[] rowBlue = new float[span];
        float[][] filtered = { new float[ring * size], new float[ring * size], new float[ring * size] };
        float[] sum = new float[size];
        int nextRow = rows.low;
        for (int y = 0; y < size; y++) {
            int window = rows.first[y];
            int taps = rows.count[y];
            for (; nextRow < window + taps; nextRow++) {
                source.read(nextRow, firstColumn, span, rowRed, rowGreen, rowBlue);
                columns.apply(rowRed, rowGreen, rowBlue, firstColumn, filtered[0], filtered[1], filtered[2],
                        (nextRow % ring) * size);
            }
            int weightAt = y * rows.stride;
            for (int c = 0; c < 3; c++) {
                float[] tmp = filtered[sourceChannel[c]];
                float channelScale = scale[c];
                float channelOffset = offset[c];
                float[] out = targets[c];
                int outRow = offsets[c] + y * size;
                // The first tap sets the sums (0 + w·v is w·v), the last one also clips and normalises: two
                // passes over the row fewer than filling, adding and finishing apart.
                if (taps == 1) {
                    java.util.Arrays.fill(sum, 0f);
                } else {
                    float w = rows.weights[weightAt];
                    int from = (window % ring) * size;
                    for (int x = 0; x < size; x++) {
                        sum[x] = w * tmp[from + x];
                    }
                }
                for (int k = 1; k < taps - 1; k++) {
                    float w = rows.weights[weightAt + k];
                    int from = ((window + k) % ring) * size;
                    for (int x = 0; x < size; x++) {
                        sum[x] += w * tmp[from + x];
                    }
                }
                float w = rows.weights[weightAt + taps - 1];
                int from = ((window + taps - 1) % ring) * size;
                for (int x = 0; x < size; x++) {
                    float v = sum[x] + w * tmp[from + x];
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
        /** The first and last source pixel any output reads. */
        final int low;
        final int high;

        private Filter(int[] first, int[] count, float[] weights, int stride) {
            this.first = first;
            this.count = count;
            this.weights = weights;
            this.stride = stride;
            int lowest = Integer.MAX_VALUE;
            int highest = 0;
            for (int i = 0; i < first.length; i++) {
                lowest = Math.min(lowest, first[i]);
                highest = Math.max(highest, first[i] + count[i] - 1);
            }
            this.low = lowest;
            this.high = highest;
        }

        /**
         * {@code to[at + i] = Σ weights · source[first[i] - sourceStart ..]} for every output i, for three channels.
         * Windows of three and four taps, the usual downscales of photos to 256, are written out: a loop of so few
         * iterations costs more than its multiplications. The sums run in the same order either way.
         */
        void apply(float[] a, float[] b, float[] c, int sourceStart, float[] toA, float[] toB, float[] toC, int at) {
            int outputs = first.length;
            if (stride == 4) {
                for (int i = 0; i < outputs; i++) {
                    int s = first[i] - sourceStart;
                    int w = 4 * i;
                    float w0 = weights[w];
                    float w1 = weights[w + 1];
                    float w2 = weights[w + 2];
                    float w3 = weights[w + 3];
                    toA[at + i] = w0 * a[s] + w1 * a[s + 1] + w2 * a[s + 2] + w3 * a[s + 3];
                    toB[at + i] = w0 * b[s] + w1 * b[s + 1] + w2 * b[s + 2] + w3 * b[s + 3];
                    toC[at + i] = w0 * c[s] + w1 * c[s + 1] + w2 * c[s + 2] + w3 * c[s + 3];
                }
            } else if (stride == 3) {
                for (int i = 0; i < outputs; i++) {
                    int s = first[i] - sourceStart;
                    int w = 3 * i;
                    float w0 = weights[w];
                    float w1 = weights[w + 1];
                    float w2 = weights[w + 2];
                    toA[at + i] = w0 * a[s] + w1 * a[s + 1] + w2 * a[s + 2];
                    toB[at + i] = w0 * b[s] + w1 * b[s + 1] + w2 * b[s + 2];
                    toC[at + i] = w0 * c[s] + w1 * c[s + 1] + w2 * c[s + 2];
                }
            } else {
                for (int i = 0; i < outputs; i++) {
                    int s = first[i] - sourceStart;
                    int w = i * stride;
                    float sumA = 0;
                    float sumB = 0;
                    float sumC = 0;
                    for (int k = 0; k < count[i]; k++) {
                        float weight = weights[w + k];
                        sumA += weight * a[s + k];
                        sumB += weight * b[s + k];
                        sumC += weight * c[s + k];
                    }
                    toA[at + i] = sumA;
                    toB[at + i] = sumB;
                    toC[at + i] = sumC;
                }
            }
        }

        static Filter of(int sourceSize, int targetSize, int from, int outputs) {
            double scale = (double) sourceSize / targetSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // the triangle filter's support is 1, widened when shrinking
            int widest = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[outputs];
            int[] count = new int[outputs];
            double[][] taps = new double[outputs][];
            int stride = 0;
            for (int i = 0; i < outputs; i++) {
                double center = (from + i + 0.5) * scale;
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), sourceSize);
                int n = Math.min(max - min, widest);
                double total = 0;
                double[] w = new double[n];
                for (int k = 0; k < n; k++) {
                    double distance = Math.abs((k + min - center + 0.5) / filterScale);
                    w[k] = distance < 1 ? 1 - distance : 0;
                    total += w[k];
                }
                for (int k = 0; k < n; k++) {
                    w[k] = total == 0 ? 0 : w[k] / total;
                }
                first[i] = min;
                count[i] = n;
                taps[i] = w;
                stride = Math.max(stride, n);
            }
            // Every window widened to the widest with zero weights (moved left where it would pass the edge), so all
            // outputs have the same number of taps; adding 0 × pixel leaves each sum as it was.
            float[] weights = new float[outputs * stride];
            for (int i = 0; i < outputs; i++) {
                int start = stride <= sourceSize ? Math.min(first[i], sourceSize - stride) : first[i];
                int shift = first[i] - start;
                for (int k = 0; k < count[i]; k++) {
                    weights[i * stride + shift + k] = (float) taps[i][k];
                }
                if (stride <= sourceSize) {
                    first[i] = start;
                    count[i] = stride;
                }
            }
            return new Filter(first, count, weights, stride);
        }
    }
}
