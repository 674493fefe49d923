package io.snapfind.embedder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.snapfind.embedder.model.ModelCatalog;
import io.snapfind.embedder.model.OnnxImageModel;
import io.snapfind.embedder.model.ProjectionHead;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;

/** The pipeline on the real model with a projection head from the catalogue: every path gets the head. */
class HeadedEmbedderTest {

    private static final float[] MEAN = { 0.485f, 0.456f, 0.406f };
    private static final float[] STD = { 0.229f, 0.224f, 0.225f };

    private static Path headFile;
    private static ProjectionHead head;
    private static OnnxImageModel plainModel;
    private static OnnxImageModel headedModel;
    private static Embedder plain;
    private static Embedder headed;
    private static final List<Integer> BATCH_SIZES = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws IOException {
        headFile = Files.createTempFile("snapfind-test", ".head");
        head = TestHeads.random(7, 1280, 96, 48);
        head.write(headFile);
        ModelCatalog catalog = new ModelCatalog(ProjectPaths.asset("models"), Map.of(
                "mobilenetv2", new ModelCatalog.Entry("mobilenet_v2_uint8_embed.onnx", null, "embedding", 1280, 224,
                        256, MEAN, STD, ModelSpec.ChannelOrder.RGB),
                "mobilenetv2-headed", new ModelCatalog.Entry("mobilenet_v2_uint8_embed.onnx", null, "embedding", 1280,
                        224, 256, MEAN, STD, ModelSpec.ChannelOrder.RGB, headFile.toString())));
        plainModel = OnnxImageModel.load(catalog.spec("mobilenetv2"), new OnnxImageModel.Options(1, "cpu"));
        headedModel = OnnxImageModel.load(catalog.spec("mobilenetv2-headed"), new OnnxImageModel.Options(1, "cpu"));
        ImageDecoder decoder = new ImageDecoder(new ImageLimits(2 * 1024 * 1024, 40_000_000));
        plain = new Embedder(plainModel.spec(), decoder, List.of(plainModel.newSession()),
                new Embedder.Settings(8, Duration.ZERO, 1, 64), BatchingQueue.Listener.NONE, Embedder.Listener.NONE);
        headed = new Embedder(headedModel.spec(), decoder, List.of(headedModel.newSession(), headedModel.newSession()),
                new Embedder.Settings(8, Duration.ofMillis(20), 2, 64),
                (size, nanos, failed) -> BATCH_SIZES.add(size), Embedder.Listener.NONE);
    }

    @AfterAll
    static void stop() throws IOException {
        headed.close();
        plain.close();
        headedModel.close();
        plainModel.close();
        Files.deleteIfExists(headFile);
    }

    @Test
    void theVectorsHaveTheHeadsDimension() {
        assertEquals(1280, headed.spec().dimension());
        assertEquals(48, headed.spec().vectorDimension());
        assertEquals(48, headed.dimension());
        assertEquals(1280, plain.dimension());
    }

    @Test
    void eachVectorIsTheHeadAppliedToTheBackbonesUnitVector() {
        List<byte[]> images = EmbedderTestImages.mixed(4);
        for (int i = 0; i < images.size(); i++) {
            float[] backbone = plain.embed(images.get(i)).join();
            float[] vector = headed.embed(images.get(i)).join();
            assertEquals(48, vector.length);
            assertEquals(1.0, Vectors.norm(vector), 1e-5);
            assertArrayEquals(head.apply(backbone), vector, 1e-5f, "image " + i);
        }
    }

    @Test
    void aBatchGivesTheSameVectorsAsOneByOne() {
        List<byte[]> images = EmbedderTestImages.mixed(12);
        List<float[]> single = new ArrayList<>();
        for (byte[] image : images) {
            single.add(headed.embed(image).join());
        }
        BATCH_SIZES.clear();
        List<ImageEmbedder.Attempt> together = headed.embedEach(images).join();
        for (int i = 0; i < images.size(); i++) {
            assertTrue(together.get(i).succeeded(), "image " + i);
            assertEquals(48, together.get(i).vector().length);
            assertEquals(1.0, Vectors.norm(together.get(i).vector()), 1e-5);
            assertArrayEquals(single.get(i), together.get(i).vector(), 1e-5f, "image " + i);
        }
        assertTrue(BATCH_SIZES.stream().anyMatch(size -> size > 1), "images were batched: " + BATCH_SIZES);
    }
}
