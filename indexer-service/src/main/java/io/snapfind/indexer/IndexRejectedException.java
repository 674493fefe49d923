package io.snapfind.indexer;

/** The vector store answered and refused the request itself (invalid data or parameters); retrying will not help. */
public class IndexRejectedException extends RuntimeException {

    public IndexRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
