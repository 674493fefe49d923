package io.snapfind.indexer.milvus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import io.milvus.v2.service.utility.request.AlterAliasReq;
import io.milvus.v2.service.utility.request.CreateAliasReq;
import io.milvus.v2.service.utility.request.DescribeAliasReq;
import io.milvus.v2.service.utility.request.ListAliasesReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.response.QueryResp;
import io.snapfind.contracts.Box;
import io.snapfind.indexer.CollectionMismatchException;
import io.snapfind.indexer.CollectionSpec;
import io.snapfind.indexer.IndexRejectedException;
import io.snapfind.indexer.IndexRow;
import io.snapfind.indexer.IndexUnavailableException;
import io.snapfind.indexer.VectorStore;
import io.snapfind.milvus.Filters;
import io.snapfind.milvus.IndexSchema;

/**
 * {@link VectorStore} on Milvus through the Java SDK v2. Collections are created with their HNSW/COSINE index in
 * the same call (Milvus Lite cannot build an index later without {@code sync(false)}) and with Bounded consistency
 * as the readers' default. Which collections are loaded is remembered until {@link #forgetState()}, because after a
 * Milvus restart a collection must be loaded again before filters and queries work.
 * <p>
 * Keys are always sent as escaped {@code pk in [...]} filters, never through the SDK's {@code ids(...)}, which does
 * not escape quotes in string keys. Milvus serves such filters by key lookup.
 */
public final class MilvusVectorStore implements VectorStore {

    static final IndexParam.MetricType METRIC = IndexParam.MetricType.COSINE;

    private static final String COUNT = "count(*)";
    private static final List<String> STATUS_FIELDS = List.of(IndexSchema.CROP_ID, IndexSchema.PRODUCT_ID,
            IndexSchema.IMAGE_ID, IndexSchema.MODEL_ID, IndexSchema.OCCURRED_AT, IndexSchema.INDEXED_AT);

    private final Supplier<MilvusClientV2> client;
    private final int hnswM;
    private final int hnswEfConstruction;
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();
    private final Map<String, Optional<CollectionSpec>> described = new ConcurrentHashMap<>();

    public MilvusVectorStore(Supplier<MilvusClientV2> client, int hnswM, int hnswEfConstruction) {
        this.client = client;
        this.hnswM = hnswM;
        this.hnswEfConstruction = hnswEfConstruction;
    }

    @Override
    public void ensureCollection(CollectionSpec spec) {
        call("prepare collection " + spec.name(), () -> {
            if (!exists(spec.name())) {
                try {
                    create(spec);
                } catch (MilvusClientException e) {
                    if (!exists(spec.name())) {
                        throw e;
                    }
                    // another indexer instance created it at the same moment: validate theirs below
                }
                described.remove(spec.name());
            }
            validate(spec);
            String manifest = manifestOf(spec.name());
            if (!exists(manifest)) {
                try {
                    createManifest(spec, manifest);
                } catch (MilvusClientException e) {
                    if (!exists(manifest)) {
                        throw e;
                    }
                }
            }
            ensureLoaded(spec.name());
            ensureLoaded(manifest);
            return null;
        });
    }

    @Override
    public Optional<CollectionSpec> describe(String collection) {
        Optional<CollectionSpec> known = described.get(collection);
        if (known != null) {
            return known;
        }
        Optional<CollectionSpec> spec = call("describe " + collection, () -> exists(collection)
                ? specOf(client.get().describeCollection(DescribeCollectionReq.builder().collectionName(collection).build()))
                : Optional.<CollectionSpec>empty());
        described.put(collection, spec);
        return spec;
    }

    @Override
    public List<String> collections(String prefix) {
        List<String> names = call("list collections", () -> client.get().listCollections().getCollectionNames());
        return names.stream().filter(name -> name.startsWith(prefix)).filter(name -> describe(name).isPresent()).toList();
    }

    @Override
    public void upsert(String collection, List<IndexRow> rows) {
        List<JsonObject> data = new ArrayList<>(rows.size());
        rows.forEach(row -> data.add(json(row)));
        call("upsert into " + collection,
                () -> client.get().upsert(UpsertReq.builder().collectionName(collection).data(data).build()));
    }

