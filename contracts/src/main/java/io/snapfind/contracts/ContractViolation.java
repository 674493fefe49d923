package io.snapfind.contracts;

/**
 * An event that breaks its contract. {@link #field()} is the JSON path of the offending value
 * ({@code images[0].url}, or {@code $} for the whole document) so a dead letter says exactly what to fix.
 */
public final class ContractViolation extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public static final String ROOT = "$";

    public enum Kind {
        MALFORMED_JSON, MISSING_FIELD, WRONG_TYPE, INVALID_VALUE, UNKNOWN_SCHEMA_VERSION, TOO_LARGE
    }

    private final String field;
    private final Kind kind;
    private final String detail;

    public ContractViolation(String field, Kind kind, String detail) {
        super(field + ": " + detail);
        this.field = field;
        this.kind = kind;
        this.detail = detail;
    }

    public String field() {
        return field;
    }

    public Kind kind() {
        return kind;
    }

    /** The same violation seen from an enclosing document, where this record sits at {@code path}. */
    public ContractViolation under(String path) {
        if (path.isEmpty()) {
            return this;
        }
        return new ContractViolation(path + (field.startsWith("[") ? "" : ".") + field, kind, detail);
    }

    static ContractViolation missing(String field) {
        return new ContractViolation(field, Kind.MISSING_FIELD, "missing required field");
    }

    static ContractViolation invalid(String field, String detail) {
        return new ContractViolation(field, Kind.INVALID_VALUE, detail);
    }
}
