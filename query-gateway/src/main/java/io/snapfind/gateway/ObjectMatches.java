package io.snapfind.gateway;

import java.util.List;

/**
 * The ranked products for one query region. {@code message} explains an empty list, so a caller can tell "nothing
 * similar enough" from an error.
 */
public record ObjectMatches(DetectedObject query, List<Hit> hits, String message) {
}
