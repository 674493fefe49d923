package io.snapfind.indexer;

/** An operator request that cannot be carried out as asked; {@link Kind} says why. */
public class AdminException extends RuntimeException {

    public enum Kind { NOT_FOUND, CONFLICT, INVALID }

    private final Kind kind;

    public AdminException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
