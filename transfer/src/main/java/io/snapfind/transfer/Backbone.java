package io.snapfind.transfer;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.embedder.model.OnnxImageModel;
import io.snapfind.embedder.model.Preprocessor;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.ImageRejected;

/**
 * The frozen backbone: the embedder's own {@code mobilenetv2} catalogue entry, decoder, preprocessing and model
 * code, so the features a head trains on are exactly the vectors the embedder would feed it (1280-d,
 * L2-normalised).
 */
public final class Backbone implements AutoCloseable {

    static {
        // DJL stays offline and never reports usage. With the PyTorch engine on the classpath DJL would also run
        // the ONNX model's tensors through PyTorch ("hybrid" mode); disabled, so features are made exactly as in
        // the embedder, which has ONNX Runtime alone.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.onnx.disable_alternative", "true");
    }

    /** The catalogue id the head belongs to. */
    public static final String MODEL_ID = "mobilenetv2";
    public static final int DIMENSION = 1280;
    private static final int BATCH = 16;

    private final OnnxImageModel model;
    private final Preprocessor preprocessor;
    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

    private Backbone(OnnxImageModel model) {
        this.model = model;
        this.preprocessor = new Preprocessor(model.spec());
    }

    /** Loads the model from {@code <assets>/models}, running inference on {@code threads} CPU threads. */
    public static Backbone open(Path assets, int threads) {
        ModelSpec spec = EmbedderCatalogue.load(assets.resolve("models")).spec(MODEL_ID);
        return new Backbone(OnnxImageModel.load(spec, new OnnxImageModel.Options(threads, "cpu")));
    }

    /** One L2-normalised feature vector per image, in order; {@code mirrored} flips each image left to right. */
    public float[][] features(List<Path> images, boolean mirrored) {
        List<float[]> vectors = new ArrayList<>(images.size());
        int pixels = preprocessor.outputLength();
        for (int start = 0; start < images.size(); start += BATCH) {
            List<Path> batch = images.subList(start, Math.min(images.size(), start + BATCH));
            float[] input = new float[batch.size() * pixels];
            for (int i = 0; i < batch.size(); i++) {
                BufferedImage image = decode(batch.get(i));
                preprocessor.apply(mirrored ? mirror(image) : image, input, i * pixels);
            }
            for (float[] vector : model.embed(input, batch.size())) {
                vectors.add(vector);
            }
        }
        return vectors.toArray(float[][]::new);
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
        model.close();
    }
}
