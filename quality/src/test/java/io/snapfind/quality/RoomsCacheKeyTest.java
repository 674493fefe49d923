package io.snapfind.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoomsCacheKeyTest {

    @Test
    void aRebuiltModelWithTheSameBytesKeepsItsCachesAndOtherBytesDoNot(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.onnx");
        Files.write(model, new byte[] { 1, 2, 3 });
        Files.setLastModifiedTime(model, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        String before = RoomsRun.fileStamp(model);
        Files.write(model, new byte[] { 1, 2, 3 });
        Files.setLastModifiedTime(model, FileTime.from(Instant.parse("2026-06-01T00:00:00Z")));
        assertEquals(before, RoomsRun.fileStamp(model), "same bytes, later date");
        Files.write(model, new byte[] { 1, 2, 4 });
        assertNotEquals(before, RoomsRun.fileStamp(model), "other bytes");
        assertEquals("absent.onnx:missing", RoomsRun.fileStamp(dir.resolve("absent.onnx")));
    }
}
