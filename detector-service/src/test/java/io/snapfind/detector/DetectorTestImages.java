package io.snapfind.detector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.zip.CRC32;

import io.snapfind.harness.ProjectPaths;

/** Real photos from the assets and the broken inputs the pipeline must survive. */
public final class DetectorTestImages {

    private DetectorTestImages() {
    }

    public static byte[] asset(String path) {
        try {
            return Files.readAllBytes(ProjectPaths.asset(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] dog() {
        return asset("photos/dog.jpg");
    }

    /** The room scene whose detections the assets MANIFEST lists (chairs, a bed). */
    public static byte[] roomScene() {
        return asset("datasets/ikea-interior/images/room_scenes/"
                + "ikea-a-bed-that-folds-away-to-be-a-sofa-by-day__1364309472525-s4.jpg");
    }

    public static byte[] truncatedJpeg() {
        byte[] dog = dog();
        return Arrays.copyOf(dog, dog.length / 2);
    }

    public static byte[] text() {
        return "name,price\nchair,49.90\n".getBytes(StandardCharsets.UTF_8);
    }

    /** A valid PNG signature and IHDR chunk claiming {@code width}×{@code height}, and nothing else. */
    public static byte[] pngHeaderClaiming(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' })
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }
}
