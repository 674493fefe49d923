package io.snapfind.embedder;

import java.util.List;
import java.util.function.Supplier;

import io.snapfind.embedder.model.Preprocessor;
import io.snapfind.embedder.model.ProjectionHead;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageRejected;

/**
 * Why two images match: their cosine similarity spread over each image's last feature map, in two readings.
 *
 * <p><b>Shares</b> (they add up to the score). The embedding is {@code e = head(p / |p|) / |head(p / |p|)|} with
 * {@code p} the mean of the feature map's columns {@code F_i} (global average pooling; without a head,
 * {@code e = p / |p|}). Average pooling is linear, and a head of linear layers with ReLUs between them is affine
 * around the input it is given (the ReLUs that are on stay on), {@code head(v) = A v + c}. So the score against the
 * other image's embedding {@code o} splits exactly into {@code o · A F_i / (N |p| |z|)} per location {@code i} of
 * the {@code N}, plus {@code o · c / |z|} that belongs to no location (the head's biases: {@link Side#rest()}), with
 * {@code z = head(p / |p|)} and the norms held as the embedding fixes them. The query's shares use the match's
 * embedding and the other way round; both add up to the same score.
 *
 * <p><b>Heat</b> (what a heatmap shows). The backbone's features are ReLU outputs, so every location's share is
 * positive: a cluttered corner with strong generic features gets a large share of any match. The heat of a location
 * is instead how much the score <em>drops</em> when that location is left out of the pooling, computed exactly
 * (pool the other N − 1 columns, then normalise and project as the embedding does): positive where the location is
 * more like the other image than the image as a whole is, negative where it dilutes the match. To first order it is
 * the share minus the score times the location's weight in the pooled vector (gradient × input). Leaving a location
 * out works the same through any pooling (GeM, max) and any head, so it needs no special case for non-linear ones.
 *
 * <p>Deterministic: the same pair gives the same numbers (one ONNX Runtime session, fixed preprocessing). The
 * feature maps come from the model that serves the search, loaded when the first explanation is asked for.
 */
public final class Explainer {

    /** A model's last feature map for one preprocessed image: {@code values[(c * height + y) * width + x]}. */
    public record FeatureMap(int channels, int height, int width, float[] values) {
        public FeatureMap {
            if (values.length != channels * height * width) {
                throw new IllegalArgumentException("a " + channels + "×" + height + "×" + width + " feature map needs "
                        + channels * height * width + " values, got " + values.length);
            }
        }
    }

    /** Runs the model up to its last feature map; one preprocessed image ({@code 3 × inputSize²} floats) at a time. */
    public interface FeatureMaps {
        FeatureMap of(float[] pixels);
    }

    /**
     * One image's part of an explanation.
     *
     * @param imageWidth  the image's width in pixels
     * @param imageHeight its height
     * @param window      the part of the image the model sees (its centre crop), {x1, y1, x2, y2} in image pixels;
     *                    the grid's cells tile it
     * @param gridWidth   feature map columns
     * @param gridHeight  feature map rows
     * @param shares      each location's additive share of the score, row by row ({@code y * gridWidth + x})
     * @param rest        the share of no location (the projection head's biases; 0 without a head)
     * @param heat        per location, the score minus the score without that location, row by row
     */
    public record Side(int imageWidth, int imageHeight, double[] window, int gridWidth, int gridHeight,
            double[] shares, double rest, double[] heat) {

        /**
         * The share of the positive heat that lies inside a box of the image (pixels), each cell counted by the
         * fraction of its area inside the box; 0 when no heat is positive.
         */
        public double heatInside(double x1, double y1, double x2, double y2) {
            return positiveInside(heat, x1, y1, x2, y2);
        }

        /** The same for the additive shares. */
        public double sharesInside(double x1, double y1, double x2, double y2) {
            return positiveInside(shares, x1, y1, x2, y2);
        }

        private double positiveInside(double[] values, double x1, double y1, double x2, double y2) {
            return Explainer.positiveInside(values, gridWidth, gridHeight, window, x1, y1, x2, y2);
        }
    }

    /**
     * The share of the positive part of a grid of values (row by row, tiling {@code window}) that lies inside a
     * box, each cell counted by the fraction of its area inside the box; 0 when nothing is positive.
     */
    public static double positiveInside(double[] values, int gridWidth, int gridHeight, double[] window, double x1,
            double y1, double x2, double y2) {
        double cellWidth = (window[2] - window[0]) / gridWidth;
        double cellHeight = (window[3] - window[1]) / gridHeight;
        double inside = 0;
        double total = 0;
        for (int y = 0; y < gridHeight; y++) {
            for (int x = 0; x < gridWidth; x++) {
                double value = Math.max(0, values[y * gridWidth + x]);
                double cx1 = window[0] + x * cellWidth;
                double cy1 = window[1] + y * cellHeight;
                double overlap = Math.max(0, Math.min(x2, cx1 + cellWidth) - Math.max(x1, cx1))
                        * Math.max(0, Math.min(y2, cy1 + cellHeight) - Math.max(y1, cy1));
                inside += value * overlap / (cellWidth * cellHeight);
                total += value;
            }
        }
        return total == 0 ? 0 : inside / total;
    }

