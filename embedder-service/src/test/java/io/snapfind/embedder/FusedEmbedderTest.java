package io.snapfind.embedder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.snapfind.embedder.model.OnnxImageModel;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.ImageRejected;

/** A fusion of two real models (MobileNetV2's pooled features and its logits) against the members alone. */
class FusedEmbedderTest {

    private static OnnxImageModel features;
    private static OnnxImageModel logits;
    private static Embedder first;
    private static Embedder second;
    private static FusedEmbedder fused;

    @BeforeAll
    static void start() {
        features = OnnxImageModel.load(TestModels.mobilenet(), new OnnxImageModel.Options(1, "cpu"));
        logits = OnnxImageModel.load(TestModels.catalog().spec("mobilenetv2-logits"), new OnnxImageModel.Options(1, "cpu"));
        first = pipeline(features);
        second = pipeline(logits);
        fused = new FusedEmbedder("both", List.of(first, second));
    }

    @AfterAll
    static void stop() {
        fused.close();
        features.close();
        logits.close();
    }

    @Test
    void theFusedVectorIsTheScaledMembersAndItsCosineTheirMean() {
        List<byte[]> images = List.of(EmbedderTestImages.read(EmbedderTestImages.ikea("chair").get(0)),
                EmbedderTestImages.read(EmbedderTestImages.ikea("chair").get(1)));
        List<ImageEmbedder.Attempt> both = fused.embedEach(images).join();
        List<ImageEmbedder.Attempt> a = first.embedEach(images).join();
        List<ImageEmbedder.Attempt> b = second.embedEach(images).join();

        assertEquals("both", fused.modelId());
        assertEquals(2280, fused.dimension());
        float[] vector = both.get(0).vector();
        assertEquals(2280, vector.length);
        assertEquals(1, Vectors.norm(vector), 1e-5);
        float scale = (float) (1 / Math.sqrt(2));
        assertEquals(a.get(0).vector()[7] * scale, vector[7], 1e-7);
        assertEquals(b.get(0).vector()[7] * scale, vector[1280 + 7], 1e-7);
        double mean = (Vectors.cosine(a.get(0).vector(), a.get(1).vector())
                + Vectors.cosine(b.get(0).vector(), b.get(1).vector())) / 2;
        assertEquals(mean, Vectors.cosine(vector, both.get(1).vector()), 1e-5);
    }

    @Test
    void anImageOneMemberRejectsFailsWithItsReasonWhileTheOthersAreEmbedded() {
        byte[] good = EmbedderTestImages.read(EmbedderTestImages.ikea("chair").get(0));
        List<ImageEmbedder.Attempt> attempts = fused.embedEach(List.of(good, "not an image".getBytes())).join();
        assertEquals(2280, attempts.get(0).vector().length);
        assertInstanceOf(ImageRejected.class, attempts.get(1).failure());
    }

    @Test
    void concatenationScalesEachUnitVector() {
        float s = (float) (1 / Math.sqrt(2));
        assertArrayEquals(new float[] { 0.6f * s, 0.8f * s, s, 0 },
                FusedEmbedder.concatenate(List.of(new float[] { 0.6f, 0.8f }, new float[] { 1, 0 })), 1e-6f);
    }

    private static Embedder pipeline(OnnxImageModel model) {
        return new Embedder(model.spec(), new ImageDecoder(ImageLimits.DEFAULT), List.of(model.newSession()),
                new Embedder.Settings(4, Duration.ZERO, 1, 64), (size, nanos, failed) -> { }, Embedder.Listener.NONE);
    }
}
