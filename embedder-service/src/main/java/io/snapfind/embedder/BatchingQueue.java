package io.snapfind.embedder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dynamic micro-batching: items submitted from any thread are gathered into batches of at most {@code maxBatch}
 * and each batch is handed to one of a fixed pool of workers (one inference per batch).
 *
 * <p>A dispatcher thread first waits for an idle worker and only then for items, so while every worker is busy
 * the queue fills up and the next batch forms by itself; {@code maxWait} additionally holds a batch open for
 * stragglers after its first item arrived (0 never waits: under load batches still grow, at low load the single
 * item goes out at once). Items are taken by {@link Priority}, then in arrival order, so a search's crops go ahead of
 * whatever the stream queued before them; batches on different workers may finish in any order.
 */
public final class BatchingQueue<I, O> implements AutoCloseable {

    /** Runs one batch; used by one thread at a time, so it may hold non-thread-safe state such as a predictor. */
    public interface Worker<I, O> extends AutoCloseable {
        /** Returns exactly one result per item, in the order of {@code batch}. */
        List<O> process(List<I> batch) throws Exception;

        @Override
        default void close() {
        }
    }

    /** Observes every processed batch, for metrics. Called on the worker thread; must be quick. */
    public interface Listener {
        Listener NONE = (size, nanos, failed) -> {
        };

        void batchProcessed(int size, long processingNanos, boolean failed);
    }

    /** INTERACTIVE (a caller waits: search, explain) before STREAM (the Kafka ingest, which only loses time). */
    public enum Priority {
        INTERACTIVE, STREAM
    }

    /** A place in line: by {@link Priority}, then by arrival ({@code sequence}, increasing). */
    record Ticket(Priority priority, long sequence) implements Comparable<Ticket> {
        @Override
        public int compareTo(Ticket other) {
            int byPriority = priority.compareTo(other.priority);
            return byPriority != 0 ? byPriority : Long.compare(sequence, other.sequence);
        }
    }

    private record Pending<I, O>(I item, CompletableFuture<O> result, Ticket ticket)
            implements Comparable<Pending<I, O>> {
        @Override
        public int compareTo(Pending<I, O> other) {
            return ticket.compareTo(other.ticket);
        }
    }

    private final String name;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final Listener listener;
    private final BlockingQueue<Pending<I, O>> queue = new PriorityBlockingQueue<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final BlockingQueue<Worker<I, O>> idleWorkers;
    private final List<Worker<I, O>> allWorkers;
    private final ExecutorService workerThreads;
    private final Thread dispatcher;
    private volatile boolean closed;

    /**
     * @param workers one per concurrent inference; each is used by one thread at a time
     */
    public BatchingQueue(String name, int maxBatch, Duration maxWait, List<? extends Worker<I, O>> workers,
            Listener listener) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
        }
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("at least one worker is required");
        }
        this.name = name;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.listener = listener;
        this.allWorkers = List.copyOf(workers);
        this.idleWorkers = new ArrayBlockingQueue<>(workers.size(), false, workers);
        AtomicInteger count = new AtomicInteger();
        this.workerThreads = Executors.newFixedThreadPool(workers.size(), task -> daemon(task,
                name + "-worker-" + count.incrementAndGet()));
        this.dispatcher = daemon(this::dispatch, name + "-dispatcher");
        dispatcher.start();
    }

    /** {@link #submit(Object, Priority)} as {@link Priority#INTERACTIVE}. */
    public CompletableFuture<O> submit(I item) {
        return submit(item, Priority.INTERACTIVE);
    }

    /** Queues one item; the future completes with its result, or exceptionally with the batch's failure. */
    public CompletableFuture<O> submit(I item, Priority priority) {
        CompletableFuture<O> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IllegalStateException(name + " is closed"));
            return result;
        }
        queue.add(new Pending<>(item, result, new Ticket(priority, arrivals.incrementAndGet())));
        if (closed) {
            // close() may have drained the queue just before the add; do not leave the caller waiting forever.
            failQueued();
        }
        return result;
    }

    /** Items waiting for a worker. */
    public int queued() {
        return queue.size();
    }

    public boolean isClosed() {
        return closed;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public int workers() {
        return allWorkers.size();
    }

    private void dispatch() {
        try {
            while (!closed) {
                Worker<I, O> worker = idleWorkers.take();
                List<Pending<I, O>> batch;
                try {
                    batch = gather(queue.take());
                } catch (InterruptedException e) {
                    idleWorkers.add(worker);
                    throw e;
                }
                workerThreads.execute(() -> {
                    try {
                        run(worker, batch);
                    } finally {
                        idleWorkers.add(worker);
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<Pending<I, O>> gather(Pending<I, O> first) throws InterruptedException {
        List<Pending<I, O>> batch = new ArrayList<>(maxBatch);
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        if (maxWaitNanos > 0) {
            long deadline = System.nanoTime() + maxWaitNanos;
            while (batch.size() < maxBatch) {
                long left = deadline - System.nanoTime();
                Pending<I, O> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                if (next == null) {
                    break;
                }
                batch.add(next);
                queue.drainTo(batch, maxBatch - batch.size());
            }
        }
        return batch;
    }

    private void run(Worker<I, O> worker, List<Pending<I, O>> batch) {
        List<Pending<I, O>> live = batch.stream().filter(p -> !p.result().isDone()).toList();
        if (live.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try {
            List<O> results = worker.process(live.stream().map(Pending::item).toList());
            if (results.size() != live.size()) {
                throw new IllegalStateException(name + " worker returned " + results.size() + " results for "
                        + live.size() + " items");
            }
            listener.batchProcessed(live.size(), System.nanoTime() - start, false);
            for (int i = 0; i < live.size(); i++) {
                live.get(i).result().complete(results.get(i));
            }
        } catch (Exception | Error e) {
            listener.batchProcessed(live.size(), System.nanoTime() - start, true);
            live.forEach(p -> p.result().completeExceptionally(e));
            if (e instanceof Error error && !(e instanceof OutOfMemoryError)) {
                throw error;
            }
        }
    }

    private void failQueued() {
        List<Pending<I, O>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.result().completeExceptionally(new IllegalStateException(name + " is closed")));
    }

    /** Stops taking items, fails those still queued, lets running batches finish and closes the workers. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        dispatcher.interrupt();
        failQueued();
        workerThreads.shutdown();
        try {
            dispatcher.join(10_000);
            workerThreads.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        allWorkers.forEach(Worker::close);
    }

    private static Thread daemon(Runnable task, String threadName) {
        Thread thread = new Thread(task, threadName);
        thread.setDaemon(true);
        return thread;
    }
}