    /** The score of a pair (the cosine of their embeddings, as search computes it) and where it comes from. */
    public record Explanation(String modelId, double score, Side query, Side match) {
    }

    private final ModelSpec spec;
    private final ImageDecoder decoder;
    private final Preprocessor preprocessor;
    private final Supplier<FeatureMaps> featureMaps;
    private final String modelId;
    private final List<ImageEmbedder> otherMembers;

    /** @param featureMaps called once, on the first explanation, to load the model's feature map output */
    public Explainer(ModelSpec spec, ImageDecoder decoder, Supplier<FeatureMaps> featureMaps) {
        this(spec, decoder, featureMaps, spec.id(), List.of());
    }

    /**
     * Explains a fusion ({@link FusedEmbedder}) through its member {@code spec}, the one with a feature map: the
     * fused score is the mean of the members' cosines, so every location's share and heat is this member's divided
     * by the number of members, and the other members' part, which has no location here, joins {@code rest}.
     */
    public Explainer(ModelSpec spec, ImageDecoder decoder, Supplier<FeatureMaps> featureMaps, String modelId,
            List<ImageEmbedder> otherMembers) {
        this.spec = spec;
        this.decoder = decoder;
        this.preprocessor = new Preprocessor(spec);
        this.featureMaps = memoized(featureMaps);
        this.modelId = modelId;
        this.otherMembers = List.copyOf(otherMembers);
    }

    public String modelId() {
        return modelId;
    }

    public Explanation explain(byte[] query, byte[] match) throws ImageRejected {
        Pooled q = pooled(decoder.decode(query));
        Pooled m = pooled(decoder.decode(match));
        double score = Vectors.cosine(q.embedding, m.embedding);
        Side querySide = q.side(m.embedding, spec.head(), score);
        Side matchSide = m.side(q.embedding, spec.head(), score);
        if (otherMembers.isEmpty()) {
            return new Explanation(modelId, score, querySide, matchSide);
        }
        double others = 0;
        for (ImageEmbedder member : otherMembers) {
            others += otherCosine(member, query, match);
        }
        int members = otherMembers.size() + 1;
        return new Explanation(modelId, (score + others) / members, scaled(querySide, members, others),
                scaled(matchSide, members, others));
    }

    private static double otherCosine(ImageEmbedder member, byte[] query, byte[] match) throws ImageRejected {
        List<ImageEmbedder.Attempt> attempts = member.embedEach(List.of(query, match)).join();
        for (ImageEmbedder.Attempt attempt : attempts) {
            if (attempt.failure() instanceof ImageRejected rejected) {
                throw rejected;
            }
            if (!attempt.succeeded()) {
                throw new EmbeddingFailed(Embedder.reasonOf(attempt.failure()), "fusion member '" + member.modelId()
                        + "' could not embed the pair: " + attempt.failure().getMessage(), attempt.failure());
            }
        }
        return Vectors.cosine(attempts.get(0).vector(), attempts.get(1).vector());
    }

    private static Side scaled(Side side, int members, double others) {
        double[] shares = side.shares().clone();
        double[] heat = side.heat().clone();
        for (int i = 0; i < shares.length; i++) {
            shares[i] /= members;
            heat[i] /= members;
        }
        return new Side(side.imageWidth(), side.imageHeight(), side.window(), side.gridWidth(), side.gridHeight(),
                shares, (side.rest() + others) / members, heat);
    }

    /**
     * Where a backbone looks in one image, whatever it is compared with: the mean of the feature map over its
     * channels at each location (row by row), over the part of the image the model sees.
     */
    public record ActivationMap(int imageWidth, int imageHeight, double[] window, int gridWidth, int gridHeight,
            double[] values) {
    }

    public ActivationMap activation(DecodedImage image) {
        FeatureMap map = featureMaps.get().of(preprocessor.apply(image));
        int locations = map.height() * map.width();
        double[] values = new double[locations];
        for (int c = 0; c < map.channels(); c++) {
            for (int i = 0; i < locations; i++) {
                values[i] += map.values()[c * locations + i] / (double) map.channels();
            }
        }
        return new ActivationMap(image.width(), image.height(), preprocessor.centreCrop(image.width(), image.height())
                .sourceWindow(), map.width(), map.height(), values);
    }

