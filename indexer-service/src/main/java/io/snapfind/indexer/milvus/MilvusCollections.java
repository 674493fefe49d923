package io.snapfind.indexer.milvus;

import static io.snapfind.indexer.milvus.MilvusCalls.call;
import static io.snapfind.indexer.milvus.MilvusVectorStore.manifestOf;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
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
import io.snapfind.indexer.CollectionMismatchException;
import io.snapfind.indexer.CollectionSpec;
import io.snapfind.indexer.IndexUnavailableException;
import io.snapfind.milvus.IndexSchema;

/**
 * Creates, validates, describes, loads and drops crop collections and their manifest companions. Collections are
 * created with their HNSW/COSINE index in the same call (Milvus Lite cannot build an index later without
 * {@code sync(false)}) and with Bounded consistency as the readers' default. Which collections are loaded is
 * remembered until {@link #forgetState()}, because after a Milvus restart a collection must be loaded again before
 * filters and queries work.
 */
final class MilvusCollections {

    static final IndexParam.MetricType METRIC = IndexParam.MetricType.COSINE;

    private final Supplier<MilvusClientV2> client;
    private final int hnswM;
    private final int hnswEfConstruction;
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();
    private final Map<String, Optional<CollectionSpec>> described = new ConcurrentHashMap<>();

    MilvusCollections(Supplier<MilvusClientV2> client, int hnswM, int hnswEfConstruction) {
        this.client = client;
        this.hnswM = hnswM;
        this.hnswEfConstruction = hnswEfConstruction;
    }

    void ensure(CollectionSpec spec) {
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

    Optional<CollectionSpec> describe(String collection) {
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

    void drop(String collection) {
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

    void forgetState() {
        loaded.clear();
        described.clear();
    }

    /** Runs a read or delete on a loaded collection, loading it again once if the first attempt fails. */
    <T> T onLoaded(String collection, String what, Supplier<T> action) {
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

    /** Deletes, stale-row lookups and the status API all filter on productId. */
    private static IndexParam scalarIndex(String field) {
        return IndexParam.builder().fieldName(field).indexType(IndexParam.IndexType.INVERTED).build();
    }

    private static AddFieldReq.AddFieldReqBuilder<?> varchar(String name, int maxBytes) {
        return AddFieldReq.builder().fieldName(name).dataType(DataType.VarChar).maxLength(maxBytes);
    }
}
