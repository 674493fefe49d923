package io.snapfind.indexer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.snapfind.harness.quarkus.KafkaTestResource;
import io.snapfind.harness.quarkus.MilvusLiteTestResource;

/** The service boots against the real broker and reports its real dependencies. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(MilvusLiteTestResource.class)
class IndexerHealthIT {

    @Test
    void readyWhenItsDependenciesAre() {
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Kafka connection health check", "milvus"));
    }

    @Test
    void liveAndExposesPrometheusMetrics() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }
}
