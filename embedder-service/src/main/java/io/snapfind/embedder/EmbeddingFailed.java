package io.snapfind.embedder;

/** An image that decoded fine but could not be embedded; {@link #reason()} is a kebab-case code for metrics. */
public final class EmbeddingFailed extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public EmbeddingFailed(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