    @Override
    public long delete(String collection, String filter) {
        return onLoaded(collection, "delete from " + collection, () -> client.get()
                .delete(DeleteReq.builder().collectionName(collection).filter(filter).build()).getDeleteCnt());
    }

    @Override
    public List<StoredRow> query(String collection, String filter) {
        QueryResp response = onLoaded(collection, "query " + collection, () -> client.get().query(QueryReq.builder()
                .collectionName(collection).filter(filter).outputFields(STATUS_FIELDS)
                .limit(IndexSchema.MAX_QUERY_ROWS).consistencyLevel(ConsistencyLevel.STRONG).build()));
        return storedRows(response);
    }

    private static List<StoredRow> storedRows(QueryResp response) {
        List<StoredRow> rows = new ArrayList<>();
        for (QueryResp.QueryResult result : response.getQueryResults()) {
            Map<String, Object> entity = result.getEntity();
            rows.add(new StoredRow(String.valueOf(entity.get(IndexSchema.CROP_ID)),
                    String.valueOf(entity.get(IndexSchema.PRODUCT_ID)), String.valueOf(entity.get(IndexSchema.IMAGE_ID)),
                    String.valueOf(entity.get(IndexSchema.MODEL_ID)), number(entity.get(IndexSchema.OCCURRED_AT)),
                    number(entity.get(IndexSchema.INDEXED_AT))));
        }
        return rows;
    }

    /** For a product whose manifest overflowed: its crop ids per image, read from the rows themselves. */
    private Map<String, Set<String>> imagesFromRows(String collection, String productId) {
        Map<String, Set<String>> images = new LinkedHashMap<>();
        query(collection, Filters.eq(IndexSchema.PRODUCT_ID, productId))
                .forEach(row -> images.computeIfAbsent(row.imageId(), i -> new LinkedHashSet<>()).add(row.cropId()));
        return images;
    }

