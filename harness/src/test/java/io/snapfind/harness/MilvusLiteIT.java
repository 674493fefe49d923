package io.snapfind.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;

/** Create, insert, search, upsert and delete through the Milvus Java SDK against a real Milvus Lite server. */
class MilvusLiteIT {

    private static final String COLLECTION = "harness_it";
    private static MilvusClientV2 client;

    @BeforeAll
    static void connect() {
        client = SharedInfrastructure.milvus().client();
        CreateCollectionReq.CollectionSchema schema = client.createSchema();
        schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.VarChar).maxLength(64).isPrimaryKey(true).build());
        schema.addField(AddFieldReq.builder().fieldName("product").dataType(DataType.VarChar).maxLength(64).build());
        schema.addField(AddFieldReq.builder().fieldName("vector").dataType(DataType.FloatVector).dimension(4).build());
        client.createCollection(CreateCollectionReq.builder()
                .collectionName(COLLECTION)
                .collectionSchema(schema)
                .indexParams(List.of(IndexParam.builder().fieldName("vector").indexType(IndexParam.IndexType.HNSW)
                        .metricType(IndexParam.MetricType.COSINE).extraParams(Map.of("M", 16, "efConstruction", 64)).build()))
                .consistencyLevel(ConsistencyLevel.STRONG)
                .build());
    }

    @AfterAll
    static void dropCollection() {
        client.dropCollection(DropCollectionReq.builder().collectionName(COLLECTION).build());
        client.close();
    }

    @Test
    void insertSearchUpsertDelete() {
        client.insert(InsertReq.builder().collectionName(COLLECTION).data(List.of(
                row("a", "p1", 1, 0, 0, 0),
                row("b", "p1", 0, 1, 0, 0),
                row("c", "p2", 0, 0, 1, 0))).build());

        assertEquals("a", nearest(1, 0.1f, 0, 0), "the closest row to (1,0.1,0,0) is a");

        client.upsert(UpsertReq.builder().collectionName(COLLECTION).data(List.of(row("c", "p2", 1, 0.2f, 0, 0))).build());
        assertEquals(3, count("id != ''"), "upserting an existing id keeps one row");
        assertEquals("p2", client.query(QueryReq.builder().collectionName(COLLECTION).ids(List.of("c"))
                .outputFields(List.of("product")).build()).getQueryResults().get(0).getEntity().get("product"));

        client.delete(DeleteReq.builder().collectionName(COLLECTION).filter("product == \"p1\"").build());
        assertEquals(1, count("id != ''"));
        assertEquals("c", nearest(1, 0.1f, 0, 0), "after deleting p1 the upserted c is the nearest");
    }

    private static String nearest(float... query) {
        SearchResp response = client.search(SearchReq.builder().collectionName(COLLECTION)
                .data(List.of(new FloatVec(query))).annsField("vector").topK(1)
                .consistencyLevel(ConsistencyLevel.STRONG).build());
        List<SearchResp.SearchResult> hits = response.getSearchResults().get(0);
        assertTrue(!hits.isEmpty(), "search returned no hit");
        return String.valueOf(hits.get(0).getId());
    }

    private static long count(String filter) {
        return client.query(QueryReq.builder().collectionName(COLLECTION).filter(filter)
                .consistencyLevel(ConsistencyLevel.STRONG).outputFields(List.of("id")).build()).getQueryResults().size();
    }

    private static JsonObject row(String id, String product, float... vector) {
        JsonObject row = JsonParser.parseString("{\"id\":\"" + id + "\",\"product\":\"" + product + "\"}").getAsJsonObject();
        com.google.gson.JsonArray values = new com.google.gson.JsonArray();
        for (float v : vector) {
            values.add(v);
        }
        row.add("vector", values);
        return row;
    }
}
