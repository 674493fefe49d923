package io.snapfind.indexer;

/** What the ingest reports; the Micrometer implementation lives in the metrics package. */
public interface IndexerMetrics {

    /** Called once Milvus acknowledged a batch, before its offsets are committed. */
    void batchIndexed(BatchOutcome outcome);

    /** A record was dead-lettered with this reason code. */
    void failure(String reason);

    /** A batch is being retried because Milvus (or the dead-letter topic) was unavailable. */
    void retry();

    IndexerMetrics NONE = new IndexerMetrics() {
        @Override
        public void batchIndexed(BatchOutcome outcome) {
        }

        @Override
        public void failure(String reason) {
        }

        @Override
        public void retry() {
        }
    };
}
