package io.snapfind.indexer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names a model's collection {@code <prefix><model>_<dimension>}, e.g. {@code snapfind_clip_vit_b32_512}.
 * Milvus allows only letters, digits and underscores, so other characters become underscores; when that changes
 * the model id (or it is very long) a short hash of the original id is appended, so that {@code clip-vit} and
 * {@code clip_vit} never share a collection.
 */
public final class CollectionNaming {

    static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_]");
    private static final int MAX_MODEL_PART = 120;

    private CollectionNaming() {
    }

    public static String collectionName(String prefix, String modelId, int dimension) {
        requirePrefix(prefix);
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("a model id is required");
        }
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be positive, got " + dimension);
        }
        String safe = UNSAFE.matcher(modelId).replaceAll("_");
        if (!safe.equals(modelId) || safe.length() > MAX_MODEL_PART) {
            safe = safe.substring(0, Math.min(safe.length(), MAX_MODEL_PART)) + "_" + shortHash(modelId);
        }
        return prefix + safe + "_" + dimension;
    }

    /** Checks that a prefix can start a Milvus collection or alias name. */
    public static String requirePrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("collection prefix '" + prefix
                    + "' must start with a letter or underscore and contain only letters, digits and underscores");
        }
        return prefix;
    }

    private static String shortHash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
