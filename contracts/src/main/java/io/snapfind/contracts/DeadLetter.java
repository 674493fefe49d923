package io.snapfind.contracts;

import static io.snapfind.contracts.ContractViolation.invalid;

import java.time.Instant;

/**
 * A record a stage could not process, published to {@code <sourceTopic>.dlq} with the original bytes untouched so
 * it can be inspected and replayed. {@code reason} is a short machine-readable code such as {@code fetch-refused};
 * {@code key}, {@code originalValue}, {@code productId} and {@code imageId} are null when unknown or absent.
 */
public record DeadLetter(
        int schemaVersion,
        String stage,
        String reason,
        String detail,
        String sourceTopic,
        int partition,
        long offset,
        String key,
        byte[] originalValue,
        String productId,
        String imageId,
        Instant failedAt) {

    public static final String SUFFIX = ".dlq";

    public DeadLetter {
        Check.schemaVersion(schemaVersion);
        Check.nonBlank(stage, "stage");
        Check.nonBlank(reason, "reason");
        Check.present(detail, "detail");
        Check.nonBlank(sourceTopic, "sourceTopic");
        if (partition < 0) {
            throw invalid("partition", "must not be negative, got " + partition);
        }
        if (offset < 0) {
            throw invalid("offset", "must not be negative, got " + offset);
        }
        originalValue = originalValue == null ? null : originalValue.clone();
        Check.present(failedAt, "failedAt");
    }

    public static DeadLetter of(String stage, String reason, String detail, String sourceTopic, int partition,
            long offset, String key, byte[] originalValue, String productId, String imageId, Instant failedAt) {
        return new DeadLetter(Contracts.SCHEMA_VERSION, stage, reason, detail, sourceTopic, partition, offset, key,
                originalValue, productId, imageId, failedAt);
    }

    public static String topicFor(String sourceTopic) {
        return Check.nonBlank(sourceTopic, "sourceTopic") + SUFFIX;
    }

    @Override
    public byte[] originalValue() {
        return originalValue == null ? null : originalValue.clone();
    }
}
