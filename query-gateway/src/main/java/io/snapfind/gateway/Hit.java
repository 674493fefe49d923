package io.snapfind.gateway;

import java.util.Map;

/**
 * One indexed crop that matched, with the product it belongs to. Scores are cosine similarities (higher is closer).
 * The crop's picture is served at {@code /v1/products/{productId}/pictures/{cropId}}.
 */
public record Hit(String productId, String cropId, String category, String title, float score, String imageId,
        String label, Region matchedBox, Map<String, String> metadata) {
}
