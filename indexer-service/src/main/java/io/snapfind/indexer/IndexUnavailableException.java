package io.snapfind.indexer;

/** The vector store did not answer or failed transiently; the same call may succeed later. */
public class IndexUnavailableException extends RuntimeException {

    public IndexUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
