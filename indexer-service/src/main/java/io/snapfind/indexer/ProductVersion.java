package io.snapfind.indexer;

import io.snapfind.contracts.VectorsEvent;

/**
 * Which of two events of a product is the newer: the catalog's explicit {@code version} where both carry one,
 * otherwise {@code occurredAt}. Equal versions are not older, so the later record of the partition wins.
 */
public record ProductVersion(long occurredAtMillis, Long explicit) {

    public static ProductVersion of(VectorsEvent event) {
        return new ProductVersion(event.occurredAt().toEpochMilli(), event.version());
    }

    /** Whether this version must not be applied over {@code other}; nothing is older than an unknown version. */
    public boolean olderThan(ProductVersion other) {
        if (other == null) {
            return false;
        }
        if (explicit != null && other.explicit != null) {
            return explicit < other.explicit;
        }
        return occurredAtMillis < other.occurredAtMillis;
    }

    /** The newer of the two, {@code b} when neither is older; either may be null (unknown). */
    public static ProductVersion newer(ProductVersion a, ProductVersion b) {
        if (a == null) {
            return b;
        }
        return b == null || b.olderThan(a) ? a : b;
    }

    @Override
    public String toString() {
        return explicit != null ? "version " + explicit : "occurredAt " + java.time.Instant.ofEpochMilli(occurredAtMillis);
    }
}
