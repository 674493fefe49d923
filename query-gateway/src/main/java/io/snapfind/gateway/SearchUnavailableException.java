package io.snapfind.gateway;

/** The vector index cannot answer right now (unreachable, timed out, or refusing); a search may be retried. */
public class SearchUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SearchUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
