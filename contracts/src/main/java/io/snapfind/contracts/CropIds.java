package io.snapfind.contracts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Stable crop ids, so that reprocessing a product upserts the same index rows instead of adding new ones.
 * Coordinates are snapped to an {@value #GRID_PX} px grid first: detector jitter of a few pixels then keeps the id,
 * unless a coordinate sits near a cell boundary, in which case the indexer just replaces the row.
 */
public final class CropIds {

    static final int GRID_PX = 8;

    private CropIds() {
    }

    /** 32 hex chars: the first 16 bytes of SHA-256 over productId, imageId and the snapped box. */
    public static String of(String productId, String imageId, Box box) {
        Check.nonBlank(productId, "productId");
        Check.nonBlank(imageId, "imageId");
        Check.present(box, "box");
        String key = productId + '\u0000' + imageId + '\u0000'
                + snap(box.x1()) + ',' + snap(box.y1()) + ',' + snap(box.x2()) + ',' + snap(box.y2());
        return HexFormat.of().formatHex(Arrays.copyOf(sha256(key.getBytes(StandardCharsets.UTF_8)), 16));
    }

    /** Nearest grid line, halves rounding up; box coordinates are never negative. */
    private static int snap(int coordinate) {
        return (coordinate + GRID_PX / 2) / GRID_PX * GRID_PX;
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }
}
