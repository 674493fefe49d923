package io.snapfind.detector.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.snapfind.harness.ProjectPaths;

class OnnxModelTest {

    @Test
    void loadsTheRealModelAndRunsIt() {
        Path file = ProjectPaths.asset("models/yolov8n_int8.onnx");
        try (OnnxModel model = OnnxModel.load(file, 640)) {
            assertEquals(file, model.file());
        }
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("absent.onnx");
        var error = assertThrows(OnnxModel.ModelLoadException.class, () -> OnnxModel.load(missing, 640));
        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
    }

    @Test
    void corruptFileIsNamed(@TempDir Path dir) throws IOException {
        Path corrupt = Files.writeString(dir.resolve("corrupt.onnx"), "not a model");
        var error = assertThrows(OnnxModel.ModelLoadException.class, () -> OnnxModel.load(corrupt, 640));
        assertTrue(error.getMessage().contains(corrupt.toString()), error.getMessage());
    }
}
