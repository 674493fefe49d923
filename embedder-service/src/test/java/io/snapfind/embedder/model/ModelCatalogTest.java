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
}
