package io.snapfind.gateway;

import java.util.Map;

/** One indexed crop that matched, with the product it belongs to. Scores are cosine similarities (higher is closer). */
public record Hit(String productId, String category, String title, float score, String imageId, String label,
        Region matchedBox, Map<String, String> metadata) {
}
