package io.snapfind.embedder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.snapfind.embedder.EmbedderTestImages;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.TestModels;
import io.snapfind.embedder.Vectors;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;

/** The real MobileNetV2 file through DJL's ONNX Runtime engine. */
class OnnxImageModelTest {

    private static final ImageDecoder DECODER = new ImageDecoder(ImageLimits.DEFAULT);

    private static OnnxImageModel model;
    private static Preprocessor preprocessor;

    @BeforeAll
    static void load() {
        model = OnnxImageModel.load(TestModels.mobilenet(), OnnxImageModel.Options.DEFAULT);
        preprocessor = new Preprocessor(model.spec());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void embeddingsAreUnitLengthAndOfTheConfiguredDimension() throws Exception {
        float[][] vectors = model.embed(tensors(EmbedderTestImages.photo("dog.jpg"), EmbedderTestImages.photo("cat.png")), 2);
        assertEquals(2, vectors.length);
        for (float[] vector : vectors) {
            assertEquals(1280, vector.length);
            assertEquals(1.0, Vectors.norm(vector), 1e-5);
        }
        assertTrue(Vectors.cosine(vectors[0], vectors[1]) < 0.9, "a dog and a cat must not look identical");
        assertEquals("cpu()", model.device());
    }

    @Test
    void theSameImageGivesTheSameVector() throws Exception {
        float[] pixels = tensors(EmbedderTestImages.photo("eagle.jpg"));
        float[] first = model.embed(pixels, 1)[0];
        float[] again = model.embed(tensors(EmbedderTestImages.photo("eagle.jpg")), 1)[0];
        assertArrayEquals(first, again, 1e-5f);
    }

    @Test
    void aBatchGivesTheSameVectorsAsOneByOne() throws Exception {
        List<Path> files = List.of(EmbedderTestImages.photo("dog.jpg"), EmbedderTestImages.photo("street.jpg"),
                EmbedderTestImages.photo("giraffe.jpg"), EmbedderTestImages.ikea("chair").get(0), EmbedderTestImages.ikea("couch").get(0),
                EmbedderTestImages.grocery("Fruit/Banana").get(0), EmbedderTestImages.photo("bulldog.png"),
                EmbedderTestImages.photo("horses.jpg"));
        float[][] batch = model.embed(tensors(files.toArray(Path[]::new)), files.size());
        for (int i = 0; i < files.size(); i++) {
            float[] single = model.embed(tensors(files.get(i)), 1)[0];
            assertArrayEquals(single, batch[i], 1e-5f, "image " + i + " differs between batch and single");
        }
    }

    /** Checks the preprocessing end to end: the logits entry must classify as MANIFEST.md verified. */
    @Test
    void theLogitsEntryClassifiesTheDogAsAMalamute() throws Exception {
        try (OnnxImageModel logits = OnnxImageModel.load(TestModels.catalog().spec("mobilenetv2-logits"),
                OnnxImageModel.Options.DEFAULT)) {
            float[][] scores = logits.embed(tensors(EmbedderTestImages.photo("dog.jpg"), EmbedderTestImages.photo("cat.png")), 2);
            assertEquals(1000, scores[0].length);
            assertEquals(249, argmax(scores[0]), "ImageNet 249 is Alaskan Malamute");
            assertEquals(283, argmax(scores[1]), "ImageNet 283 is Persian cat");
        }
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        ModelCatalog catalog = new ModelCatalog(dir, java.util.Map.of("absent",
                TestModels.entry("absent.onnx", "embedding", 1280)));
        var error = assertThrows(ModelLoadException.class, () -> catalog.spec("absent"));
        assertTrue(error.getMessage().contains(dir.resolve("absent.onnx").toString()), error.getMessage());
        assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
    }

    @Test
    void aCorruptFileIsNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("corrupt.onnx"), "not a model");
        ModelSpec spec = new ModelCatalog(dir, java.util.Map.of("corrupt",
                TestModels.entry("corrupt.onnx", "embedding", 1280))).spec("corrupt");
        var error = assertThrows(ModelLoadException.class, () -> OnnxImageModel.load(spec, OnnxImageModel.Options.DEFAULT));
        assertTrue(error.getMessage().contains(spec.file().toString()), error.getMessage());
    }

    @Test
    void aWrongOutputNameOrDimensionFailsAtLoad() {
        var wrongOutput = assertThrows(ModelLoadException.class, () -> OnnxImageModel.load(
                TestModels.catalog().spec("wrong-output"), OnnxImageModel.Options.DEFAULT));
        assertTrue(wrongOutput.getMessage().contains("'features'"), wrongOutput.getMessage());
        assertTrue(wrongOutput.getMessage().contains("embedding"), "lists the real outputs: " + wrongOutput.getMessage());
        var wrongDimension = assertThrows(ModelLoadException.class, () -> OnnxImageModel.load(
                TestModels.catalog().spec("wrong-dimension"), OnnxImageModel.Options.DEFAULT));
        assertTrue(wrongDimension.getMessage().contains("512"), wrongDimension.getMessage());
    }

    @Test
    void aModelWithAFixedBatchOfOneIsRefusedAtLoad() {
        ModelSpec spec = TestModels.catalog().spec("mobilenetv2-fixed-batch");
        var error = assertThrows(ModelLoadException.class, () -> OnnxImageModel.load(spec, OnnxImageModel.Options.DEFAULT));
        assertTrue(error.getMessage().contains(spec.file().toString()) && error.getMessage().contains("batch of 2"),
                error.getMessage());
    }

    private static float[] tensors(Path... files) throws Exception {
        float[] pixels = new float[files.length * preprocessor.outputLength()];
        for (int i = 0; i < files.length; i++) {
            preprocessor.apply(DECODER.decode(Files.readAllBytes(files[i])).image(), pixels,
                    i * preprocessor.outputLength());
        }
        return pixels;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
