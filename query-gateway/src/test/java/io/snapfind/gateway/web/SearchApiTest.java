package io.snapfind.gateway.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.harness.quarkus.KafkaTestResource;
import io.snapfind.harness.quarkus.MilvusLiteTestResource;
import io.snapfind.imaging.pictures.PictureStore;

/** The search API's request forms and its errors, over HTTP, with stand-in backends (see FakeSearchBackends). */
@QuarkusTest
@TestProfile(FakeSearchBackends.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(MilvusLiteTestResource.class)
class SearchApiTest {

    @Test
    void acceptsMultipartRawBase64AndObjectsMode() throws IOException {
        byte[] dog = Files.readAllBytes(ProjectPaths.asset("photos/dog.jpg"));
        given().multiPart("image", ProjectPaths.asset("photos/dog.jpg").toFile(), "image/jpeg")
                .when().post("/v1/search?k=2").then().statusCode(200)
                .body("mode", equalTo("WHOLE")).body("width", equalTo(768))
                .body("results", hasSize(1)).body("results[0].hits", hasSize(2))
                .body("timings.totalMs", notNullValue());
        given().contentType("application/octet-stream").body(dog)
                .when().post("/v1/search?mode=objects").then().statusCode(200)
                .body("results", hasSize(2)).body("results[0].query.label", equalTo("chair"));
        given().contentType("application/json").body(Map.of("image", Base64.getEncoder().encodeToString(dog)))
                .when().post("/v1/search?minScore=0.99").then().statusCode(200)
                .body("results[0].hits", hasSize(0))
                .body("results[0].message", containsString("minScore"));
    }

    @Test
    void servesTheStoredPicturesOfAHitWithCacheHeadersAndAFixedType() throws IOException {
        byte[] jpeg = Files.readAllBytes(ProjectPaths.asset("photos/dog.jpg"));
        String cropId = "1".repeat(32);
        PictureStore store = new PictureStore(ConfigProvider.getConfig()
                .getValue("snapfind.gateway.pictures-dir", java.nio.file.Path.class));
        store.put("chair-1", List.of("front"), Map.of("front", List.of(new PictureStore.Picture(cropId, jpeg))));

        String etag = given().when().get("/v1/products/chair-1/pictures/" + cropId).then().statusCode(200)
                .contentType("image/jpeg").header("Cache-Control", containsString("max-age"))
                .header("X-Content-Type-Options", "nosniff")
                .extract().header("ETag");
        byte[] served = given().when().get("/v1/products/chair-1/picture").then().statusCode(200)
                .contentType("image/jpeg").extract().asByteArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(jpeg, served, "the main picture is the first crop");
        given().header("If-None-Match", etag).when().get("/v1/products/chair-1/pictures/" + cropId)
                .then().statusCode(304);

        given().when().get("/v1/products/chair-1/pictures/" + "2".repeat(32)).then().statusCode(404)
                .contentType("application/problem+json");
        given().when().get("/v1/products/chair-1/pictures/..%2F..%2Fetc").then().statusCode(404);
        given().when().get("/v1/products/couch-7/picture").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("couch-7"));
        store.delete("chair-1");
        given().when().get("/v1/products/chair-1/picture").then().statusCode(404);
    }

    @Test
    void moreLikeThisAndFilters() throws IOException {
        given().when().get("/v1/products/chair-1/similar?k=5").then().statusCode(200)
                .body("productId", equalTo("chair-1")).body("hits.productId", contains("chair-2", "couch-7"));
        given().when().get("/v1/products/nobody/similar").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("not indexed"));
        given().when().get("/v1/products/chair-1/similar?k=0").then().statusCode(400);
        byte[] dog = Files.readAllBytes(ProjectPaths.asset("photos/dog.jpg"));
        given().contentType("application/octet-stream").body(dog)
                .queryParam("filter", "brand = Snap AND color IN (white, oak)")
                .when().post("/v1/search").then().statusCode(200);
        given().contentType("application/octet-stream").body(dog).queryParam("filter", "brand = Snap color")
                .when().post("/v1/search").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("filter"))
                .body("detail", containsString("filter position 14"));
    }

    @Test
    void refusesWhatIsNotASearchableImage() {
        given().contentType("application/octet-stream").body("plain text".getBytes())
                .when().post("/v1/search").then().statusCode(415).contentType("application/problem+json");
        given().contentType("application/octet-stream").body(new byte[0])
                .when().post("/v1/search").then().statusCode(422).contentType("application/problem+json");
        given().contentType("application/json").body(Map.of("image", "not base64!"))
                .when().post("/v1/search").then().statusCode(400).contentType("application/problem+json");
        given().contentType("application/octet-stream").body(pngHeaderClaiming(30000, 30000))
                .when().post("/v1/search").then().statusCode(413).contentType("application/problem+json");
        given().contentType("application/octet-stream").body(new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF })
                .when().post("/v1/search?mode=sideways").then().statusCode(400).body("detail", containsString("mode"));
        given().contentType("application/json").body(Map.of("imageUrl", "http://169.254.169.254/latest/meta-data"))
                .when().post("/v1/search").then().statusCode(422).body("detail", containsString("address-not-allowed"));
    }

    /** A PNG signature and an IHDR chunk claiming the given size, with no pixel data at all. */
    private static byte[] pngHeaderClaiming(int width, int height) {
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes())
                .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr.array());
        return java.nio.ByteBuffer.allocate(33)
                .put(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' })
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }
}
