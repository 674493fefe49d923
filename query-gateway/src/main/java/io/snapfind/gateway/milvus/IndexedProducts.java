package io.snapfind.gateway.milvus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.snapfind.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;

/** Whether a product is searchable: its rows in the collection behind the alias, read with strong consistency. */
@ApplicationScoped
public class IndexedProducts {

    /** What the index holds for one product. */
    public record Status(String productId, boolean indexed, int crops, String modelId, Instant lastIndexedAt) {
    }

    private final MilvusConnection milvus;
    private final GatewayConfig config;

    IndexedProducts(MilvusConnection milvus, GatewayConfig config) {
        this.milvus = milvus;
        this.config = config;
    }

    public Uni<Status> status(String productId) {
        return Uni.createFrom().item(() -> query(productId)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Status query(String productId) {
        List<QueryResp.QueryResult> rows;
        try {
            rows = milvus.client().query(QueryReq.builder()
                    .collectionName(config.collectionAlias())
                    .filter("productId == " + MilvusFilters.quote(productId))
                    .outputFields(List.of("modelId", "indexedAt"))
                    .consistencyLevel(ConsistencyLevel.STRONG)
                    .limit(1000)
                    .build()).getQueryResults();
        } catch (MilvusClientException e) {
            if (String.valueOf(e.getMessage()).contains("not found")) {
                return new Status(productId, false, 0, null, null);
            }
            throw e;
        }
        if (rows.isEmpty()) {
            return new Status(productId, false, 0, null, null);
        }
        long lastIndexed = rows.stream().mapToLong(row -> ((Number) row.getEntity().get("indexedAt")).longValue()).max()
                .orElse(0);
        Map<String, Object> first = rows.get(0).getEntity();
        return new Status(productId, true, rows.size(), String.valueOf(first.get("modelId")),
                Instant.ofEpochMilli(lastIndexed));
    }
}
