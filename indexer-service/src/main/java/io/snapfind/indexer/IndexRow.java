package io.snapfind.indexer;

import java.util.Map;

import io.snapfind.contracts.Box;

/** One crop as stored in Milvus; see {@link IndexSchema} for the fields. */
public record IndexRow(String cropId, String productId, String imageId, String category, String title,
        Map<String, String> metadata, String label, Box box, float score, String modelId, long occurredAtMillis,
        long indexedAtMillis, float[] vector) {
}
