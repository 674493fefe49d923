package io.snapfind.quality;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Catalog vectors on disk, one file per model and crop configuration (the key: model file, output, input
 * settings, detector file and thresholds, crop settings). Entries are keyed by product id, image file name and
 * size, so a subset of the catalog reuses a full run's vectors and a changed photo is embedded again.
 */
final class CatalogCache {
    private static final int MAGIC = 0x534E4643; // "SNFC"
    private final Path file;
    private final String key;

    CatalogCache(Path dir, String name, String key) {
        this.key = key;
        this.file = dir.resolve("rooms-catalog-" + name.replaceAll("[^A-Za-z0-9._+-]", "_") + "-"
                + sha256(key).substring(0, 12) + ".bin");
    }

    Path file() {
        return file;
    }

    static String imageKey(ShopTheLook.Product product) {
        long size;
        try {
            size = Files.size(product.image());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return product.id() + "|" + product.image().getFileName() + "|" + size;
    }

    Map<String, CatalogIndex.ProductCrops> read(PrintStream log) {
        Map<String, CatalogIndex.ProductCrops> map = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return map;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || !in.readUTF().equals(key)) {
                log.println("Cache " + file + " was written for other settings; ignoring it");
                return new HashMap<>();
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String imageKey = in.readUTF();
                int crops = in.readInt();
                List<String> labels = new ArrayList<>(crops);
                List<int[]> boxes = new ArrayList<>(crops);
                List<float[]> vectors = new ArrayList<>(crops);
                for (int c = 0; c < crops; c++) {
                    labels.add(in.readUTF());
                    boxes.add(new int[] { in.readInt(), in.readInt(), in.readInt(), in.readInt() });
                    float[] vector = new float[in.readInt()];
                    for (int d = 0; d < vector.length; d++) {
                        vector[d] = in.readFloat();
                    }
                    vectors.add(vector);
                }
                map.put(imageKey, new CatalogIndex.ProductCrops(labels, boxes, vectors));
            }
        } catch (EOFException e) {
            log.println("Cache " + file + " is truncated; ignoring it");
            return new HashMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the catalog cache " + file, e);
        }
        return map;
    }

    void write(Map<String, CatalogIndex.ProductCrops> map) {
        try {
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(partial), 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeUTF(key);
                out.writeInt(map.size());
                for (Map.Entry<String, CatalogIndex.ProductCrops> entry : new java.util.TreeMap<>(map).entrySet()) {
                    CatalogIndex.ProductCrops crops = entry.getValue();
                    out.writeUTF(entry.getKey());
                    out.writeInt(crops.vectors().size());
                    for (int c = 0; c < crops.vectors().size(); c++) {
                        out.writeUTF(crops.labels().get(c));
                        for (int value : crops.boxes().get(c)) {
                            out.writeInt(value);
                        }
                        float[] vector = crops.vectors().get(c);
                        out.writeInt(vector.length);
                        for (float value : vector) {
                            out.writeFloat(value);
                        }
                    }
                }
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the catalog cache " + file, e);
        }
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
