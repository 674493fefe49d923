package io.snapfind.contracts;

import static io.snapfind.contracts.ContractViolation.invalid;
import static io.snapfind.contracts.ContractViolation.missing;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validation shared by the record constructors; every failure is a {@link ContractViolation} naming the field. */
final class Check {

    private Check() {
    }

    static void schemaVersion(int schemaVersion) {
        if (schemaVersion != Contracts.SCHEMA_VERSION) {
            throw unsupportedVersion(schemaVersion);
        }
    }

    static ContractViolation unsupportedVersion(Object schemaVersion) {
        return new ContractViolation("schemaVersion", ContractViolation.Kind.UNKNOWN_SCHEMA_VERSION,
                "version " + schemaVersion + " is not supported, only " + Contracts.SCHEMA_VERSION);
    }

    static <T> T present(T value, String field) {
        if (value == null) {
            throw missing(field);
        }
        return value;
    }

    /** An explicit product version is optional; when set it must not be negative. */
    static void version(Long version) {
        if (version != null && version < 0) {
            throw invalid("version", "must not be negative, got " + version);
        }
    }

    static String nonBlank(String value, String field) {
        if (present(value, field).isBlank()) {
            throw invalid(field, "must not be blank");
        }
        return value;
    }

    static byte[] nonEmpty(byte[] value, String field) {
        if (present(value, field).length == 0) {
            throw invalid(field, "must not be empty");
        }
        return value.clone();
    }

    static <T> List<T> nonEmpty(List<T> values, String field) {
        if (present(values, field).isEmpty()) {
            throw invalid(field, "must contain at least one element");
        }
        return elements(values, field);
    }

    /** Absent lists become empty: DELETE markers and older producers may leave them out. */
    static <T> List<T> elements(List<T> values, String field) {
        if (values == null) {
            return List.of();
        }
        for (int i = 0; i < values.size(); i++) {
            present(values.get(i), field + "[" + i + "]");
        }
        return List.copyOf(values);
    }

    static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        metadata.forEach((key, value) -> present(value, "metadata." + key));
        return Map.copyOf(metadata);
    }

    static float score(float score, String field) {
        if (!(score >= 0f && score <= 1f)) {
            throw invalid(field, "must be between 0 and 1, got " + score);
        }
        return score;
    }

    /** Ids must be unique so an upsert by id never silently overwrites a sibling. */
    static void unique(List<String> ids, String listField, String idSuffix) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!seen.add(ids.get(i))) {
                throw invalid(listField + "[" + i + "]" + idSuffix, "duplicate id '" + ids.get(i) + "'");
            }
        }
    }

    /** All image ids of the product version, containing the image this event is about. */
    static List<String> productImageIds(List<String> productImageIds, String imageId) {
        List<String> ids = nonEmpty(productImageIds, "productImageIds");
        for (int i = 0; i < ids.size(); i++) {
            nonBlank(ids.get(i), "productImageIds[" + i + "]");
        }
        unique(ids, "productImageIds", "");
        if (!ids.contains(imageId)) {
            throw invalid("productImageIds", "does not contain imageId '" + imageId + "'");
        }
        return ids;
    }
}
