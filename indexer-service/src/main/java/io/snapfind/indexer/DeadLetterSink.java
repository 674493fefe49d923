package io.snapfind.indexer;

import java.util.List;

import io.snapfind.contracts.DeadLetter;

/** Where records that cannot be indexed go; {@link #publish} returns only once the broker has them all. */
public interface DeadLetterSink {

    /** @throws DeadLetterUnavailableException when the dead letters could not be stored; the batch is retried */
    void publish(List<DeadLetter> deadLetters);

    /** Thrown when dead letters could not be stored. */
    class DeadLetterUnavailableException extends RuntimeException {
        public DeadLetterUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
