package io.snapfind.contracts;

import static io.snapfind.contracts.ContractViolation.invalid;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The crop embeddings of one product image on {@link Topics#IMAGES_VECTORS}, keyed by productId. Every vector has
 * {@code dimension} elements from model {@code modelId}. A DELETE marker carries only productId, occurredAt and
 * version.
 */
public record VectorsEvent(
        int schemaVersion,
        Type type,
        String productId,
        String category,
        String title,
        Map<String, String> metadata,
        String imageId,
        List<String> productImageIds,
        String modelId,
        // Absent from DELETE markers: read as 0 rather than failing as a missing int; VECTORS events check it below.
        @JsonSetter(nulls = Nulls.AS_EMPTY) int dimension,
        List<CropVector> vectors,
        Instant occurredAt,
        Long version) {

    public enum Type { VECTORS, DELETE }

    public VectorsEvent {
        Check.schemaVersion(schemaVersion);
        Check.present(type, "type");
        Check.nonBlank(productId, "productId");
        Check.present(occurredAt, "occurredAt");
        metadata = Check.metadata(metadata);
        Check.version(version);
        vectors = Check.elements(vectors, "vectors");
        if (type == Type.VECTORS) {
            Check.nonBlank(category, "category");
            Check.present(title, "title");
            Check.nonBlank(imageId, "imageId");
            productImageIds = Check.productImageIds(productImageIds, imageId);
            Check.nonBlank(modelId, "modelId");
            if (dimension <= 0) {
                throw invalid("dimension", "must be positive, got " + dimension);
            }
            for (int i = 0; i < vectors.size(); i++) {
                int length = vectors.get(i).vector().length;
                if (length != dimension) {
                    throw invalid("vectors[" + i + "].vector", "has " + length + " elements, dimension is " + dimension);
                }
            }
            Check.unique(vectors.stream().map(CropVector::cropId).toList(), "vectors", ".cropId");
        } else {
            productImageIds = Check.elements(productImageIds, "productImageIds");
        }
    }

    /** occurredAt is the source ProductEvent's, carried unchanged so consumers can judge freshness. */
    public static VectorsEvent vectors(String productId, String category, String title, Map<String, String> metadata,
            String imageId, List<String> productImageIds, String modelId, int dimension, List<CropVector> vectors,
            Instant occurredAt) {
        return new VectorsEvent(Contracts.SCHEMA_VERSION, Type.VECTORS, productId, category, title, metadata, imageId,
                productImageIds, modelId, dimension, vectors, occurredAt, null);
    }

    public static VectorsEvent delete(String productId, Instant occurredAt) {
        return new VectorsEvent(Contracts.SCHEMA_VERSION, Type.DELETE, productId, null, null, null, null, null, null,
                0, null, occurredAt, null);
    }

    /** The same event with the source ProductEvent's explicit version, carried unchanged like occurredAt. */
    public VectorsEvent withVersion(Long version) {
        return new VectorsEvent(schemaVersion, type, productId, category, title, metadata, imageId, productImageIds,
                modelId, dimension, vectors, occurredAt, version);
    }
}
