package io.snapfind.embedder;

/** More images are waiting than the embedder accepts at once; the caller should retry later. */
public final class EmbedderOverloaded extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EmbedderOverloaded(String message) {
        super(message);
    }
}
