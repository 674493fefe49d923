package io.snapfind.contracts;

import static io.snapfind.contracts.ContentAssertions.assertSameContent;
import static io.snapfind.contracts.ContractViolation.Kind.INVALID_VALUE;
import static io.snapfind.contracts.ContractViolation.Kind.MALFORMED_JSON;
import static io.snapfind.contracts.ContractViolation.Kind.MISSING_FIELD;
import static io.snapfind.contracts.ContractViolation.Kind.TOO_LARGE;
import static io.snapfind.contracts.ContractViolation.Kind.UNKNOWN_SCHEMA_VERSION;
import static io.snapfind.contracts.ContractViolation.Kind.WRONG_TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec CODEC = new EventCodec();

    static Stream<Arguments> events() {
        return Stream.of(
                roundTrip("product upsert", Samples.product(), CODEC::decodeProduct),
                roundTrip("product delete", ProductEvent.delete("p-1", Samples.OCCURRED_AT), CODEC::decodeProduct),
                roundTrip("product upsert with a version", Samples.product().withVersion(42L), CODEC::decodeProduct),
                roundTrip("vectors delete with a version", VectorsEvent.delete("p-1", Samples.OCCURRED_AT).withVersion(7L),
                        CODEC::decodeVectors),
                roundTrip("crops", Samples.crops(), CODEC::decodeCrops),
                roundTrip("crops delete", CropsEvent.delete("p-1", Samples.OCCURRED_AT), CODEC::decodeCrops),
                roundTrip("vectors", Samples.vectors(), CODEC::decodeVectors),
                roundTrip("vectors delete", VectorsEvent.delete("p-1", Samples.OCCURRED_AT), CODEC::decodeVectors),
                roundTrip("dead letter", Samples.deadLetter(), CODEC::decodeDeadLetter));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void roundTrips(String name, Object event, Function<byte[], ?> decoder) {
        assertSameContent(event, decoder.apply(CODEC.encode(event)));
    }

    @Test
    void writesInstantsAsIsoStringsAndImageBytesAsBase64() throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(CODEC.encode(Samples.product()));
        assertEquals("2025-03-01T12:00:00.123456789Z", json.get("occurredAt").asText());
        assertEquals("/9j/4AAQSkZJRg==", json.at("/images/1/bytes").asText());
        assertTrue(json.at("/images/0/bytes").isMissingNode(), "absent fields are left out");
    }

    @ParameterizedTest
    @ValueSource(strings = {"catalog.products", "images.crops", "images.vectors"})
    void decodesMinimalDeleteMarkers(String topic) {
        byte[] marker = """
                {"schemaVersion": 1, "type": "DELETE", "productId": "p-9", "occurredAt": "2025-03-01T12:00:00Z"}
                """.getBytes(StandardCharsets.UTF_8);
        switch (topic) {
            case Topics.CATALOG_PRODUCTS -> {
                ProductEvent event = CODEC.decodeProduct(marker);
                assertEquals(ProductEvent.Type.DELETE, event.type());
                assertNull(event.category());
                assertTrue(event.images().isEmpty());
                assertTrue(event.metadata().isEmpty());
            }
            case Topics.IMAGES_CROPS -> {
                CropsEvent event = CODEC.decodeCrops(marker);
                assertEquals(CropsEvent.Type.DELETE, event.type());
                assertNull(event.imageId());
                assertTrue(event.crops().isEmpty());
            }
            default -> {
                VectorsEvent event = CODEC.decodeVectors(marker);
                assertEquals(VectorsEvent.Type.DELETE, event.type());
                assertEquals("p-9", event.productId());
                assertTrue(event.vectors().isEmpty());
            }
        }
    }

    @Test
    void ignoresUnknownFieldsForForwardCompatibility() {
        byte[] payload = mutate(Samples::product, doc -> doc.put("addedLater", true));
        assertEquals("p-1", CODEC.decodeProduct(payload).productId());
    }

    static Stream<Arguments> brokenDocuments() {
        return Stream.of(
                product("productId removed", doc -> doc.remove("productId"), MISSING_FIELD, "productId"),
                product("productId null", doc -> doc.putNull("productId"), MISSING_FIELD, "productId"),
                product("productId blank", doc -> doc.put("productId", " "), INVALID_VALUE, "productId"),
                product("imageId removed", doc -> image(doc, 0).remove("imageId"), MISSING_FIELD, "images[0].imageId"),
                product("occurredAt removed", doc -> doc.remove("occurredAt"), MISSING_FIELD, "occurredAt"),
                product("type removed", doc -> doc.remove("type"), MISSING_FIELD, "type"),
                product("schemaVersion removed", doc -> doc.remove("schemaVersion"), MISSING_FIELD, "schemaVersion"),
                product("productId a number", doc -> doc.put("productId", 17), WRONG_TYPE, "productId"),
                product("productId a boolean", doc -> doc.put("productId", true), WRONG_TYPE, "productId"),
                product("images an object", doc -> doc.putObject("images"), WRONG_TYPE, "images"),
                product("schemaVersion a string", doc -> doc.put("schemaVersion", "1"), WRONG_TYPE, "schemaVersion"),
                product("schemaVersion 2", doc -> doc.put("schemaVersion", 2), UNKNOWN_SCHEMA_VERSION, "schemaVersion"),
                product("metadata value a number", doc -> ((ObjectNode) doc.get("metadata")).put("color", 3), WRONG_TYPE,
                        "metadata.color"),
                product("occurredAt not ISO-8601", doc -> doc.put("occurredAt", "yesterday"), WRONG_TYPE, "occurredAt"),
                product("occurredAt epoch millis", doc -> doc.put("occurredAt", 1740830400000L), WRONG_TYPE,
                        "occurredAt"),
                product("unknown type", doc -> doc.put("type", "RENAME"), INVALID_VALUE, "type"),
                product("type a number", doc -> doc.put("type", 0), WRONG_TYPE, "type"),
                product("version a string", doc -> doc.put("version", "7"), WRONG_TYPE, "version"),
                product("version a float", doc -> doc.put("version", 7.5), WRONG_TYPE, "version"),
                product("version negative", doc -> doc.put("version", -1), INVALID_VALUE, "version"),
                product("upsert without images", doc -> doc.remove("images"), MISSING_FIELD, "images"),
                product("upsert with no images", doc -> doc.putArray("images"), INVALID_VALUE, "images"),
                product("upsert without category", doc -> doc.remove("category"), MISSING_FIELD, "category"),
                product("null image", doc -> ((ArrayNode) doc.get("images")).set(1, JSON.nullNode()), MISSING_FIELD, "images[1]"),
                product("duplicate imageId", doc -> image(doc, 1).put("imageId", "img-1"), INVALID_VALUE,
                        "images[1].imageId"),
                product("ftp url", doc -> image(doc, 0).put("url", "ftp://cdn.example.com/a.jpg"), INVALID_VALUE,
                        "images[0].url"),
                product("file url", doc -> image(doc, 0).put("url", "file:///etc/passwd"), INVALID_VALUE,
                        "images[0].url"),
                product("relative url", doc -> image(doc, 0).put("url", "/p-1/front.jpg"), INVALID_VALUE,
                        "images[0].url"),
                product("url and bytes", doc -> image(doc, 1).put("url", "https://cdn.example.com/b.jpg"),
                        INVALID_VALUE, "images[1].url"),
                product("neither url nor bytes", doc -> image(doc, 0).remove("url"), MISSING_FIELD, "images[0].url"),
                product("empty bytes", doc -> image(doc, 1).put("bytes", ""), INVALID_VALUE, "images[1].bytes"),
                product("bytes not base64", doc -> image(doc, 1).put("bytes", "%%%"), WRONG_TYPE, "images[1].bytes"),

                crops("inverted box", doc -> box(doc, 1).put("x2", 10), INVALID_VALUE, "crops[1].box.x2"),
                crops("box corner removed", doc -> box(doc, 1).remove("y2"), MISSING_FIELD,
                        "crops[1].box.y2"),
                crops("box corner a float", doc -> box(doc, 0).put("x1", 1.5), WRONG_TYPE,
                        "crops[0].box.x1"),
                crops("score above 1", doc -> crop(doc, 1).put("score", 1.5), INVALID_VALUE, "crops[1].score"),
                crops("jpeg removed", doc -> crop(doc, 0).remove("jpeg"), MISSING_FIELD, "crops[0].jpeg"),
                crops("duplicate cropId", doc -> crop(doc, 1).put("cropId", crop(doc, 0).get("cropId").asText()),
                        INVALID_VALUE, "crops[1].cropId"),
                crops("imageId not among productImageIds", doc -> doc.put("imageId", "img-3"), INVALID_VALUE,
                        "productImageIds"),
                crops("unknown type", doc -> doc.put("type", "UPSERT"), INVALID_VALUE, "type"),

                vectors("vector element a string", doc -> vector(doc, 0).set(1, JSON.valueToTree("0.5")), WRONG_TYPE,
                        "vectors[0].vector[1]"),
                vectors("vector shorter than dimension", doc -> cropVector(doc, 1)
                        .set("vector", JSON.valueToTree(new float[] {0.6f, 0.8f})), INVALID_VALUE, "vectors[1].vector"),
                vectors("vector not normalised", doc -> vector(doc, 0).set(0, JSON.valueToTree(2f)), INVALID_VALUE,
                        "vectors[0].vector"),
                vectors("dimension removed", doc -> doc.remove("dimension"), INVALID_VALUE, "dimension"),
                vectors("dimension zero", doc -> doc.put("dimension", 0), INVALID_VALUE, "dimension"),
                vectors("modelId removed", doc -> doc.remove("modelId"), MISSING_FIELD, "modelId"),

                deadLetter("failedAt removed", doc -> doc.remove("failedAt"), MISSING_FIELD, "failedAt"),
                deadLetter("offset a string", doc -> doc.put("offset", "42"), WRONG_TYPE, "offset"),
                deadLetter("negative partition", doc -> doc.put("partition", -1), INVALID_VALUE, "partition"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenDocuments")
    void reportsTheOffendingField(String name, Executable decode, ContractViolation.Kind kind, String field) {
        ContractViolation violation = assertThrows(ContractViolation.class, decode);
        assertEquals(kind, violation.kind(), violation.getMessage());
        assertEquals(field, violation.field(), violation.getMessage());
        assertTrue(violation.getMessage().startsWith(field + ": "), violation.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedPayloads")
    void rejectsPayloadsThatAreNotAnEventObject(String payload, ContractViolation.Kind kind) {
        byte[] bytes = payload == null ? null : payload.getBytes(StandardCharsets.UTF_8);
        ContractViolation violation = assertThrows(ContractViolation.class, () -> CODEC.decodeProduct(bytes));
        assertEquals(kind, violation.kind(), violation.getMessage());
        assertEquals("$", violation.field());
    }

    static Stream<Arguments> rejectedPayloads() {
        return Stream.of(
                Arguments.of(null, MISSING_FIELD),
                Arguments.of("", MISSING_FIELD),
                Arguments.of("  \n", MISSING_FIELD),
                Arguments.of("{\"schemaVersion\": 1, \"productId\": ", MALFORMED_JSON),
                Arguments.of("{\"schemaVersion\": 1} {}", MALFORMED_JSON),
                Arguments.of("{\"schemaVersion\": 1, \"schemaVersion\": 1}", MALFORMED_JSON),
                Arguments.of("[1, 2]", WRONG_TYPE),
                Arguments.of("null", WRONG_TYPE));
    }

    @Test
    void malformedJsonNamesTheLocation() {
        byte[] payload = "{\n  \"schemaVersion\": 1,\n  \"productId\" \"p-1\"\n}".getBytes(StandardCharsets.UTF_8);
        ContractViolation violation = assertThrows(ContractViolation.class, () -> CODEC.decodeProduct(payload));
        assertEquals(MALFORMED_JSON, violation.kind());
        assertTrue(violation.getMessage().contains("line 3"), violation.getMessage());
    }

    @Test
    void rejectsOversizedPayloadsBeforeParsing() {
        EventCodec small = new EventCodec(64);
        byte[] oversized = ("{" + " ".repeat(100)).getBytes(StandardCharsets.UTF_8);
        ContractViolation violation = assertThrows(ContractViolation.class, () -> small.decodeProduct(oversized));
        assertEquals(TOO_LARGE, violation.kind());
        assertEquals("$", violation.field());
    }

    @Test
    void refusesToEncodeWhatConsumersWouldReject() {
        ContractViolation violation = assertThrows(ContractViolation.class,
                () -> new EventCodec(64).encode(Samples.product()));
        assertEquals(TOO_LARGE, violation.kind());
    }

    @Test
    void decodesTheOtherTopicsWithTheSameEnvelopeChecks() {
        byte[] version2 = mutate(Samples::deadLetter, doc -> doc.put("schemaVersion", 2));
        ContractViolation violation = assertThrows(ContractViolation.class, () -> CODEC.decodeDeadLetter(version2));
        assertEquals(UNKNOWN_SCHEMA_VERSION, violation.kind());
        assertTrue(violation.getMessage().contains("only 1"), violation.getMessage());
    }

    private static Arguments roundTrip(String name, Object event, Function<byte[], ?> decoder) {
        return Arguments.of(name, event, decoder);
    }

    private static Arguments product(String name, Consumer<ObjectNode> breakIt, ContractViolation.Kind kind,
            String field) {
        return broken(name, Samples::product, breakIt, CODEC::decodeProduct, kind, field);
    }

    private static Arguments crops(String name, Consumer<ObjectNode> breakIt, ContractViolation.Kind kind,
            String field) {
        return broken(name, Samples::crops, breakIt, CODEC::decodeCrops, kind, field);
    }

    private static Arguments vectors(String name, Consumer<ObjectNode> breakIt, ContractViolation.Kind kind,
            String field) {
        return broken(name, Samples::vectors, breakIt, CODEC::decodeVectors, kind, field);
    }

    private static Arguments deadLetter(String name, Consumer<ObjectNode> breakIt, ContractViolation.Kind kind,
            String field) {
        return broken(name, Samples::deadLetter, breakIt, CODEC::decodeDeadLetter, kind, field);
    }

    private static Arguments broken(String name, Supplier<Object> sample, Consumer<ObjectNode> breakIt,
            Function<byte[], ?> decoder, ContractViolation.Kind kind, String field) {
        byte[] payload = mutate(sample, breakIt);
        return Arguments.of(name, (Executable) () -> decoder.apply(payload), kind, field);
    }

    private static byte[] mutate(Supplier<Object> sample, Consumer<ObjectNode> breakIt) {
        try {
            ObjectNode doc = (ObjectNode) JSON.readTree(CODEC.encode(sample.get()));
            breakIt.accept(doc);
            return JSON.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode image(ObjectNode doc, int index) {
        return (ObjectNode) doc.get("images").get(index);
    }

    private static ObjectNode crop(ObjectNode doc, int index) {
        return (ObjectNode) doc.get("crops").get(index);
    }

    private static ObjectNode box(ObjectNode doc, int crop) {
        return (ObjectNode) crop(doc, crop).get("box");
    }

    private static ObjectNode cropVector(ObjectNode doc, int index) {
        return (ObjectNode) doc.get("vectors").get(index);
    }

    private static ArrayNode vector(ObjectNode doc, int index) {
        return (ArrayNode) cropVector(doc, index).get("vector");
    }
}
