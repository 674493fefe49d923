package io.snapfind.embedder.model;

/** The model cannot be used: a missing or corrupt file, a wrong catalogue entry or a location that is not local. */
public final class ModelLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