    private static Map<String, Set<String>> imagesFromJson(Object value) {
        JsonElement json = value instanceof JsonElement element ? element : JsonParser.parseString(String.valueOf(value));
        Map<String, Set<String>> images = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> image : json.getAsJsonObject().entrySet()) {
            Set<String> cropIds = new LinkedHashSet<>();
            image.getValue().getAsJsonArray().forEach(cropId -> cropIds.add(cropId.getAsString()));
            images.put(image.getKey(), cropIds);
        }
        return images;
    }

    @Override
    public List<StoredRow> rows(String collection, Collection<String> cropIds) {
        if (cropIds.isEmpty()) {
            return List.of();
        }
        QueryResp response = onLoaded(collection, "read rows of " + collection, () -> client.get().query(QueryReq.builder()
                .collectionName(collection).filter(Filters.in(IndexSchema.CROP_ID, cropIds)).outputFields(STATUS_FIELDS)
                .consistencyLevel(ConsistencyLevel.STRONG).build()));
        return storedRows(response);
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
    public Map<String, Map<String, Set<String>>> manifests(String collection, Collection<String> productIds) {
        Map<String, Map<String, Set<String>>> manifests = new LinkedHashMap<>();
        if (productIds.isEmpty()) {
            return manifests;
        }
        String manifest = manifestOf(collection);
        QueryResp response = onLoaded(manifest, "read manifests of " + collection, () -> client.get().query(QueryReq
                .builder().collectionName(manifest).filter(Filters.in(IndexSchema.PRODUCT_ID, productIds))
                .outputFields(List.of(IndexSchema.PRODUCT_ID, IndexSchema.MANIFEST_IMAGES, IndexSchema.MANIFEST_OVERFLOW))
                .consistencyLevel(ConsistencyLevel.STRONG).build()));
        for (QueryResp.QueryResult result : response.getQueryResults()) {
            Map<String, Object> entity = result.getEntity();
            String productId = String.valueOf(entity.get(IndexSchema.PRODUCT_ID));
            manifests.put(productId, Boolean.TRUE.equals(entity.get(IndexSchema.MANIFEST_OVERFLOW))
                    ? imagesFromRows(collection, productId)
                    : imagesFromJson(entity.get(IndexSchema.MANIFEST_IMAGES)));
        }
        return manifests;
    }

    @Override
    public void writeManifests(String collection, Map<String, Map<String, Set<String>>> manifests) {
        List<JsonObject> data = new ArrayList<>(manifests.size());
        manifests.forEach((productId, images) -> {
            JsonObject json = new JsonObject();
            json.addProperty(IndexSchema.PRODUCT_ID, productId);
            JsonObject imagesJson = new JsonObject();
            images.forEach((imageId, cropIds) -> {
                JsonArray crops = new JsonArray(cropIds.size());
                cropIds.forEach(crops::add);
                imagesJson.add(imageId, crops);
            });
            boolean overflow = imagesJson.toString().getBytes(StandardCharsets.UTF_8).length > IndexSchema.MAX_METADATA_BYTES - 1024;
            json.add(IndexSchema.MANIFEST_IMAGES, overflow ? new JsonObject() : imagesJson);
            json.addProperty(IndexSchema.MANIFEST_OVERFLOW, overflow);
            JsonArray marker = new JsonArray(2);
            marker.add(1f);
            marker.add(0f);
            json.add(IndexSchema.MANIFEST_MARKER, marker);
            data.add(json);
        });
        String manifest = manifestOf(collection);
        call("write manifests of " + collection,
                () -> client.get().upsert(UpsertReq.builder().collectionName(manifest).data(data).build()));
    }

    @Override
    public void deleteManifests(String collection, Collection<String> productIds) {
        if (productIds.isEmpty()) {
            return;
        }
        String manifest = manifestOf(collection);
        call("delete manifests of " + collection, () -> client.get().delete(DeleteReq.builder()
                .collectionName(manifest).filter(Filters.in(IndexSchema.PRODUCT_ID, productIds)).build()));
    }

    @Override
    public long countRows(String collection) {
        QueryResp response = onLoaded(collection, "count " + collection, () -> client.get().query(QueryReq.builder()
                .collectionName(collection).filter("").outputFields(List.of(COUNT))
                .consistencyLevel(ConsistencyLevel.STRONG).build()));
        return number(response.getQueryResults().get(0).getEntity().get(COUNT));
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
        call("drop " + collection, () -> {
            client.get().dropCollection(DropCollectionReq.builder().collectionName(collection).build());
            if (exists(manifestOf(collection))) {
                client.get().dropCollection(DropCollectionReq.builder().collectionName(manifestOf(collection)).build());
            }
            return null;
        });
        loaded.remove(collection);
        loaded.remove(manifestOf(collection));
        described.remove(collection);
    }

    @Override
    public void forgetState() {
        loaded.clear();
        described.clear();
    }

    private boolean exists(String collection) {
        return client.get().hasCollection(HasCollectionReq.builder().collectionName(collection).build());
    }

    private void create(CollectionSpec spec) {
        MilvusClientV2 milvus = client.get();
        CreateCollectionReq.CollectionSchema schema = milvus.createSchema();
        schema.addField(varchar(IndexSchema.CROP_ID, IndexSchema.MAX_CROP_ID_BYTES).isPrimaryKey(true).build());
        schema.addField(varchar(IndexSchema.PRODUCT_ID, IndexSchema.MAX_ID_BYTES).build());
        schema.addField(varchar(IndexSchema.IMAGE_ID, IndexSchema.MAX_ID_BYTES).build());
        schema.addField(varchar(IndexSchema.CATEGORY, IndexSchema.MAX_CATEGORY_BYTES).build());
        schema.addField(varchar(IndexSchema.TITLE, IndexSchema.MAX_TITLE_BYTES).build());
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.METADATA).dataType(DataType.JSON).build());
        schema.addField(varchar(IndexSchema.LABEL, IndexSchema.MAX_LABEL_BYTES).build());
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.BOX).dataType(DataType.Array)
                .elementType(DataType.Int32).maxCapacity(4).build());
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.SCORE).dataType(DataType.Float).build());
        schema.addField(varchar(IndexSchema.MODEL_ID, IndexSchema.MAX_MODEL_ID_BYTES).build());
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.OCCURRED_AT).dataType(DataType.Int64).build());
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.INDEXED_AT).dataType(DataType.Int64).build());
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.VECTOR).dataType(DataType.FloatVector)
                .dimension(spec.dimension()).build());
        IndexParam vectorIndex = IndexParam.builder().fieldName(IndexSchema.VECTOR)
                .indexType(IndexParam.IndexType.HNSW).metricType(METRIC)
                .extraParams(Map.of("M", hnswM, "efConstruction", hnswEfConstruction)).build();
        milvus.createCollection(CreateCollectionReq.builder()
                .collectionName(spec.name())
                .description("Snapfind crop vectors of model " + spec.modelId())
                .collectionSchema(schema)
                .indexParams(List.of(vectorIndex, scalarIndex(IndexSchema.PRODUCT_ID)))
                .consistencyLevel(ConsistencyLevel.BOUNDED)
                .property(IndexSchema.MODEL_ID_PROPERTY, spec.modelId())
                .build());
    }

    private void createManifest(CollectionSpec spec, String manifest) {
        MilvusClientV2 milvus = client.get();
        CreateCollectionReq.CollectionSchema schema = milvus.createSchema();
        schema.addField(varchar(IndexSchema.PRODUCT_ID, IndexSchema.MAX_ID_BYTES).isPrimaryKey(true).build());
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.MANIFEST_IMAGES).dataType(DataType.JSON).build());
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.MANIFEST_OVERFLOW).dataType(DataType.Bool).build());
        schema.addField(AddFieldReq.builder().fieldName(IndexSchema.MANIFEST_MARKER).dataType(DataType.FloatVector)
                .dimension(2).build());
        milvus.createCollection(CreateCollectionReq.builder()
                .collectionName(manifest)
                .description("Snapfind crop ids per image of each product in " + spec.name())
                .collectionSchema(schema)
                .indexParams(List.of(IndexParam.builder().fieldName(IndexSchema.MANIFEST_MARKER)
                        .indexType(IndexParam.IndexType.FLAT).metricType(METRIC).build()))
                .consistencyLevel(ConsistencyLevel.STRONG)
                .build());
    }

    static String manifestOf(String collection) {
        return collection + IndexSchema.MANIFEST_SUFFIX;
    }

    private void validate(CollectionSpec expected) {
        DescribeCollectionResp description = client.get()
                .describeCollection(DescribeCollectionReq.builder().collectionName(expected.name()).build());
        Optional<CollectionSpec> actual = specOf(description);
        String where = "Collection " + expected.name() + " exists but ";
        if (actual.isEmpty()) {
            throw new CollectionMismatchException(where + "is not a Snapfind collection (it lacks the fields "
                    + IndexSchema.CROP_ID + ", " + IndexSchema.PRODUCT_ID + ", " + IndexSchema.IMAGE_ID + " or the float vector "
                    + IndexSchema.VECTOR + "); drop or rename it, or choose another snapfind.indexer.collection-prefix");
        }
        if (actual.get().dimension() != expected.dimension()) {
            throw new CollectionMismatchException(where + "its vectors have dimension " + actual.get().dimension()
                    + " while model '" + expected.modelId() + "' produces " + expected.dimension()
                    + "; check snapfind.indexer.dimension or drop the collection");
        }
        String storedModel = description.getProperties() == null ? null
                : description.getProperties().get(IndexSchema.MODEL_ID_PROPERTY);
        if (storedModel != null && !storedModel.equals(expected.modelId())) {
            throw new CollectionMismatchException(where + "belongs to model '" + storedModel + "', not '"
                    + expected.modelId() + "'");
        }
        DescribeIndexResp.IndexDesc index = client.get().describeIndex(DescribeIndexReq.builder()
                .collectionName(expected.name()).fieldName(IndexSchema.VECTOR).build()).getIndexDescByFieldName(IndexSchema.VECTOR);
        if (index == null || index.getMetricType() != METRIC) {
            throw new CollectionMismatchException(where + "its vector index uses metric "
                    + (index == null ? "none" : index.getMetricType()) + " instead of " + METRIC
                    + "; drop the collection so it is created again with " + METRIC);
        }
        described.put(expected.name(), Optional.of(expected));
    }

    private static Optional<CollectionSpec> specOf(DescribeCollectionResp description) {
        CreateCollectionReq.CollectionSchema schema = description.getCollectionSchema();
        CreateCollectionReq.FieldSchema vector = schema.getField(IndexSchema.VECTOR);
        CreateCollectionReq.FieldSchema cropId = schema.getField(IndexSchema.CROP_ID);
        if (vector == null || vector.getDataType() != DataType.FloatVector || cropId == null
                || !Boolean.TRUE.equals(cropId.getIsPrimaryKey()) || schema.getField(IndexSchema.PRODUCT_ID) == null
                || schema.getField(IndexSchema.IMAGE_ID) == null) {
            return Optional.empty();
        }
        Map<String, String> properties = description.getProperties();
        String modelId = properties == null ? null : properties.get(IndexSchema.MODEL_ID_PROPERTY);
        return Optional.of(new CollectionSpec(description.getCollectionName(), modelId == null ? "?" : modelId,
                vector.getDimension()));
    }

    private void ensureLoaded(String collection) {
        if (loaded.contains(collection)) {
            return;
        }
        MilvusClientV2 milvus = client.get();
        if (!Boolean.TRUE.equals(milvus.getLoadState(GetLoadStateReq.builder().collectionName(collection).build()))) {
            milvus.loadCollection(LoadCollectionReq.builder().collectionName(collection).build());
        }
        loaded.add(collection);
    }

    /** Runs a read or delete on a loaded collection, loading it again once if the first attempt fails. */
    private <T> T onLoaded(String collection, String what, Supplier<T> action) {
        try {
            return call(what, () -> {
                ensureLoaded(collection);
                return action.get();
            });
        } catch (IndexUnavailableException firstFailure) {
            loaded.remove(collection);
            return call(what, () -> {
                ensureLoaded(collection);
                return action.get();
            });
        }
    }

    private static <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (CollectionMismatchException | IndexUnavailableException | IndexRejectedException e) {
            throw e;
        } catch (MilvusClientException e) {
            if (isRejection(e)) {
                throw new IndexRejectedException("Milvus refused to " + what + ": " + e.getMessage(), e);
            }
            throw new IndexUnavailableException("Milvus failed to " + what + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IndexUnavailableException("Milvus failed to " + what + ": " + e, e);
        }
    }

    /** Invalid parameters (the SDK's own checks, or Milvus's 11xx parameter errors) will fail again on retry. */
    static boolean isRejection(MilvusClientException e) {
        if (e.getErrorCode() == ErrorCode.INVALID_PARAMS) {
            return true;
        }
        return e.getErrorCode() == ErrorCode.SERVER_ERROR && e.getServerErrCode() >= 1100 && e.getServerErrCode() < 1200;
    }

    private static JsonObject json(IndexRow row) {
        JsonObject json = new JsonObject();
        json.addProperty(IndexSchema.CROP_ID, row.cropId());
        json.addProperty(IndexSchema.PRODUCT_ID, row.productId());
        json.addProperty(IndexSchema.IMAGE_ID, row.imageId());
        json.addProperty(IndexSchema.CATEGORY, row.category());
        json.addProperty(IndexSchema.TITLE, row.title());
        JsonObject metadata = new JsonObject();
        row.metadata().forEach(metadata::addProperty);
        json.add(IndexSchema.METADATA, metadata);
        json.addProperty(IndexSchema.LABEL, row.label());
        Box box = row.box();
        JsonArray corners = new JsonArray(4);
        corners.add(box.x1());
        corners.add(box.y1());
        corners.add(box.x2());
        corners.add(box.y2());
        json.add(IndexSchema.BOX, corners);
        json.addProperty(IndexSchema.SCORE, row.score());
        json.addProperty(IndexSchema.MODEL_ID, row.modelId());
        json.addProperty(IndexSchema.OCCURRED_AT, row.occurredAtMillis());
        json.addProperty(IndexSchema.INDEXED_AT, row.indexedAtMillis());
        float[] vector = row.vector();
        JsonArray values = new JsonArray(vector.length);
        for (float value : vector) {
            values.add(value);
        }
        json.add(IndexSchema.VECTOR, values);
        return json;
    }

    private static long number(Object value) {
        return value instanceof Number number ? number.longValue() : Long.parseLong(String.valueOf(value));
    }

    /** Deletes, stale-row lookups and the status API all filter on productId. */
    private static IndexParam scalarIndex(String field) {
        return IndexParam.builder().fieldName(field).indexType(IndexParam.IndexType.INVERTED).build();
    }

    private static AddFieldReq.AddFieldReqBuilder<?> varchar(String name, int maxBytes) {
        return AddFieldReq.builder().fieldName(name).dataType(DataType.VarChar).maxLength(maxBytes);
    }
}
