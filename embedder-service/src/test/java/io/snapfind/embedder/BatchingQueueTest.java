package io.snapfind.embedder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class BatchingQueueTest {

    /** Multiplies by ten; records every batch; the first batch can be held until released. */
    private static final class RecordingWorker implements BatchingQueue.Worker<Integer, Integer> {
        final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch release;
        final CountDownLatch firstBatchStarted = new CountDownLatch(1);

        RecordingWorker(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public List<Integer> process(List<Integer> batch) throws Exception {
            batches.add(List.copyOf(batch));
            firstBatchStarted.countDown();
            release.await(10, TimeUnit.SECONDS);
            if (batch.contains(-1)) {
                throw new IllegalArgumentException("poison in batch");
            }
            return batch.stream().map(i -> i * 10).toList();
        }
    }

    @Test
    void itemsQueuedWhileTheWorkerIsBusyFormBatchesOfAtMostMaxBatch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingWorker worker = new RecordingWorker(release);
        try (BatchingQueue<Integer, Integer> queue = new BatchingQueue<>("test", 4, Duration.ZERO, List.of(worker),
                BatchingQueue.Listener.NONE)) {
            List<CompletableFuture<Integer>> results = new ArrayList<>();
            results.add(queue.submit(0));
            assertTrue(worker.firstBatchStarted.await(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 9; i++) {
                results.add(queue.submit(i));
            }
            release.countDown();
            for (int i = 0; i < results.size(); i++) {
                assertEquals(i * 10, results.get(i).get(10, TimeUnit.SECONDS), "result of item " + i);
            }
            assertEquals(List.of(List.of(0), List.of(1, 2, 3, 4), List.of(5, 6, 7, 8), List.of(9)), worker.batches,
                    "one inference per batch, in arrival order");
        }
    }

    @Test
    void interactiveItemsGoAheadOfTheStreamsQueuedBeforeThem() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingWorker worker = new RecordingWorker(release);
        try (BatchingQueue<Integer, Integer> queue = new BatchingQueue<>("test", 2, Duration.ZERO, List.of(worker),
                BatchingQueue.Listener.NONE)) {
            List<CompletableFuture<Integer>> results = new ArrayList<>();
            results.add(queue.submit(0, BatchingQueue.Priority.STREAM));
            assertTrue(worker.firstBatchStarted.await(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 4; i++) {
                results.add(queue.submit(i, BatchingQueue.Priority.STREAM));
            }
            results.add(queue.submit(5, BatchingQueue.Priority.INTERACTIVE));
            results.add(queue.submit(6, BatchingQueue.Priority.INTERACTIVE));
            release.countDown();
            for (int i = 0; i < results.size(); i++) {
                assertEquals(i * 10, results.get(i).get(10, TimeUnit.SECONDS), "result of item " + i);
            }
            assertEquals(List.of(List.of(0), List.of(5, 6), List.of(1, 2), List.of(3, 4)), worker.batches,
                    "the search's items first, then the stream's in arrival order");
        }
    }

    @Test
    void maxWaitHoldsABatchOpenForLaterItems() throws Exception {
        RecordingWorker worker = new RecordingWorker(new CountDownLatch(0));
        try (BatchingQueue<Integer, Integer> queue = new BatchingQueue<>("test", 3, Duration.ofSeconds(5),
                List.of(worker), BatchingQueue.Listener.NONE)) {
            CompletableFuture<Integer> first = queue.submit(1);
            Thread.sleep(50);
            CompletableFuture<Integer> second = queue.submit(2);
            CompletableFuture<Integer> third = queue.submit(3);
            // A full batch goes out at once, without waiting for maxWait to pass.
            assertEquals(30, third.get(4, TimeUnit.SECONDS));
            assertEquals(10, first.get());
            assertEquals(20, second.get());
            assertEquals(List.of(List.of(1, 2, 3)), worker.batches);
        }
    }

    @Test
    void aFailedBatchFailsItsItemsAndTheQueueGoesOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingWorker worker = new RecordingWorker(release);
        List<Boolean> failures = Collections.synchronizedList(new ArrayList<>());
        try (BatchingQueue<Integer, Integer> queue = new BatchingQueue<>("test", 8, Duration.ZERO, List.of(worker),
                (size, nanos, failed) -> failures.add(failed))) {
            CompletableFuture<Integer> holder = queue.submit(0);
            assertTrue(worker.firstBatchStarted.await(10, TimeUnit.SECONDS));
            CompletableFuture<Integer> good = queue.submit(1);
            CompletableFuture<Integer> poison = queue.submit(-1);
            release.countDown();
            assertEquals(0, holder.get(10, TimeUnit.SECONDS));
            ExecutionException error = assertThrows(ExecutionException.class, () -> poison.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalArgumentException.class, error.getCause());
            assertThrows(ExecutionException.class, good::get, "the whole batch shares the failure");
            assertEquals(70, queue.submit(7).get(10, TimeUnit.SECONDS));
            assertEquals(List.of(false, true, false), failures);
        }
    }

    @Test
    void workersRunBatchesConcurrently() throws Exception {
        CyclicBarrier bothRunning = new CyclicBarrier(2);
        BatchingQueue.Worker<Integer, Integer> meetsTheOther = batch -> {
            bothRunning.await(10, TimeUnit.SECONDS);
            return batch;
        };
        try (BatchingQueue<Integer, Integer> queue = new BatchingQueue<>("test", 1, Duration.ZERO,
                List.of(meetsTheOther, meetsTheOther), BatchingQueue.Listener.NONE)) {
            CompletableFuture<Integer> a = queue.submit(1);
            CompletableFuture<Integer> b = queue.submit(2);
            assertEquals(1, a.get(15, TimeUnit.SECONDS));
            assertEquals(2, b.get(15, TimeUnit.SECONDS));
        }
    }

    @Test
    void closingFailsQueuedItemsAndRefusesNewOnes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingWorker worker = new RecordingWorker(release);
        BatchingQueue<Integer, Integer> queue = new BatchingQueue<>("test", 1, Duration.ZERO, List.of(worker),
                BatchingQueue.Listener.NONE);
        CompletableFuture<Integer> running = queue.submit(1);
        assertTrue(worker.firstBatchStarted.await(10, TimeUnit.SECONDS));
        CompletableFuture<Integer> waiting = queue.submit(2);
        Thread closer = new Thread(queue::close);
        closer.start();
        ExecutionException error = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, error.getCause());
        release.countDown();
        closer.join(10_000);
        assertEquals(10, running.get(10, TimeUnit.SECONDS), "a running batch finishes");
        assertThrows(ExecutionException.class, () -> queue.submit(3).get(1, TimeUnit.SECONDS));
        assertTrue(queue.isClosed());
    }
}
