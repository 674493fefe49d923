package io.snapfind.contracts;

import static io.snapfind.contracts.ContractViolation.Kind.MALFORMED_JSON;
import static io.snapfind.contracts.ContractViolation.Kind.MISSING_FIELD;
import static io.snapfind.contracts.ContractViolation.Kind.TOO_LARGE;
import static io.snapfind.contracts.ContractViolation.Kind.WRONG_TYPE;
import static io.snapfind.contracts.ContractViolation.ROOT;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * JSON encoding of the events, and the single gate every consumed record passes: whatever the bytes, decoding
 * returns a valid event or throws a {@link ContractViolation} naming the offending field, never anything else.
 * Unknown properties are ignored so producers may add fields within a schema version. Thread-safe.
 */
public final class EventCodec {

    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

    private final int maxPayloadBytes;
    private final ObjectMapper mapper;

    public EventCodec() {
        this(DEFAULT_MAX_PAYLOAD_BYTES);
    }

    public EventCodec(int maxPayloadBytes) {
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be positive, got " + maxPayloadBytes);
        }
        this.maxPayloadBytes = maxPayloadBytes;
        this.mapper = newMapper(maxPayloadBytes);
    }

    public byte[] encode(Object event) {
        if (event == null) {
            throw new ContractViolation(ROOT, MISSING_FIELD, "no event to encode");
        }
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + event.getClass().getName(), e);
        }
        // Refuse here rather than let every consumer dead-letter it.
        checkSize(json);
        return json;
    }

    public ProductEvent decodeProduct(byte[] payload) {
        return decode(payload, ProductEvent.class);
    }

    public CropsEvent decodeCrops(byte[] payload) {
        return decode(payload, CropsEvent.class);
    }

    public VectorsEvent decodeVectors(byte[] payload) {
        return decode(payload, VectorsEvent.class);
    }

    public DeadLetter decodeDeadLetter(byte[] payload) {
        return decode(payload, DeadLetter.class);
    }

    private <T> T decode(byte[] payload, Class<T> type) {
        if (payload == null || payload.length == 0) {
            throw new ContractViolation(ROOT, MISSING_FIELD, "empty payload");
        }
        checkSize(payload);
        JsonNode tree = parse(payload);
        checkSchemaVersion(tree.get("schemaVersion"));
        try {
            return mapper.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            throw translate(e, tree);
        } catch (JsonProcessingException e) {
            throw new ContractViolation(ROOT, MALFORMED_JSON, e.getOriginalMessage());
        }
    }

    private void checkSize(byte[] json) {
        if (json.length > maxPayloadBytes) {
            throw new ContractViolation(ROOT, TOO_LARGE,
                    json.length + " bytes exceed the limit of " + maxPayloadBytes + " bytes");
        }
    }

    private JsonNode parse(byte[] payload) {
        JsonNode tree;
        try {
            tree = mapper.readTree(payload);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ContractViolation(ROOT, MALFORMED_JSON, e.getOriginalMessage() + where);
        } catch (IOException e) {
            throw new ContractViolation(ROOT, MALFORMED_JSON, String.valueOf(e.getMessage()));
        }
        if (tree == null || tree.isMissingNode()) {
            throw new ContractViolation(ROOT, MISSING_FIELD, "empty payload");
        }
        if (!tree.isObject()) {
            throw new ContractViolation(ROOT, WRONG_TYPE, "expected a JSON object, got " + tree.getNodeType());
        }
        return tree;
    }

    private static void checkSchemaVersion(JsonNode version) {
        if (version == null || version.isNull()) {
            throw ContractViolation.missing("schemaVersion");
        }
        if (!version.isIntegralNumber()) {
            throw new ContractViolation("schemaVersion", WRONG_TYPE, "expected an integer, got " + version);
        }
        if (!version.canConvertToInt() || version.intValue() != Contracts.SCHEMA_VERSION) {
            throw Check.unsupportedVersion(version);
        }
    }

    private static ContractViolation translate(JsonMappingException e, JsonNode tree) {
        String path = pathOf(e.getPath());
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ContractViolation violation) {
                return violation.under(path);
            }
        }
        String field = path.isEmpty() ? ROOT : path;
        if (e instanceof InvalidFormatException format && format.getTargetType() != null
                && format.getTargetType().isEnum() && format.getValue() instanceof String value) {
            return ContractViolation.invalid(field, "unknown value '" + value + "'");
        }
        // Absent primitives surface as "cannot map null"; report them like any other missing field.
        if (isAbsent(tree, e.getPath())) {
            return ContractViolation.missing(field);
        }
        return new ContractViolation(field, WRONG_TYPE, e.getOriginalMessage());
    }

    private static String pathOf(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static boolean isAbsent(JsonNode tree, List<JsonMappingException.Reference> references) {
        if (references.isEmpty()) {
            return false;
        }
        JsonNode node = tree;
        for (JsonMappingException.Reference reference : references) {
            node = reference.getFieldName() != null ? node.path(reference.getFieldName()) : node.path(reference.getIndex());
        }
        return node.isMissingNode() || node.isNull();
    }

    private static ObjectMapper newMapper(int maxPayloadBytes) {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new SimpleModule().addDeserializer(Instant.class, new IsoInstantDeserializer()))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, null))
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .withCoercionConfig(LogicalType.Textual, config -> config
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
        // Jackson's default string limit (20M chars) would otherwise reject inline images under a raised payload limit.
        StreamReadConstraints defaults = StreamReadConstraints.defaults();
        mapper.getFactory().setStreamReadConstraints(defaults.rebuild()
                .maxStringLength(Math.max(defaults.getMaxStringLength(), maxPayloadBytes))
                .build());
        return mapper;
    }

    /**
     * Jackson's own reads numbers, even numeric strings, as epoch seconds: a producer writing epoch millis would
     * silently date its events tens of thousands of years ahead and win every freshness comparison.
     */
    private static final class IsoInstantDeserializer extends StdScalarDeserializer<Instant> {

        IsoInstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return (Instant) context.handleUnexpectedToken(Instant.class, parser);
            }
            try {
                return Instant.parse(parser.getText());
            } catch (DateTimeParseException e) {
                return (Instant) context.handleWeirdStringValue(Instant.class, parser.getText(),
                        "expected an ISO-8601 instant such as 2025-03-01T12:00:00Z");
            }
        }
    }
}
