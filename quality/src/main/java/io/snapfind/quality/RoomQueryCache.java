package io.snapfind.quality;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The backbone vectors of rooms' regions, keyed by room photo and region boxes ({@code --cache-queries}): lets
 * runs that differ only after embedding (a head, hubness, scoring) skip the rooms' embedding. Latency figures of
 * such a run lack the embedding time.
 */
final class RoomQueryCache {
    private final Path file;
    private final Map<String, float[][]> map = new HashMap<>();
    private boolean changed;

    RoomQueryCache(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                    Files.newInputStream(file), 1 << 16))) {
                int count = in.readInt();
                for (int i = 0; i < count; i++) {
                    String key = in.readUTF();
                    float[][] vectors = new float[in.readInt()][];
                    int dimension = in.readInt();
                    for (int r = 0; r < vectors.length; r++) {
                        vectors[r] = new float[dimension];
                        for (int d = 0; d < dimension; d++) {
                            vectors[r][d] = in.readFloat();
                        }
                    }
                    map.put(key, vectors);
                }
            } catch (IOException e) {
                map.clear();
            }
        }
    }

    float[][] get(String key) {
        return map.get(key);
    }

    void put(String key, float[][] vectors) {
        map.put(key, java.util.Arrays.stream(vectors).map(float[]::clone).toArray(float[][]::new));
        changed = true;
    }

    void write() {
        if (!changed) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            try (java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                    Files.newOutputStream(partial), 1 << 16))) {
                out.writeInt(map.size());
                for (Map.Entry<String, float[][]> entry : map.entrySet()) {
                    out.writeUTF(entry.getKey());
                    out.writeInt(entry.getValue().length);
                    out.writeInt(entry.getValue().length == 0 ? 0 : entry.getValue()[0].length);
                    for (float[] vector : entry.getValue()) {
                        for (float value : vector) {
                            out.writeFloat(value);
                        }
                    }
                }
            }
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the query cache " + file, e);
        }
    }
}
