package io.snapfind.gateway;

import java.util.List;

/**
 * The answer to a search: the photo's size, one ranked list per query region, the embedding model used, a note
 * when a dependency was down and the search was simplified, and where the time went.
 */
public record SearchResult(int width, int height, SearchMode mode, String modelId, List<DetectedObject> detected,
        List<ObjectMatches> results, String degraded, Timings timings) {

    public record Timings(long detectMs, long embedMs, long searchMs, long totalMs) {
    }
}
