package io.snapfind.indexer.milvus;

import static io.snapfind.indexer.milvus.MilvusCalls.call;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import com.google.gson.JsonObject;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.utility.request.AlterAliasReq;
import io.milvus.v2.service.utility.request.CreateAliasReq;
import io.milvus.v2.service.utility.request.DescribeAliasReq;
import io.milvus.v2.service.utility.request.ListAliasesReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.response.QueryResp;
import io.snapfind.indexer.CollectionSpec;
import io.snapfind.indexer.IndexRow;
import io.snapfind.indexer.Manifest;
import io.snapfind.indexer.VectorStore;
import io.snapfind.milvus.Filters;
import io.snapfind.milvus.IndexSchema;

/**
 * {@link VectorStore} on Milvus through the Java SDK v2: writes, reads, manifests and aliases here; creating,
 * validating and loading collections in {@link MilvusCollections}, row encoding in {@link MilvusRowCodec}, error
 * classification in {@link MilvusCalls}.
 * <p>
 * Keys are always sent as escaped {@code pk in [...]} filters, never through the SDK's {@code ids(...)}, which does
 * not escape quotes in string keys. Milvus serves such filters by key lookup.
 */
public final class MilvusVectorStore implements VectorStore {

    private static final String COUNT = "count(*)";

    private final Supplier<MilvusClientV2> client;
    private final MilvusCollections collections;

    public MilvusVectorStore(Supplier<MilvusClientV2> client, int hnswM, int hnswEfConstruction) {
        this.client = client;
        this.collections = new MilvusCollections(client, hnswM, hnswEfConstruction);
    }

    static String manifestOf(String collection) {
        return collection + IndexSchema.MANIFEST_SUFFIX;
    }

    @Override
    public void ensureCollection(CollectionSpec spec) {
        collections.ensure(spec);
    }

    @Override
    public Optional<CollectionSpec> describe(String collection) {
        return collections.describe(collection);
    }

    @Override
    public List<String> collections(String prefix) {
        List<String> names = call("list collections", () -> client.get().listCollections().getCollectionNames());
        return names.stream().filter(name -> name.startsWith(prefix)).filter(name -> describe(name).isPresent()).toList();
    }

    @Override
    public void upsert(String collection, List<IndexRow> rows) {
        List<JsonObject> data = new ArrayList<>(rows.size());
        rows.forEach(row -> data.add(MilvusRowCodec.json(row)));
        call("upsert into " + collection,
                () -> client.get().upsert(UpsertReq.builder().collectionName(collection).data(data).build()));
    }

    @Override
    public long delete(String collection, String filter) {
        return collections.onLoaded(collection, "delete from " + collection, () -> client.get()
                .delete(DeleteReq.builder().collectionName(collection).filter(filter).build()).getDeleteCnt());
    }

    @Override
    public List<StoredRow> query(String collection, String filter) {
        QueryResp response = collections.onLoaded(collection, "query " + collection, () -> client.get().query(QueryReq
                .builder().collectionName(collection).filter(filter).outputFields(MilvusRowCodec.STATUS_FIELDS)
                .limit(IndexSchema.MAX_QUERY_ROWS).consistencyLevel(ConsistencyLevel.STRONG).build()));
        return MilvusRowCodec.storedRows(response);
    }

    @Override
    public List<StoredRow> rows(String collection, Collection<String> cropIds) {
        if (cropIds.isEmpty()) {
            return List.of();
        }
        QueryResp response = collections.onLoaded(collection, "read rows of " + collection, () -> client.get()
                .query(QueryReq.builder().collectionName(collection).filter(Filters.in(IndexSchema.CROP_ID, cropIds))
                        .outputFields(MilvusRowCodec.STATUS_FIELDS).consistencyLevel(ConsistencyLevel.STRONG).build()));
        return MilvusRowCodec.storedRows(response);
    }

    @Override
    public long deleteRows(String collection, Collection<String> cropIds) {
        if (cropIds.isEmpty()) {
            return 0;
        }
        return call("delete rows of " + collection, () -> client.get().delete(DeleteReq.builder()
                .collectionName(collection).filter(Filters.in(IndexSchema.CROP_ID, cropIds)).build()).getDeleteCnt());
    }

