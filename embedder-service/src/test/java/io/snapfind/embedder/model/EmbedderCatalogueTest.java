package io.snapfind.embedder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.snapfind.embedder.ModelSpec;
import io.snapfind.harness.ProjectPaths;

class EmbedderCatalogueTest {

    @Test
    void readsTheEmbeddersOwnCatalogue() {
        Map<String, ModelCatalog.Entry> entries = EmbedderCatalogue.entries(EmbedderCatalogue.embedderProperties());
        assertTrue(entries.keySet().containsAll(java.util.List.of("mobilenetv2", "mobilenetv2-logits", "resnet50")),
                entries.keySet().toString());
        ModelCatalog.Entry mobilenet = entries.get("mobilenetv2");
        assertEquals("mobilenet_v2_uint8_embed.onnx", mobilenet.file());
        assertEquals("embedding", mobilenet.output());
        assertEquals(1280, mobilenet.dimension());
        assertEquals(224, mobilenet.inputSize(), "the default of EmbedderConfig.Model");
        assertEquals(256, mobilenet.resize());
        assertArrayEquals(new float[] { 0.485f, 0.456f, 0.406f }, mobilenet.mean());
        ModelCatalog.Entry lite2 = entries.get("efficientnet-lite2");
        assertEquals("built:efficientnet_lite2.onnx", lite2.file());
        assertEquals("features", lite2.output());
        assertEquals(260, lite2.inputSize());
        assertEquals(292, lite2.resize(), "TensorFlow's eval crop: the centre S/(S+32) of the shorter side");
        // (pixel - 127) / 128 on 0..255 values, as the [0,1]-based mean and std of the catalogue.
        assertEquals(127f / 255f, lite2.mean()[0], 1e-7f);
        assertEquals(128f / 255f, lite2.std()[2], 1e-7f);
        assertEquals("logits", entries.get("efficientnet-lite0-logits").output());
        assertEquals(1000, entries.get("efficientnet-lite1-logits").dimension());
        assertEquals("data", entries.get("resnet50").input());
        assertEquals("resnetv17_dense0_fwd", entries.get("resnet50").output());
    }

    @Test
    void parsesEveryEntrySetting() {
        Properties properties = new Properties();
        properties.setProperty("snapfind.embedder.models.tiny.file", "tiny.onnx");
        properties.setProperty("snapfind.embedder.models.tiny.output", "features");
        properties.setProperty("snapfind.embedder.models.tiny.dimension", "64");
        properties.setProperty("snapfind.embedder.models.tiny.input-size", "112");
        properties.setProperty("snapfind.embedder.models.tiny.resize", "128");
        properties.setProperty("snapfind.embedder.models.tiny.mean", "0.5, 0.5, 0.5");
        properties.setProperty("snapfind.embedder.models.tiny.std", "0.25,0.25,0.25");
        properties.setProperty("snapfind.embedder.models.tiny.channel-order", "bgr");
        properties.setProperty("snapfind.embedder.models.tiny.head", "heads/tiny.head");
        properties.setProperty("snapfind.embedder.model", "tiny");
        ModelCatalog.Entry tiny = EmbedderCatalogue.entries(properties).get("tiny");
        assertEquals(1, EmbedderCatalogue.entries(properties).size());
        assertNull(tiny.input());
        assertEquals(112, tiny.inputSize());
        assertEquals(128, tiny.resize());
        assertArrayEquals(new float[] { 0.5f, 0.5f, 0.5f }, tiny.mean());
        assertArrayEquals(new float[] { 0.25f, 0.25f, 0.25f }, tiny.std());
        assertEquals(ModelSpec.ChannelOrder.BGR, tiny.channelOrder());
        assertEquals("heads/tiny.head", tiny.head());
    }

    @Test
    void aModelWhoseFileIsAbsentCannotBeLoaded() {
        ModelCatalog catalog = EmbedderCatalogue.load(ProjectPaths.requireAssets().resolve("models"));
        assertEquals(Path.of("mobilenet_v2_uint8_embed.onnx"), catalog.spec("mobilenetv2").file().getFileName());
        ModelLoadException missing = assertThrows(ModelLoadException.class, () -> catalog.spec("resnet50"));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }
}
