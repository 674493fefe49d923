package io.snapfind.indexer.messaging;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;

import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.SourceRecord;
import io.snapfind.indexer.BatchOutcome;
import io.snapfind.indexer.IndexUnavailableException;
import io.snapfind.indexer.Indexer;
import io.snapfind.indexer.IndexerMetrics;
import io.snapfind.support.deadletter.DeadLetterPublisher;

/**
 * Consumes {@code images.vectors} on one thread with a plain {@link Consumer}: poll a batch, index it, publish its
 * dead letters, and only then commit its offsets. When Milvus (or the dead-letter topic) is unavailable the same
 * batch is retried with exponential backoff while every assigned partition is paused, so nothing is skipped and
 * nothing newer overtakes it; the loop keeps polling meanwhile so the broker does not evict it from the group.
 * If the batch's partitions are taken away by a rebalance, the batch is abandoned uncommitted and their new owner
 * reads it again from the last commit; every write being idempotent, re-reading is always safe.
 * <p>
 * Any other exception is blamed on the batch's content: its records are indexed one at a time, and one that fails on
 * its own is dead-lettered ({@code indexer-failed}) so the partition moves on ({@code ./snapfind replay} sends it back
 * once the cause is fixed). An {@link Error} stops the loop without committing, exactly like a crash: the
 * {@link Phase#FAILED} state turns the liveness check down so the process gets restarted, and the batch is read again.
 */
public final class IngestLoop implements Runnable {

    private static final System.Logger LOG = System.getLogger(IngestLoop.class.getName());
    private static final Duration PAUSED_POLL = Duration.ofMillis(100);
    /** How long the broker may take to acknowledge a batch's dead letters before the batch is retried. */
    private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(30);
    /** The stage named in the dead letter of a record that fails the indexer on its own. */
    static final String STAGE_INGEST = "indexer.ingest";

    public enum Phase { STARTING, RUNNING, RETRYING, STOPPED, FAILED }

    /** Where the loop is, for health checks: {@code detail} says why it is not running. */
    public record State(Phase phase, String detail, int consecutiveFailures, Instant since) {
    }

    /** Told about each batch after Milvus acknowledged it and before its offsets are committed. */
    public interface BatchListener {
        void indexed(List<SourceRecord> batch, BatchOutcome outcome);
    }

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final Indexer indexer;
    private final DeadLetterPublisher deadLetters;
    private final IndexerMetrics metrics;
    private final Runnable preparation;
    private final BatchListener listener;
    private final Duration pollTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Set<TopicPartition> revoked = new HashSet<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile State state = new State(Phase.STARTING, "not started", 0, Instant.now());

    /**
     * @param preparation run (and retried while Milvus is unavailable) before consuming starts, e.g. the
     *        collection and alias check
     */
    public IngestLoop(Consumer<String, byte[]> consumer, String topic, Indexer indexer, DeadLetterPublisher deadLetters,
            IndexerMetrics metrics, Runnable preparation, BatchListener listener, Duration pollTimeout,
            Duration initialBackoff, Duration maxBackoff) {
        this.consumer = consumer;
        this.topic = topic;
        this.indexer = indexer;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.preparation = preparation;
        this.listener = listener;
        this.pollTimeout = pollTimeout;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    public State state() {
        return state;
    }

    @Override
    public void run() {
        try {
            prepare();
            consumer.subscribe(List.of(topic), new Rebalance());
            setState(Phase.RUNNING, "consuming " + topic, 0);
            while (!stopping) {
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                if (!records.isEmpty()) {
                    process(records);
                }
            }
            setState(Phase.STOPPED, "stopped", 0);
        } catch (WakeupException | InterruptedException e) {
            setState(stopping ? Phase.STOPPED : Phase.FAILED, "interrupted", 0);
        } catch (RuntimeException | Error e) {
            setState(Phase.FAILED, e.toString(), 0);
            LOG.log(Level.ERROR, "Ingest stopped without committing the current batch; restart the service", e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, () -> "Closing the consumer failed: " + e);
            }
            finished.countDown();
        }
    }

    /** Stops consuming; an unfinished batch stays uncommitted and is read again after a restart. */
    public boolean stop(Duration within) throws InterruptedException {
        stopping = true;
        consumer.wakeup();
        return finished.await(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void prepare() throws InterruptedException {
        for (int attempt = 1; !stopping; attempt++) {
            try {
                preparation.run();
                return;
            } catch (IndexUnavailableException e) {
                setState(Phase.RETRYING, e.getMessage(), attempt);
                logRetry(attempt, e);
                Thread.sleep(backoff(attempt).toMillis());
                // What the failed attempt learnt (a collection loaded) may be gone with a Milvus restart.
                indexer.recover();
            }
        }
    }

    private void process(ConsumerRecords<String, byte[]> records) {
        List<SourceRecord> batch = new ArrayList<>(records.count());
        Map<TopicPartition, Long> firstOffsets = new LinkedHashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> inPartition = records.records(partition);
            firstOffsets.put(partition, inPartition.get(0).offset());
            for (ConsumerRecord<String, byte[]> record : inPartition) {
                batch.add(new SourceRecord(record.topic(), record.partition(), record.offset(), record.key(),
                        record.value()));
            }
        }
        revoked.clear();
        Attempt whole = indexAndCommit(batch, firstOffsets.keySet());
        if (whole == Attempt.ABANDONED) {
            rewind(firstOffsets);
            return;
        }
        if (whole.poison() != null) {
            split(batch, firstOffsets, whole.poison());
        }
    }

    /**
     * A batch failed for a reason other than an outage: one of its records may be poison. Each record is indexed
     * and committed on its own, in order; one that fails on its own is dead-lettered with the failure, and the
     * partition moves on instead of failing the same way after every restart.
     */
    private void split(List<SourceRecord> batch, Map<TopicPartition, Long> firstOffsets, RuntimeException failure) {
        LOG.log(Level.WARNING, () -> "A batch of " + batch.size() + " records failed (" + failure
                + "); indexing its records one at a time to find the poison", failure);
        Map<TopicPartition, Long> next = new LinkedHashMap<>(firstOffsets);
        for (SourceRecord record : batch) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            Attempt single = indexAndCommit(List.of(record), Set.of(partition));
            if (single == Attempt.ABANDONED) {
                rewind(next);
                return;
            }
            if (single.poison() != null && !deadLetterPoison(record, single.poison())) {
                rewind(next);
                return;
            }
            next.put(partition, record.offset() + 1);
        }
    }

