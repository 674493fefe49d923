package io.snapfind.embedder.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.TestHeads;
import io.snapfind.embedder.model.ModelLoadException;
import io.snapfind.harness.ProjectPaths;

/** The {@code head} catalogue property, read as the service reads its configuration, at the start-up step. */
class HeadStartupTest {

    @Test
    void aHeadedEntryServesTheHeadsDimension(@TempDir Path dir) throws IOException {
        Path head = dir.resolve("mobilenetv2-test.head");
        TestHeads.random(3, 1280, 32).write(head);
        ModelSpec spec = EmbedderBeans.selectedSpecs(config(Map.of(
                "snapfind.embedder.model", "headed",
                "snapfind.embedder.models.headed.head", head.toString()))).get(0);
        assertEquals("headed", spec.id());
        assertEquals(1280, spec.dimension());
        assertEquals(32, spec.vectorDimension());
        assertEquals(head.toString(), spec.head().source());
    }

    @Test
    void anEntryWithoutHeadHasNone() {
        ModelSpec spec = EmbedderBeans.selectedSpecs(config(Map.of("snapfind.embedder.model", "headed"))).get(0);
        assertNull(spec.head());
        assertEquals(1280, spec.vectorDimension());
    }

    @Test
    void aMissingHeadFileStopsStartUpNamingIt() {
        var error = assertThrows(ModelLoadException.class, () -> EmbedderBeans.selectedSpecs(config(Map.of(
                "snapfind.embedder.model", "headed",
                "snapfind.embedder.models.headed.head", "heads/not-trained-yet.head"))));
        String expected = ProjectPaths.asset("models").resolve("heads/not-trained-yet.head").toString();
        assertTrue(error.getMessage().contains(expected), error.getMessage());
        assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
    }

    @Test
    void aFusionSelectsItsMembersInOrderAndMustNameTwo() {
        var specs = EmbedderBeans.selectedSpecs(config(Map.of("snapfind.embedder.model", "both",
                "snapfind.embedder.fusions.both", "headed,plain")));
        assertEquals(java.util.List.of("headed", "plain"), specs.stream().map(ModelSpec::id).toList());
        var error = assertThrows(IllegalArgumentException.class, () -> EmbedderBeans.selectedSpecs(config(Map.of(
                "snapfind.embedder.model", "alone", "snapfind.embedder.fusions.alone", "headed"))));
        assertTrue(error.getMessage().contains("at least two"), error.getMessage());
    }

    private static EmbedderConfig config(Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>();
        properties.put("snapfind.embedder.models-dir", ProjectPaths.asset("models").toString());
        properties.put("snapfind.embedder.models.headed.file", "mobilenet_v2_uint8_embed.onnx");
        properties.put("snapfind.embedder.models.headed.output", "embedding");
        properties.put("snapfind.embedder.models.headed.dimension", "1280");
        properties.put("snapfind.embedder.models.plain.file", "mobilenet_v2_uint8_embed.onnx");
        properties.put("snapfind.embedder.models.plain.output", "output");
        properties.put("snapfind.embedder.models.plain.dimension", "1000");
        properties.putAll(overrides);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(EmbedderConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(EmbedderConfig.class);
    }
}
