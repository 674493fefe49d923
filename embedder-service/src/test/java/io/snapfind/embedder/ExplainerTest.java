package io.snapfind.embedder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.snapfind.embedder.model.ProjectionHead;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;

/**
 * The explanation's arithmetic on a stand-in feature map: a 2 × 2 grid whose features are each quadrant's mean
 * colour (plus 3, so they are positive like ReLU outputs).
 */
class ExplainerTest {

    private static final int SIDE = 32;

    @Test
    void theSharesAddUpToTheScoreAndTheHeatFindsTheMatchingQuadrant() throws Exception {
        Explainer explainer = explainer(null, new AtomicInteger());
        Explainer.Explanation explanation = explainer.explain(png(Color.RED, Color.GRAY), png(Color.RED, Color.RED));

        assertEquals(explanation.score(), IntStream.range(0, 4).mapToDouble(i -> explanation.query().shares()[i]).sum(),
                1e-6);
        assertEquals(0, explanation.query().rest(), 1e-6);
        assertEquals(explanation.score(), IntStream.range(0, 4).mapToDouble(i -> explanation.match().shares()[i]).sum()
                + explanation.match().rest(), 1e-6);
        double[] heat = explanation.query().heat();
        assertEquals(0, argmax(heat), "the red top-left quadrant is where the query looks like the red match");
        assertEquals(1, explanation.query().heatInside(0, 0, SIDE / 2.0, SIDE / 2.0), 1e-9,
                "only the red quadrant raises the score: the grey ones lower it");
    }

    @Test
    void aHeadIsFollowedExactlyAndItsBiasesAreTheRest() throws Exception {
        ProjectionHead head = TestHeads.random(7, 3, 8, 4);
        Explainer.Explanation explanation = explainer(head, new AtomicInteger())
                .explain(png(Color.RED, Color.GRAY), png(Color.BLUE, Color.RED));

        double sum = IntStream.range(0, 4).mapToDouble(i -> explanation.query().shares()[i]).sum();
        assertEquals(explanation.score(), sum + explanation.query().rest(), 1e-6);
        assertNotEquals(0, explanation.query().rest(), 1e-6, "the head's biases belong to no location");
    }

    @Test
    void theFeatureMapModelLoadsOnceOnTheFirstExplanationAndRepeatsExactly() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        Explainer explainer = explainer(null, loads);
        assertEquals(0, loads.get(), "nothing is loaded before an explanation is asked for");
        Explainer.Explanation first = explainer.explain(png(Color.RED, Color.GRAY), png(Color.RED, Color.RED));
        Explainer.Explanation second = explainer.explain(png(Color.RED, Color.GRAY), png(Color.RED, Color.RED));
        assertEquals(1, loads.get());
        assertArrayEquals(first.query().heat(), second.query().heat());
        assertArrayEquals(first.match().shares(), second.match().shares());
    }

    private static Explainer explainer(ProjectionHead head, AtomicInteger loads) {
        ModelSpec spec = new ModelSpec("quadrants", Path.of("quadrants.onnx"), null, "features", 3, SIDE, SIDE,
                new float[] { 0.5f, 0.5f, 0.5f }, new float[] { 0.5f, 0.5f, 0.5f }, ModelSpec.ChannelOrder.RGB, head);
        return new Explainer(spec, new ImageDecoder(ImageLimits.DEFAULT), () -> {
            loads.incrementAndGet();
            return ExplainerTest::quadrants;
        });
    }

    /** Channel c at quadrant (y, x): the mean of input plane c over that quadrant, plus 3. */
    private static Explainer.FeatureMap quadrants(float[] pixels) {
        int half = SIDE / 2;
        float[] values = new float[3 * 4];
        for (int c = 0; c < 3; c++) {
            for (int qy = 0; qy < 2; qy++) {
                for (int qx = 0; qx < 2; qx++) {
                    double sum = 0;
                    for (int y = qy * half; y < (qy + 1) * half; y++) {
                        for (int x = qx * half; x < (qx + 1) * half; x++) {
                            sum += pixels[c * SIDE * SIDE + y * SIDE + x];
                        }
                    }
                    values[c * 4 + qy * 2 + qx] = (float) (sum / (half * half)) + 3;
                }
            }
        }
        return new Explainer.FeatureMap(3, 2, 2, values);
    }

    /** A PNG whose top-left quadrant is {@code corner} and the rest {@code rest}. */
    private static byte[] png(Color corner, Color rest) {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(rest);
        g.fillRect(0, 0, SIDE, SIDE);
        g.setColor(corner);
        g.fillRect(0, 0, SIDE / 2, SIDE / 2);
        g.dispose();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