    @Override
    public Map<String, Manifest> manifests(String collection, Collection<String> productIds) {
        Map<String, Manifest> manifests = new LinkedHashMap<>();
        if (productIds.isEmpty()) {
            return manifests;
        }
        String manifest = manifestOf(collection);
        QueryResp response = collections.onLoaded(manifest, "read manifests of " + collection, () -> client.get()
                .query(QueryReq.builder().collectionName(manifest).filter(Filters.in(IndexSchema.PRODUCT_ID, productIds))
                        .outputFields(List.of(IndexSchema.PRODUCT_ID, IndexSchema.MANIFEST_IMAGES,
                                IndexSchema.MANIFEST_OVERFLOW))
                        .consistencyLevel(ConsistencyLevel.STRONG).build()));
        for (QueryResp.QueryResult result : response.getQueryResults()) {
            Map<String, Object> entity = result.getEntity();
            String productId = String.valueOf(entity.get(IndexSchema.PRODUCT_ID));
            manifests.put(productId, MilvusRowCodec.manifestFromJson(entity.get(IndexSchema.MANIFEST_IMAGES),
                    () -> imagesFromRows(collection, productId),
                    Boolean.TRUE.equals(entity.get(IndexSchema.MANIFEST_OVERFLOW))));
        }
        return manifests;
    }

    /** For a product whose manifest overflowed: its crop ids per image, read from the rows themselves. */
    private Map<String, Set<String>> imagesFromRows(String collection, String productId) {
        Map<String, Set<String>> images = new LinkedHashMap<>();
        query(collection, Filters.eq(IndexSchema.PRODUCT_ID, productId))
                .forEach(row -> images.computeIfAbsent(row.imageId(), i -> new LinkedHashSet<>()).add(row.cropId()));
        return images;
    }

    @Override
    public void writeManifests(String collection, Map<String, Manifest> manifests) {
        if (manifests.isEmpty()) {
            return;
        }
        List<JsonObject> data = new ArrayList<>(manifests.size());
        manifests.forEach((productId, manifest) -> data.add(MilvusRowCodec.manifestJson(productId, manifest)));
        String manifest = manifestOf(collection);
        call("write manifests of " + collection,
                () -> client.get().upsert(UpsertReq.builder().collectionName(manifest).data(data).build()));
    }

    @Override
    public long countRows(String collection) {
        QueryResp response = collections.onLoaded(collection, "count " + collection, () -> client.get().query(QueryReq
                .builder().collectionName(collection).filter("").outputFields(List.of(COUNT))
                .consistencyLevel(ConsistencyLevel.STRONG).build()));
        return MilvusRowCodec.number(response.getQueryResults().get(0).getEntity().get(COUNT));
    }

    @Override
    public Optional<String> aliasTarget(String alias) {
        return call("describe alias " + alias, () -> {
            if (!client.get().listAliases(ListAliasesReq.builder().collectionName("").build()).getAlias().contains(alias)) {
                return Optional.<String>empty();
            }
            return Optional.of(client.get().describeAlias(DescribeAliasReq.builder().alias(alias).build())
                    .getCollectionName());
        });
    }

    @Override
    public boolean createAlias(String alias, String collection) {
        return call("create alias " + alias, () -> {
            if (aliasTarget(alias).isPresent()) {
                return false;
            }
            try {
                client.get().createAlias(CreateAliasReq.builder().alias(alias).collectionName(collection).build());
                return true;
            } catch (MilvusClientException e) {
                if (aliasTarget(alias).isPresent()) {
                    return false; // created concurrently by another instance
                }
                throw e;
            }
        });
    }

    @Override
    public void moveAlias(String alias, String collection) {
        call("alter alias " + alias, () -> {
            client.get().alterAlias(AlterAliasReq.builder().alias(alias).collectionName(collection).build());
            return null;
        });
    }

    @Override
    public void drop(String collection) {
        collections.drop(collection);
    }

    @Override
    public void forgetState() {
        collections.forgetState();
    }
}