    /** Dead-letters a record that failed on its own and commits past it; false when it must be read again. */
    private boolean deadLetterPoison(SourceRecord record, RuntimeException failure) {
        LOG.log(Level.ERROR, () -> "Dead-lettering " + record.topic() + "/" + record.partition() + "@"
                + record.offset() + " (product " + record.key() + "): it fails on its own", failure);
        DeadLetter letter = DeadLetter.of(STAGE_INGEST, "indexer-failed", String.valueOf(failure), record.topic(),
                record.partition(), record.offset(), record.key(), record.value(), record.key(), null, Instant.now());
        try {
            deadLetters.publishAll(List.of(letter), DEAD_LETTER_TIMEOUT);
            metrics.failure(letter.reason());
            consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1)));
            return true;
        } catch (DeadLetterPublisher.DeadLetterUnavailableException | CommitFailedException
                | RebalanceInProgressException e) {
            LOG.log(Level.WARNING, () -> "The poison record stays uncommitted and is read again: " + e.getMessage());
            return false;
        }
    }

    /** How an attempt at a batch ended: committed, given up uncommitted (stop, rebalance), or failed by its content. */
    private record Attempt(boolean committed, RuntimeException poison) {
        static final Attempt COMMITTED = new Attempt(true, null);
        static final Attempt ABANDONED = new Attempt(false, null);
    }

    /**
     * Indexes a batch, publishes its dead letters and commits it, retrying with backoff while Milvus or the
     * dead-letter topic is unavailable. An {@link Error} is not caught: it stops the loop like a crash.
     */
    private Attempt indexAndCommit(List<SourceRecord> batch, Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> commit = new LinkedHashMap<>();
        for (SourceRecord record : batch) {
            commit.merge(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        for (int attempt = 0; ; attempt++) {
            if (stopping) {
                return Attempt.ABANDONED;
            }
            if (!Collections.disjoint(revoked, partitions)) {
                LOG.log(Level.INFO, () -> "Partitions " + revoked + " were reassigned during a retry; their new owner"
                        + " indexes the uncommitted records");
                return Attempt.ABANDONED;
            }
            try {
                BatchOutcome outcome = indexer.index(batch);
                deadLetters.publishAll(outcome.deadLetters(), DEAD_LETTER_TIMEOUT);
                metrics.batchIndexed(outcome);
                outcome.deadLetters().forEach(letter -> metrics.failure(letter.reason()));
                listener.indexed(batch, outcome);
                consumer.commitSync(commit);
                if (attempt > 0) {
                    int failures = attempt;
                    LOG.log(Level.INFO, () -> "Indexing resumed after " + failures + " failed attempts");
                    consumer.resume(consumer.assignment());
                }
                setState(Phase.RUNNING, "consuming " + topic, 0);
                return Attempt.COMMITTED;
            } catch (IndexUnavailableException | DeadLetterPublisher.DeadLetterUnavailableException e) {
                metrics.retry();
                setState(Phase.RETRYING, e.getMessage(), attempt + 1);
                logRetry(attempt + 1, e);
                consumer.pause(consumer.assignment());
                waitPolling(backoff(attempt + 1));
                indexer.recover();
            } catch (CommitFailedException | RebalanceInProgressException e) {
                LOG.log(Level.INFO, () -> "Offsets not committed (" + e.getMessage() + "); the batch will be read again");
                return Attempt.ABANDONED;
            } catch (RuntimeException e) {
                if (attempt > 0) {
                    consumer.resume(consumer.assignment());
                }
                return new Attempt(false, e);
            }
        }
    }

    /** Waits while paused, polling so the group keeps this member; anything fetched meanwhile is read again later. */
    private void waitPolling(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!stopping && System.nanoTime() < deadline) {
            ConsumerRecords<String, byte[]> stray = consumer.poll(PAUSED_POLL);
            for (TopicPartition partition : stray.partitions()) {
                consumer.seek(partition, stray.records(partition).get(0).offset());
            }
            consumer.pause(consumer.assignment());
        }
    }

    private void rewind(Map<TopicPartition, Long> firstOffsets) {
        Set<TopicPartition> assigned = consumer.assignment();
        firstOffsets.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
        consumer.resume(assigned);
    }

    private Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    private void logRetry(int attempt, RuntimeException e) {
        if (attempt == 1 || attempt % 10 == 0) {
            LOG.log(Level.WARNING, () -> "Indexing paused, attempt " + attempt + " failed, retrying with backoff: "
                    + e.getMessage());
        }
    }

    private void setState(Phase phase, String detail, int failures) {
        State current = state;
        Instant since = current.phase() == phase ? current.since() : Instant.now();
        state = new State(phase, detail, failures, since);
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revoked.addAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            revoked.addAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (state.phase() == Phase.RETRYING) {
                consumer.pause(partitions);
            }
        }
    }
}