    private Pooled pooled(DecodedImage image) {
        FeatureMap map = featureMaps.get().of(preprocessor.apply(image));
        int locations = map.height() * map.width();
        double[] sums = new double[map.channels()];
        float[] mean = new float[map.channels()];
        for (int c = 0; c < map.channels(); c++) {
            for (int i = 0; i < locations; i++) {
                sums[c] += map.values()[c * locations + i];
            }
            mean[c] = (float) (sums[c] / locations);
        }
        double poolNorm = Vectors.norm(mean);
        if (poolNorm == 0) {
            throw new EmbeddingFailed("zero-vector", "the feature map of a " + image.width() + "x" + image.height()
                    + " image is all zeros: nothing to explain", null);
        }
        float[] direction = mean.clone();
        Vectors.normalize(direction);
        float[] embedding = spec.head() == null ? direction : spec.head().apply(direction);
        return new Pooled(image.width(), image.height(), preprocessor.centreCrop(image.width(), image.height())
                .sourceWindow(), map, sums, poolNorm, direction, embedding);
    }

    /** Pooled features to the embedding, as the embedder makes it: L2-normalise, then the head, if any. */
    private static float[] embed(float[] pooled, ProjectionHead head) {
        float[] direction = pooled.clone();
        Vectors.normalize(direction);
        return head == null ? direction : head.apply(direction);
    }

    /** One image's feature map, its per-channel sums over the locations, and what the embedding makes of them. */
    private record Pooled(int width, int height, double[] window, FeatureMap map, double[] sums, double poolNorm,
            float[] direction, float[] embedding) {

        Side side(float[] other, ProjectionHead head, double score) {
            Backprop through = head == null ? new Backprop(other, 1) : Backprop.of(head, direction, other);
            int locations = map.height() * map.width();
            double scale = 1 / (locations * poolNorm * through.outputNorm);
            double[] shares = new double[locations];
            double sum = 0;
            for (int i = 0; i < locations; i++) {
                double dot = 0;
                for (int c = 0; c < map.channels(); c++) {
                    dot += (double) through.direction[c] * map.values()[c * locations + i];
                }
                shares[i] = dot * scale;
                sum += shares[i];
            }
            return new Side(width, height, window, map.width(), map.height(), shares,
                    Vectors.cosine(embedding, other) - sum, heat(other, head, score));
        }

        /** Per location, the score minus the score of the embedding pooled from the other locations. */
        private double[] heat(float[] other, ProjectionHead head, double score) {
            int locations = map.height() * map.width();
            int channels = map.channels();
            double[] heat = new double[locations];
            if (locations == 1) {
                return heat;
            }
            float[] without = new float[channels];
            for (int i = 0; i < locations; i++) {
                for (int c = 0; c < channels; c++) {
                    without[c] = (float) ((sums[c] - map.values()[c * locations + i]) / (locations - 1));
                }
                heat[i] = Vectors.norm(without) == 0 ? score : score - Vectors.cosine(embed(without, head), other);
            }
            return heat;
        }
    }

    /**
     * {@code A^T o} for the head's local affine map {@code A} at its input, and {@code |head(input)|}: the direction
     * in backbone space whose dot product with a feature column is that column's share (before the norms).
     */
    private record Backprop(float[] direction, double outputNorm) {

        static Backprop of(ProjectionHead head, float[] input, float[] other) {
            List<ProjectionHead.Layer> layers = head.layers();
            float[][] preActivations = new float[layers.size()][];
            float[] current = input;
            for (int l = 0; l < layers.size(); l++) {
                ProjectionHead.Layer layer = layers.get(l);
                float[] weights = layer.weights();
                float[] bias = layer.bias();
                float[] next = new float[layer.outputs()];
                for (int o = 0; o < next.length; o++) {
                    double sum = bias[o];
                    for (int i = 0; i < layer.inputs(); i++) {
                        sum += (double) weights[o * layer.inputs() + i] * current[i];
                    }
                    next[o] = (float) sum;
                }
                preActivations[l] = next;
                current = next.clone();
                if (l < layers.size() - 1) {
                    for (int o = 0; o < current.length; o++) {
                        current[o] = Math.max(0, current[o]);
                    }
                }
            }
            double outputNorm = Vectors.norm(current);
            float[] gradient = other.clone();
            for (int l = layers.size() - 1; l >= 0; l--) {
                ProjectionHead.Layer layer = layers.get(l);
                if (l < layers.size() - 1) {
                    for (int o = 0; o < gradient.length; o++) {
                        if (preActivations[l][o] <= 0) {
                            gradient[o] = 0;
                        }
                    }
                }
                float[] weights = layer.weights();
                float[] back = new float[layer.inputs()];
                for (int o = 0; o < layer.outputs(); o++) {
                    float g = gradient[o];
                    if (g != 0) {
                        for (int i = 0; i < layer.inputs(); i++) {
                            back[i] += g * weights[o * layer.inputs() + i];
                        }
                    }
                }
                gradient = back;
            }
            return new Backprop(gradient, outputNorm == 0 ? 1 : outputNorm);
        }
    }

    private static <T> Supplier<T> memoized(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
