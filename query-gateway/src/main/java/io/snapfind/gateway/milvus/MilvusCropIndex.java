package io.snapfind.gateway.milvus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.snapfind.gateway.CropIndex;
import io.snapfind.gateway.Hit;
import io.snapfind.gateway.ModelMismatchException;
import io.snapfind.gateway.ProductFilter;
import io.snapfind.gateway.Region;
import io.snapfind.gateway.SearchUnavailableException;
import io.snapfind.gateway.config.GatewayConfig;
import io.snapfind.milvus.Filters;
import io.snapfind.milvus.IndexSchema;
import io.snapfind.milvus.MilvusConnection;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Searches the collection behind the alias (the indexer's active model) through the Milvus SDK, on a worker thread
 * because the SDK blocks, at the configured consistency level ({@code snapfind.gateway.consistency-level}; Bounded by
 * default: a search may miss rows indexed in the last moments, never blocks on them).
 */
@ApplicationScoped
public class MilvusCropIndex implements CropIndex {

    static final List<String> OUTPUT_FIELDS = List.of(IndexSchema.PRODUCT_ID, IndexSchema.CATEGORY, IndexSchema.TITLE,
            IndexSchema.METADATA, IndexSchema.IMAGE_ID, IndexSchema.LABEL, IndexSchema.BOX);

    private static final long MODEL_CACHE_NANOS = 5_000_000_000L;

    private record ActiveModel(String modelId, long checkedAt) {
    }

    private volatile ActiveModel activeModel;
    private final MilvusConnection milvus;
    private final GatewayConfig config;

    MilvusCropIndex(MilvusConnection milvus, GatewayConfig config) {
        this.milvus = milvus;
        this.config = config;
    }

    @Override
    public CompletionStage<List<List<Hit>>> nearest(String modelId, List<float[]> vectors, int limit,
            Optional<ProductFilter> filter) {
        // The SDK blocks: never on the caller's (event-loop) thread.
        return CompletableFuture.supplyAsync(() -> {
            try {
                return search(modelId, vectors, limit, filter);
            } catch (MilvusClientException e) {
                throw new SearchUnavailableException("the vector index cannot be reached: " + e.getMessage(), e);
            }
        }, Infrastructure.getDefaultWorkerPool());
    }

    /**
     * The model whose vectors the alias serves, from the collection property the indexer sets; {@code null} when
     * the alias does not exist yet or the collection has no such property. Cached for a few seconds, and re-read at
     * once when a query's model differs (the alias may just have moved).
     */
    String activeModel(boolean fresh) {
        ActiveModel known = activeModel;
        if (!fresh && known != null && System.nanoTime() - known.checkedAt() < MODEL_CACHE_NANOS) {
            return known.modelId();
        }
        String modelId;
        try {
            Map<String, String> properties = milvus.client().describeCollection(DescribeCollectionReq.builder()
                    .collectionName(config.collectionAlias()).build()).getProperties();
            modelId = properties == null ? null : properties.get(IndexSchema.MODEL_ID_PROPERTY);
        } catch (MilvusClientException e) {
            if (!isMissing(e)) {
                throw e;
            }
            modelId = null;
        }
        // Not cached while unknown: the indexer creates the alias with the first vectors.
        activeModel = modelId == null ? null : new ActiveModel(modelId, System.nanoTime());
        return modelId;
    }

    @Override
    public CompletionStage<ProductVectors> vectorsOf(String productId) {
        return CompletableFuture.supplyAsync(() -> {
            String modelId = activeModel(false);
            QueryResp response;
            try {
                response = loaded(() -> milvus.client().query(QueryReq.builder().collectionName(config.collectionAlias())
                        .filter(Filters.eq(IndexSchema.PRODUCT_ID, productId)).outputFields(List.of(IndexSchema.VECTOR))
                        .limit(IndexSchema.MAX_QUERY_ROWS).consistencyLevel(config.consistencyLevel()).build()));
            } catch (MilvusClientException e) {
                if (isMissing(e)) {
                    return new ProductVectors(modelId, List.of());
                }
                throw new SearchUnavailableException("the vector index cannot be reached: " + e.getMessage(), e);
            }
            List<float[]> vectors = new ArrayList<>();
            for (QueryResp.QueryResult row : response.getQueryResults()) {
                if (row.getEntity().get(IndexSchema.VECTOR) instanceof List<?> values) {
                    float[] vector = new float[values.size()];
                    for (int i = 0; i < vector.length; i++) {
                        vector[i] = ((Number) values.get(i)).floatValue();
                    }
                    vectors.add(vector);
                }
            }
            return new ProductVectors(modelId, vectors);
        }, Infrastructure.getDefaultWorkerPool());
    }

    /**
     * The filter as a Milvus boolean expression: metadata keys are JSON paths, every value a quoted literal. Milvus
     * Lite refuses {@code in} on a JSON path ("left side of 'in' must be a field reference"), so a metadata {@code IN}
     * becomes the equalities OR-ed, which every Milvus reads the same.
     */
    static String expression(ProductFilter.Condition condition) {
        if (condition instanceof ProductFilter.All all) {
            return Filters.and(all.conditions().stream().map(MilvusCropIndex::expression).toArray(String[]::new));
        }
        if (condition instanceof ProductFilter.Any any) {
            return Filters.or(any.conditions().stream().map(MilvusCropIndex::expression).toList());
        }
        if (condition instanceof ProductFilter.Not not) {
            return "not (" + expression(not.condition()) + ")";
        }
        ProductFilter.Compare compare = (ProductFilter.Compare) condition;
        boolean category = compare.field().equals(ProductFilter.CATEGORY);
        String field = category ? IndexSchema.CATEGORY
                : IndexSchema.METADATA + "[" + Filters.literal(compare.field()) + "]";
        return switch (compare.operator()) {
            case EQUALS -> Filters.eq(field, compare.values().get(0));
            case NOT_EQUALS -> field + " != " + Filters.literal(compare.values().get(0));
            case IN -> category ? Filters.in(field, compare.values()) : anyEqual(field, compare.values());
            case NOT_IN -> category ? Filters.notIn(field, compare.values())
                    : "not (" + anyEqual(field, compare.values()) + ")";
        };
    }

    private static String anyEqual(String field, List<String> values) {
        return Filters.or(values.stream().map(value -> Filters.eq(field, value)).toList());
    }

    private List<List<Hit>> search(String modelId, List<float[]> vectors, int limit, Optional<ProductFilter> filter) {
        String served = activeModel(false);
        if (served != null && !served.equals(modelId) && (served = activeModel(true)) != null && !served.equals(modelId)) {
            throw new ModelMismatchException(modelId, served);
        }
        List<BaseVector> data = vectors.stream().<BaseVector>map(FloatVec::new).toList();
        SearchReq.SearchReqBuilder request = SearchReq.builder()
                .collectionName(config.collectionAlias())
                .annsField(IndexSchema.VECTOR)
                .data(data)
                .topK(limit)
                .outputFields(OUTPUT_FIELDS)
                .consistencyLevel(config.consistencyLevel());
        filter.ifPresent(f -> request.filter(expression(f.condition())));
        SearchResp response;
        try {
            response = loaded(() -> milvus.client().search(request.build()));
        } catch (MilvusClientException e) {
            if (isMissing(e)) {
                // Nothing indexed yet: the indexer creates the collection and the alias with the first vectors.
                return vectors.stream().<List<Hit>>map(v -> List.of()).toList();
            }
            throw e;
        }
        List<List<Hit>> results = new ArrayList<>();
        for (List<SearchResp.SearchResult> perQuery : response.getSearchResults()) {
            results.add(perQuery.stream().map(MilvusCropIndex::hit).toList());
        }
        return results;
    }

    /**
     * Runs a read, loading the collection and trying once more if it failed because the collection is not loaded:
     * a restarted Milvus (Lite, or standalone after a release) keeps the data but serves nothing until someone loads
     * it, and the indexer only loads what it reads itself. (The SDK 2.6 reports Milvus's "released" error code as a
     * client error, so the load state is asked rather than the message read.)
     */
    private <T> T loaded(Supplier<T> read) {
        try {
            return read.get();
        } catch (MilvusClientException e) {
            if (isMissing(e) || !loadIfReleased()) {
                throw e;
            }
            return read.get();
        }
    }

    private boolean loadIfReleased() {
        String alias = config.collectionAlias();
        try {
            if (Boolean.TRUE.equals(milvus.client().getLoadState(GetLoadStateReq.builder().collectionName(alias).build()))) {
                return false;
            }
            milvus.client().loadCollection(LoadCollectionReq.builder().collectionName(alias).build());
            return true;
        } catch (MilvusClientException e) {
            return false;
        }
    }

    /** Milvus says "not found" for a missing alias in a search and "does not exist" when describing it. */
    private static boolean isMissing(MilvusClientException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("not found") || message.contains("does not exist");
    }

    static Hit hit(SearchResp.SearchResult result) {
        Map<String, Object> row = result.getEntity();
        // The crop id is the primary key, which every search result carries as its id.
        return new Hit(text(row, IndexSchema.PRODUCT_ID), String.valueOf(result.getId()),
                text(row, IndexSchema.CATEGORY), text(row, IndexSchema.TITLE), result.getScore(),
                text(row, IndexSchema.IMAGE_ID), text(row, IndexSchema.LABEL), box(row.get(IndexSchema.BOX)),
                IndexSchema.metadataOf(row.get(IndexSchema.METADATA)));
    }

    private static String text(Map<String, Object> row, String field) {
        Object value = row.get(field);
        return value == null ? null : value.toString();
    }

    /** The box as the indexer stores it: "x1,y1,x2,y2". */
    static Region box(Object stored) {
        if (stored == null) {
            return null;
        }
        String[] parts = stored.toString().replaceAll("[\\[\\] ]", "").split(",");
        if (parts.length != 4) {
            return null;
        }
        return new Region(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                Integer.parseInt(parts[3]));
    }
}
