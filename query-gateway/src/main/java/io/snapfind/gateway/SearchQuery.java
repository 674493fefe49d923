package io.snapfind.gateway;

import java.util.Optional;

/**
 * One search: the photo's bytes (already checked to be an image) and what the caller asked for; {@code filter}
 * restricts the search itself to matching products (categories, metadata).
 */
public record SearchQuery(byte[] image, int k, Optional<ProductFilter> filter, float minScore, SearchMode mode,
        boolean groupByProduct) {

    public static final int DEFAULT_K = 10;
    public static final int MAX_K = 100;

    public SearchQuery {
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", was " + k);
        }
        if (minScore < -1 || minScore > 1) {
            throw new IllegalArgumentException("minScore must be a cosine similarity between -1 and 1, was " + minScore);
        }
    }
}
