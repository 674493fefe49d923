package io.snapfind.embedder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectionHeadTest {

    /** 3 → 2: rows (1, 0, 2) and (0, -1, 1), bias (0.5, 0). */
    private static final ProjectionHead.Layer LINEAR = new ProjectionHead.Layer(3, 2,
            new float[] { 1, 0, 2, 0, -1, 1 }, new float[] { 0.5f, 0 });

    @Test
    void oneLayerProjectsThenNormalises() {
        ProjectionHead head = ProjectionHead.of(List.of(LINEAR));
        // (1, 2, 3) → (1 + 6 + 0.5, -2 + 3) = (7.5, 1), norm sqrt(57.25)
        float[] projected = head.apply(new float[] { 1, 2, 3 });
        double norm = Math.sqrt(57.25);
        assertArrayEquals(new float[] { (float) (7.5 / norm), (float) (1 / norm) }, projected, 1e-6f);
        assertEquals(3, head.inputDimension());
        assertEquals(2, head.outputDimension());
    }

    @Test
    void aReluSitsBetweenLayersButNotAfterTheLast() {
        // Layer 2 is 2 → 2 identity with bias (0, -1): the second hidden unit (-2 + 3 = 1 here, -1 below) is
        // clamped to 0 by the ReLU before it, and the final -1 bias can drive an output negative.
        ProjectionHead head = ProjectionHead.of(List.of(LINEAR,
                new ProjectionHead.Layer(2, 2, new float[] { 1, 0, 0, 1 }, new float[] { 0, -1 })));
        // (1, 3, 2): hidden (1 + 4 + 0.5, -3 + 2) = (5.5, -1) → ReLU (5.5, 0) → (5.5, -1)
        float[] projected = head.apply(new float[] { 1, 3, 2 });
        double norm = Math.sqrt(5.5 * 5.5 + 1);
        assertArrayEquals(new float[] { (float) (5.5 / norm), (float) (-1 / norm) }, projected, 1e-6f);
    }

    @Test
    void aWrittenHeadReadsBackIdentically(@TempDir Path dir) throws IOException {
        ProjectionHead head = ProjectionHead.of(List.of(LINEAR,
                new ProjectionHead.Layer(2, 4, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 0, 1, 0, 1 })));
        Path file = dir.resolve("sub/h.head");
        head.write(file);
        assertEquals(16 + 8 + 4 * (6 + 2) + 8 + 4 * (8 + 4), Files.size(file));
        ProjectionHead read = ProjectionHead.load(file);
        assertEquals(file.toString(), read.source());
        assertEquals(2, read.layers().size());
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(head.layers().get(l).weights(), read.layers().get(l).weights());
            assertArrayEquals(head.layers().get(l).bias(), read.layers().get(l).bias());
        }
        float[] input = { 0.3f, -0.2f, 0.9f };
        assertArrayEquals(head.apply(input), read.apply(input));
    }

    @Test
    void theFileLayoutIsTheDocumentedOne(@TempDir Path dir) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(16 + 8 + 4 * 8).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put("SNAPHEAD".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(1).putInt(3).putInt(2);
        for (float value : new float[] { 1, 0, 2, 0, -1, 1, 0.5f, 0 }) {
            bytes.putFloat(value);
        }
        Path file = dir.resolve("handmade.head");
        Files.write(file, bytes.array());
        float[] input = { 1, 2, 3 };
        assertArrayEquals(ProjectionHead.of(List.of(LINEAR)).apply(input), ProjectionHead.load(file).apply(input));
    }

    @Test
    void theInputMustHaveTheHeadsDimension() {
        ProjectionHead head = ProjectionHead.of(List.of(LINEAR));
        var error = assertThrows(IllegalArgumentException.class, () -> head.apply(new float[4]));
        assertTrue(error.getMessage().contains("3-d"), error.getMessage());
    }

    @Test
    void anAllZeroProjectionStaysZero() {
        ProjectionHead head = ProjectionHead.of(List.of(new ProjectionHead.Layer(2, 2, new float[4], new float[2])));
        assertArrayEquals(new float[2], head.apply(new float[] { 1, 1 }));
    }

    @Test
    void layersThatDoNotFitTogetherAreRefused() {
        var error = assertThrows(IllegalArgumentException.class, () -> ProjectionHead.of(List.of(LINEAR, LINEAR)));
        assertTrue(error.getMessage().contains("layer 1 takes 3 inputs but layer 0 gives 2"), error.getMessage());
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path file = dir.resolve("absent.head");
        var error = assertThrows(ModelLoadException.class, () -> ProjectionHead.load(file));
        assertTrue(error.getMessage().contains(file.toString()) && error.getMessage().contains("does not exist"),
                error.getMessage());
    }

    @Test
    void badFilesAreRefusedWithTheReason(@TempDir Path dir) throws IOException {
        byte[] valid = written(dir, ProjectionHead.of(List.of(LINEAR)));
        assertRefused(dir, "not-a-head", "ONNX!!!!garbage-bytes".getBytes(StandardCharsets.US_ASCII),
                "does not start with \"SNAPHEAD\"");
        assertRefused(dir, "tiny", new byte[5], "only 5 bytes");
        assertRefused(dir, "version-2", patchedInt(valid, 8, 2), "format version 2");
        assertRefused(dir, "no-layers", patchedInt(valid, 12, 0), "declares 0 layers");
        assertRefused(dir, "truncated", Arrays.copyOf(valid, valid.length - 4), "truncated in layer 0");
        assertRefused(dir, "trailing", Arrays.copyOf(valid, valid.length + 4), "4 bytes after its last layer");
        assertRefused(dir, "huge-shape", patchedInt(valid, 16, 1 << 20), "widths must be");
        byte[] notANumber = valid.clone();
        ByteBuffer.wrap(notANumber).order(ByteOrder.LITTLE_ENDIAN).putFloat(24, Float.NaN);
        assertRefused(dir, "nan", notANumber, "weights[0] is NaN");
    }

    @Test
    void consecutiveLayersMustFitInAFile(@TempDir Path dir) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(16 + 2 * (8 + 4 * 2)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put("SNAPHEAD".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(2);
        bytes.putInt(1).putInt(1).putFloat(1).putFloat(0);
        bytes.putInt(2).putInt(1);
        assertRefused(dir, "chain", bytes.array(), "layer 1 takes 2 inputs but layer 0 gives 1");
    }

    private static byte[] written(Path dir, ProjectionHead head) throws IOException {
        Path file = dir.resolve("valid.head");
        head.write(file);
        return Files.readAllBytes(file);
    }

    private static byte[] patchedInt(byte[] bytes, int offset, int value) {
        byte[] patched = bytes.clone();
        ByteBuffer.wrap(patched).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return patched;
    }

    private static void assertRefused(Path dir, String name, byte[] content, String reason) throws IOException {
        Path file = dir.resolve(name + ".head");
        Files.write(file, content);
        var error = assertThrows(ModelLoadException.class, () -> ProjectionHead.load(file), name);
        assertTrue(error.getMessage().contains(file.toString()), name + ": " + error.getMessage());
        assertTrue(error.getMessage().contains(reason), name + ": " + error.getMessage());
    }
}
