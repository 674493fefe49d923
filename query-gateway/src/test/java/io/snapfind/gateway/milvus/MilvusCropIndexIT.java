package io.snapfind.gateway.milvus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.ReleaseCollectionReq;
import io.milvus.v2.service.utility.request.AlterAliasReq;
import io.milvus.v2.service.utility.request.CreateAliasReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.snapfind.gateway.CropIndex;
import io.snapfind.gateway.Hit;
import io.snapfind.gateway.ProductFilter;
import io.snapfind.gateway.ModelMismatchException;
import io.smallrye.config.SmallRyeConfigBuilder;
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
    private final MilvusCropIndex index = new MilvusCropIndex(connection, new SmallRyeConfigBuilder()
            .withMapping(GatewayConfig.class).withDefaultValues(Map.of("snapfind.gateway.collection-alias", alias,
                    "snapfind.gateway.publish-timeout", "PT5S"))
            .build().getConfigMapping(GatewayConfig.class));

    @Test
    void searchesTheAliasAndRefusesVectorsOfAnotherModel() {
        assertEquals(List.of(List.of()), index.nearest("model-a", List.of(new float[] { 1, 0, 0, 0 }), 3,
                Optional.empty()).toCompletableFuture().join(), "no alias yet: nothing indexed");

        String first = collection("model-a");
        connection.client().createAlias(CreateAliasReq.builder().alias(alias).collectionName(first).build());
        List<Hit> hits = index.nearest("model-a", List.of(new float[] { 1, 0, 0, 0 }), 3, Optional.empty())
                .toCompletableFuture().join().get(0);
        assertEquals("p-model-a", hits.get(0).productId());
        assertEquals("c-model-a", hits.get(0).cropId(), "a hit names its crop, whose picture the gateway serves");

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

    @Test
    void aReleasedCollectionIsLoadedAgainByTheFirstRead() {
        // As after a Milvus restart: the data is kept, the load state is not.
        String name = collection("model-r");
        connection.client().createAlias(CreateAliasReq.builder().alias(alias).collectionName(name).build());
        connection.client().releaseCollection(ReleaseCollectionReq.builder().collectionName(name).build());
        assertEquals(Boolean.FALSE, connection.client().getLoadState(GetLoadStateReq.builder().collectionName(name).build()));

        assertEquals("p-model-r", index.nearest("model-r", List.of(new float[] { 1, 0, 0, 0 }), 3, Optional.empty())
                .toCompletableFuture().join().get(0).get(0).productId());
        connection.client().releaseCollection(ReleaseCollectionReq.builder().collectionName(name).build());
        assertEquals(1, index.vectorsOf("p-model-r").toCompletableFuture().join().vectors().size());
    }

    @Test
    void filtersAreAppliedByMilvusAndAProductsOwnVectorsCanBeRead() {
        String name = collection("model-f");
        insert(name, row("c-oak", "p-oak", "chair", Map.of("brand", "Snap", "color", "oak"), 1, 0.05f, 0, 0));
        insert(name, row("c-white", "p-white", "chair", Map.of("brand", "Snap", "color", "white"), 0.9f, 0.1f, 0, 0));
        insert(name, row("c-acme", "p-acme", "couch", Map.of("brand", "Acme \"Pro\"", "color", "white"), 0.8f, 0.2f, 0, 0));
        insert(name, row("c-bare", "p-bare", "lamp", Map.of(), 0.7f, 0.3f, 0, 0));
        insert(name, row("c-oak-2", "p-oak", "chair", Map.of("brand", "Snap", "color", "oak"), 0, 1, 0, 0));
        connection.client().createAlias(CreateAliasReq.builder().alias(alias).collectionName(name).build());

        assertEquals(List.of("p-oak", "p-white"), products("brand = Snap AND color IN (white, oak)"));
        assertEquals(List.of("p-white", "p-acme"), products("color = white"));
        assertEquals(List.of("p-acme"), products("brand = 'Acme \"Pro\"'"), "quotes inside a value are escaped");
        assertEquals(List.of("p-acme", "p-bare"), products("category IN (couch, lamp)"));
        // A condition on a key the metadata lacks is unknown, as in SQL: it matches neither negated nor not.
        assertEquals(List.of("p-acme"), products("NOT brand = Snap"));
        assertEquals(List.of("p-white", "p-acme"), products("color != oak"));
        assertEquals(List.of("p-white", "p-acme"), products("color NOT IN (oak, black)"));
        assertEquals(List.of("p-model-f", "p-oak", "p-white"), products("category = chair"));
        assertEquals(List.of("p-oak", "p-bare"),
                products("category = lamp OR NOT (brand = Acme OR color = white) AND category = chair"),
                "AND binds tighter than OR; p-model-f has no brand or color, so the NOT is unknown for it");

        CropIndex.ProductVectors oak = index.vectorsOf("p-oak").toCompletableFuture().join();
        assertEquals("model-f", oak.modelId());
        assertEquals(2, oak.vectors().size(), "one vector per crop of the product");
        assertTrue(index.vectorsOf("p-nothing").toCompletableFuture().join().vectors().isEmpty());
    }

    /** Distinct products of the filtered search, best first. */
    private List<String> products(String filter) {
        return index.nearest("model-f", List.of(new float[] { 1, 0, 0, 0 }), 10,
                Optional.of(ProductFilter.parse(filter))).toCompletableFuture().join().get(0).stream()
                .map(Hit::productId).distinct().toList();
    }

    private void insert(String collection, JsonObject row) {
        connection.client().insert(InsertReq.builder().collectionName(collection).data(List.of(row)).build());
    }

    private static JsonObject row(String cropId, String productId, String category, Map<String, String> metadata,
            float... vector) {
        JsonObject row = new JsonObject();
        row.addProperty("cropId", cropId);
        row.addProperty("productId", productId);
        row.addProperty("imageId", "main");
        row.addProperty("category", category);
        row.addProperty("title", productId);
        row.addProperty("label", "image");
        JsonObject json = new JsonObject();
        metadata.forEach(json::addProperty);
        row.add("metadata", json);
        com.google.gson.JsonArray box = new com.google.gson.JsonArray();
        List.of(0, 0, 10, 10).forEach(box::add);
        row.add("box", box);
        com.google.gson.JsonArray values = new com.google.gson.JsonArray();
        for (float v : vector) {
            values.add(v);
        }
        row.add("vector", values);
        return row;
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
        insert(name, row("c-" + model, "p-" + model, "chair", Map.of(), 1, 0, 0, 0));
        return name;
    }

    private static AddFieldReq.AddFieldReqBuilder varchar(String name) {
        return AddFieldReq.builder().fieldName(name).dataType(DataType.VarChar).maxLength(256);
    }
}
