package io.snapfind.contracts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class VectorFrameTest {

    @Test
    void vectorsComeBackBitForBit() {
        List<float[]> vectors = List.of(new float[] { 0.6f, -0.8f, Float.MIN_VALUE },
                new float[] { 1f / 3, 0f, -0f });
        VectorFrame decoded = VectorFrame.decode(new VectorFrame("efficientnet-lite0+mobilenetv2", 3, vectors)
                .encode());
        assertEquals("efficientnet-lite0+mobilenetv2", decoded.modelId());
        assertEquals(3, decoded.dimension());
        assertEquals(2, decoded.vectors().size());
        for (int i = 0; i < vectors.size(); i++) {
            assertArrayEquals(vectors.get(i), decoded.vectors().get(i), 0f);
        }
    }

    @Test
    void theLayoutIsLittleEndianWithTheModelIdFirst() {
        byte[] body = new VectorFrame("m", 1, List.<float[]>of(new float[] { 1f })).encode();
        // "m": length 1, the byte 'm'; dimension 1; count 1; 1.0f = 0x3F800000.
        assertArrayEquals(new byte[] { 1, 0, 0, 0, 'm', 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, (byte) 0x80, 0x3F }, body);
    }

    @Test
    void aTruncatedOrPaddedBodyIsRefused() {
        byte[] body = new VectorFrame("m", 2, List.<float[]>of(new float[] { 1f, 2f })).encode();
        assertThrows(IllegalArgumentException.class, () -> VectorFrame.decode(Arrays.copyOf(body, body.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> VectorFrame.decode(Arrays.copyOf(body, body.length + 4)));
        assertThrows(IllegalArgumentException.class, () -> VectorFrame.decode(new byte[3]));
    }

    @Test
    void vectorsOfTheWrongLengthAreNotEncoded() {
        assertThrows(IllegalArgumentException.class,
                () -> new VectorFrame("m", 2, List.<float[]>of(new float[] { 1f })));
    }
}
