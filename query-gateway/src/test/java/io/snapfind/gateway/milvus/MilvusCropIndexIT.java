package io.snapfind.gateway.milvus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.utility.request.AlterAliasReq;
import io.milvus.v2.service.utility.request.CreateAliasReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.snapfind.gateway.Hit;
import io.snapfind.gateway.ModelMismatchException;
import io.snapfind.gateway.config.GatewayConfig;
import io.snapfind.harness.SharedInfrastructure;
import io.snapfind.milvus.IndexSchema;
import io.snapfind.milvus.MilvusConfig;
import io.snapfind.milvus.MilvusConnection;

/** The gateway's Milvus adapter on Milvus Lite: it searches the alias and refuses another model's vectors. */
class MilvusCropIndexIT {

    private final String alias = "it_alias_" + UUID.randomUUID().toString().replace("-", "");
    private final MilvusConnection connection = new MilvusConnection(new MilvusConfig() {
        @Override
        public String uri() {
            return SharedInfrastructure.milvus().uri();
        }

        @Override
        public Optional<String> token() {
            return Optional.empty();
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(10);
        }
    });
    private final MilvusCropIndex index = new MilvusCropIndex(connection, new GatewayConfig() {
        @Override
        public Optional<String> apiKey() {
            return Optional.empty();
        }

        @Override
        public String collectionAlias() {
            return alias;
        }

        @Override
        public long maxImageBytes() {
            return 1 << 20;
        }

        @Override
        public long maxImagePixels() {
            return 1 << 20;
        }

        @Override
        public Fetch fetch() {
            return () -> false;
        }
    });

    @Test
    void searchesTheAliasAndRefusesVectorsOfAnotherModel() {
        assertEquals(List.of(List.of()), index.nearest("model-a", List.of(new float[] { 1, 0, 0, 0 }), 3,
                Optional.empty()).toCompletableFuture().join(), "no alias yet: nothing indexed");

        String first = collection("model-a");
        connection.client().createAlias(CreateAliasReq.builder().alias(alias).collectionName(first).build());
        List<Hit> hits = index.nearest("model-a", List.of(new float[] { 1, 0, 0, 0 }), 3, Optional.empty())
                .toCompletableFuture().join().get(0);
        assertEquals("p-model-a", hits.get(0).productId());

        Throwable mismatch = assertThrows(CompletionException.class, () -> index.nearest("model-b",
                List.of(new float[] { 1, 0, 0, 0 }), 3, Optional.empty()).toCompletableFuture().join()).getCause();
        assertInstanceOf(ModelMismatchException.class, mismatch);
        assertTrue(mismatch.getMessage().contains("'model-a'") && mismatch.getMessage().contains("'model-b'"),
                mismatch.getMessage());

        // The alias moves to model-b's collection: a query of model-b is served at once, despite the cache.
        String second = collection("model-b");
        connection.client().alterAlias(AlterAliasReq.builder().alias(alias).collectionName(second).build());
        assertEquals("p-model-b", index.nearest("model-b", List.of(new float[] { 1, 0, 0, 0 }), 3, Optional.empty())
                .toCompletableFuture().join().get(0).get(0).productId());
    }

    private String collection(String model) {
        String name = "it_" + model.replace('-', '_') + "_" + UUID.randomUUID().toString().replace("-", "");
        var milvus = connection.client();
        CreateCollectionReq.CollectionSchema schema = milvus.createSchema();
        schema.addField(varchar("cropId").isPrimaryKey(true).build());
        for (String field : List.of("productId", "imageId", "category", "title", "label")) {
            schema.addField(varchar(field).build());
        }
        schema.addField(AddFieldReq.builder().fieldName("metadata").dataType(DataType.JSON).build());
        schema.addField(AddFieldReq.builder().fieldName("box").dataType(DataType.Array).elementType(DataType.Int32)
                .maxCapacity(4).build());
        schema.addField(AddFieldReq.builder().fieldName("vector").dataType(DataType.FloatVector).dimension(4).build());
        milvus.createCollection(CreateCollectionReq.builder().collectionName(name).collectionSchema(schema)
                .indexParams(List.of(IndexParam.builder().fieldName("vector").indexType(IndexParam.IndexType.FLAT)
                        .metricType(IndexParam.MetricType.COSINE).build()))
                .consistencyLevel(ConsistencyLevel.STRONG)
                .property(IndexSchema.MODEL_ID_PROPERTY, model)
                .build());
        JsonObject row = new JsonObject();
        row.addProperty("cropId", "c-" + model);
        row.addProperty("productId", "p-" + model);
        row.addProperty("imageId", "main");
        row.addProperty("category", "chair");
        row.addProperty("title", "Chair");
        row.addProperty("label", "image");
        row.add("metadata", new JsonObject());
        com.google.gson.JsonArray box = new com.google.gson.JsonArray();
        List.of(0, 0, 10, 10).forEach(box::add);
        row.add("box", box);
        com.google.gson.JsonArray vector = new com.google.gson.JsonArray();
        List.of(1f, 0f, 0f, 0f).forEach(vector::add);
        row.add("vector", vector);
        milvus.insert(InsertReq.builder().collectionName(name).data(List.of(row)).build());
        return name;
    }

    private static AddFieldReq.AddFieldReqBuilder varchar(String name) {
        return AddFieldReq.builder().fieldName(name).dataType(DataType.VarChar).maxLength(256);
    }
}
