package io.snapfind.indexer;

import java.time.Instant;
import java.util.List;

import io.snapfind.contracts.DeadLetter;

/**
 * What indexing one batch did. {@code indexedOccurredAt} holds the {@code occurredAt} of every event the index
 * now reflects, for the freshness metric; {@code deadLetters} the records that could not be indexed;
 * {@code skippedStale} the records older than the version the index already held, which are not applied.
 */
public record BatchOutcome(int records, List<Instant> indexedOccurredAt, List<DeadLetter> deadLetters,
        long rowsUpserted, long rowsDeleted, int skippedStale, Instant acknowledgedAt) {
}
