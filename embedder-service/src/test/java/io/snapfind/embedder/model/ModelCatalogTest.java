package io.snapfind.embedder.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.TestHeads;
import io.snapfind.embedder.TestModels;

class ModelCatalogTest {

    @Test
    void aLocationIsAPathOrAFileUrl(@TempDir Path dir) {
        assertEquals(dir, ModelCatalog.location(dir.toString()));
        assertEquals(dir, ModelCatalog.location(dir.toUri().toString()));
    }

    @Test
    void aRemoteLocationIsRefusedBecauseTheEmbedderIsOffline() {
        var error = assertThrows(ModelLoadException.class,
                () -> ModelCatalog.location("https://models.example.com/mobilenet"));
        assertTrue(error.getMessage().contains("https://models.example.com/mobilenet"), error.getMessage());
        assertTrue(error.getMessage().contains("offline"), error.getMessage());
    }

    @Test
    void theSpecCarriesTheEntryAndTheResolvedFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("m.onnx"), "x");
        ModelSpec spec = new ModelCatalog(dir, Map.of("m", TestModels.entry("m.onnx", "embedding", 1280))).spec("m");
        assertEquals(dir.resolve("m.onnx"), spec.file());
        assertEquals("embedding", spec.outputName());
        assertEquals(1280, spec.dimension());
        assertEquals(3 * 224 * 224, spec.pixelsPerImage());
    }

    @Test
    void aBuiltFileIsLookedUpInTheBuiltModelsFolder(@TempDir Path dir) throws IOException {
        Path models = Files.createDirectory(dir.resolve("models"));
        Path built = Files.createDirectory(dir.resolve("built"));
        Files.writeString(built.resolve("b.onnx"), "x");
        ModelCatalog catalog = new ModelCatalog(models, built, Map.of(
                "b", TestModels.entry("built:b.onnx", "features", 1280),
                "absent", TestModels.entry("built:absent.onnx", "features", 1280)));
        assertEquals(built.resolve("b.onnx"), catalog.spec("b").file());
        var error = assertThrows(ModelLoadException.class, () -> catalog.spec("absent"));
        assertTrue(error.getMessage().contains(built.resolve("absent.onnx").toString())
                && error.getMessage().contains("scripts/build-models.sh"), error.getMessage());
    }

    @Test
    void theBuiltModelsFolderDefaultsToTheBuildScriptsCache() {
        String previous = System.getProperty(ModelCatalog.BUILT_MODELS_PROPERTY);
        try {
            System.setProperty(ModelCatalog.BUILT_MODELS_PROPERTY, "/tmp/snapfind-built");
            assertEquals(Path.of("/tmp/snapfind-built"), ModelCatalog.defaultBuiltLocation());
            System.clearProperty(ModelCatalog.BUILT_MODELS_PROPERTY);
            String env = System.getenv(ModelCatalog.BUILT_MODELS_ENV);
            Path expected = env != null && !env.isBlank() ? Path.of(env).toAbsolutePath().normalize()
                    : Path.of(System.getProperty("user.home"), ".cache/snapfind/models");
            assertEquals(expected, ModelCatalog.defaultBuiltLocation());
        } finally {
            if (previous == null) {
                System.clearProperty(ModelCatalog.BUILT_MODELS_PROPERTY);
            } else {
                System.setProperty(ModelCatalog.BUILT_MODELS_PROPERTY, previous);
            }
        }
    }

    @Test
    void anUnknownIdListsTheKnownOnes(@TempDir Path dir) {
        ModelCatalog catalog = new ModelCatalog(dir, Map.of("a", TestModels.entry("a.onnx", "o", 4)));
        var error = assertThrows(ModelLoadException.class, () -> catalog.spec("resnet"));
        assertTrue(error.getMessage().contains("'resnet'") && error.getMessage().contains("[a]"), error.getMessage());
    }

    @Test
    void anInvalidEntryIsNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("m.onnx"), "x");
        ModelCatalog.Entry zeroStd = new ModelCatalog.Entry("m.onnx", null, "o", 4, 224, 256,
                new float[] { 0.5f, 0.5f, 0.5f }, new float[] { 0.2f, 0f, 0.2f }, ModelSpec.ChannelOrder.RGB);
        var error = assertThrows(ModelLoadException.class,
                () -> new ModelCatalog(dir, Map.of("m", zeroStd)).spec("m"));
        assertTrue(error.getMessage().contains("'m'") && error.getMessage().contains("std"), error.getMessage());
    }

    @Test
    void aHeadIsLoadedFromTheModelsLocationAndSetsTheVectorDimension(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("m.onnx"), "x");
        TestHeads.random(1, 4, 3).write(dir.resolve("heads/m.head"));
        ModelSpec spec = new ModelCatalog(dir, Map.of("m", headed("m.onnx", 4, "heads/m.head"))).spec("m");
        assertEquals(4, spec.dimension());
        assertEquals(3, spec.vectorDimension());
        assertEquals(dir.resolve("heads/m.head").toString(), spec.head().source());
    }

    @Test
    void aMissingHeadFileIsNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("m.onnx"), "x");
        var error = assertThrows(ModelLoadException.class,
                () -> new ModelCatalog(dir, Map.of("m", headed("m.onnx", 4, "absent.head"))).spec("m"));
        assertTrue(error.getMessage().contains(dir.resolve("absent.head").toString())
                && error.getMessage().contains("does not exist") && error.getMessage().contains("'m'"),
                error.getMessage());
    }

    @Test
    void aHeadForAnotherDimensionIsRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("m.onnx"), "x");
        Path head = dir.resolve("wide.head");
        TestHeads.random(1, 8, 3).write(head);
        var error = assertThrows(ModelLoadException.class,
                () -> new ModelCatalog(dir, Map.of("m", headed("m.onnx", 4, head.toString()))).spec("m"));
        assertTrue(error.getMessage().contains(head.toString()) && error.getMessage().contains("takes 8-d")
                && error.getMessage().contains("is 4-d"), error.getMessage());
    }

    private static ModelCatalog.Entry headed(String file, int dimension, String head) {
        return new ModelCatalog.Entry(file, null, "o", dimension, 224, 256, new float[] { 0.5f, 0.5f, 0.5f },
                new float[] { 0.2f, 0.2f, 0.2f }, ModelSpec.ChannelOrder.RGB, head);
    }
}
