package io.snapfind.indexer.metrics;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.snapfind.indexer.BatchOutcome;
import io.snapfind.indexer.IndexerMetrics;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The indexer's meters, exported by Prometheus as {@code snapfind_indexer_*}. Freshness is the time from the catalog
 * change ({@code occurredAt}, stamped when the gateway published it) to Milvus acknowledging the write, which is when
 * a Strong-consistency read sees it.
 */
@ApplicationScoped
public class MicrometerIndexerMetrics implements IndexerMetrics {

    private final MeterRegistry registry;
    private final Timer freshness;
    private final Counter upserted;
    private final Counter deleted;
    private final DistributionSummary batchRecords;
    private final Counter retries;
    private final Counter stale;

    MicrometerIndexerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.freshness = Timer.builder("snapfind.indexer.freshness")
                .description("Time from the catalog change (occurredAt) to Milvus acknowledging the indexed event")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        this.upserted = Counter.builder("snapfind.indexer.rows.upserted").description("Crop rows upserted into Milvus")
                .register(registry);
        this.deleted = Counter.builder("snapfind.indexer.rows.deleted")
                .description("Rows Milvus reported deleted (product deletions and stale crops)").register(registry);
        this.batchRecords = DistributionSummary.builder("snapfind.indexer.batch.records")
                .description("Records per indexed batch").register(registry);
        this.retries = Counter.builder("snapfind.indexer.milvus.retries")
                .description("Batch attempts that failed because Milvus or the dead-letter topic was unavailable")
                .register(registry);
        this.stale = Counter.builder("snapfind.indexer.stale.skipped")
                .description("Events not applied because the index already held a newer version of the product")
                .register(registry);
    }

    @Override
    public void batchIndexed(BatchOutcome outcome) {
        Instant acked = outcome.acknowledgedAt();
        for (Instant occurredAt : outcome.indexedOccurredAt()) {
            freshness.record(Duration.between(occurredAt, acked).isNegative() ? Duration.ZERO
                    : Duration.between(occurredAt, acked));
        }
        upserted.increment(outcome.rowsUpserted());
        deleted.increment(outcome.rowsDeleted());
        batchRecords.record(outcome.records());
        stale.increment(outcome.skippedStale());
    }

    @Override
    public void failure(String reason) {
        Counter.builder("snapfind.indexer.failures").description("Records dead-lettered, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    @Override
    public void retry() {
        retries.increment();
    }
}
