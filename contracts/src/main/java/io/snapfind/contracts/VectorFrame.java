package io.snapfind.contracts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedder's vectors as one binary body, for the gateway's search path: a batch of 2560-d vectors is about
 * 80 KB of float32 here against about 220 KB of JSON text, which both sides would format and parse digit by digit.
 * Layout, little-endian: the model id's UTF-8 length (int32) and bytes, the dimension (int32), the vector count
 * (int32), then count × dimension float32 values, vector after vector.
 */
public record VectorFrame(String modelId, int dimension, List<float[]> vectors) {

    /** The media type of the body, asked for in {@code Accept} and answered in {@code Content-Type}. */
    public static final String MEDIA_TYPE = "application/x-snapfind-vectors";

    private static final int MAX_MODEL_ID_BYTES = 1024;

    public VectorFrame {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be positive, got " + dimension);
        }
        for (int i = 0; i < vectors.size(); i++) {
            if (vectors.get(i).length != dimension) {
                throw new IllegalArgumentException("vector " + i + " has " + vectors.get(i).length + " values, not "
                        + dimension);
            }
        }
        vectors = List.copyOf(vectors);
    }

    public byte[] encode() {
        byte[] id = modelId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(12 + id.length + 4 * dimension * vectors.size())
                .order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(id.length).put(id).putInt(dimension).putInt(vectors.size());
        for (float[] vector : vectors) {
            out.asFloatBuffer().put(vector);
            out.position(out.position() + 4 * dimension);
        }
        return out.array();
    }

    /** Reads a body written by {@link #encode}; a body of any other length or shape is refused, not guessed at. */
    public static VectorFrame decode(byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        try {
            int idLength = in.getInt();
            if (idLength < 0 || idLength > MAX_MODEL_ID_BYTES) {
                throw new IllegalArgumentException("model id of " + idLength + " bytes");
            }
            byte[] id = new byte[idLength];
            in.get(id);
            int dimension = in.getInt();
            int count = in.getInt();
            if (dimension < 1 || count < 0 || (long) dimension * count * 4 != in.remaining()) {
                throw new IllegalArgumentException(count + " vectors of " + dimension + " values do not fill the "
                        + in.remaining() + " bytes left");
            }
            List<float[]> vectors = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                float[] vector = new float[dimension];
                in.asFloatBuffer().get(vector);
                in.position(in.position() + 4 * dimension);
                vectors.add(vector);
            }
            return new VectorFrame(new String(id, StandardCharsets.UTF_8), dimension, vectors);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("a vector frame of " + body.length + " bytes is truncated", e);
        }
    }
}
