package io.snapfind.indexer;

/** An existing collection does not fit the model it is meant for (dimension, metric or fields differ). */
public class CollectionMismatchException extends RuntimeException {

    public CollectionMismatchException(String message) {
        super(message);
    }
}
