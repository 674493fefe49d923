package io.snapfind.detector.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.snapfind.support.problem.ProblemException;

/** A request beyond the slots waits for one up to the configured time, and only then is refused. */
class DetectionSlotsTest {

    @Test
    void aRequestBeyondTheSlotsWaitsForOneAndIsRefusedOnlyAfterTheWait() throws Exception {
        DetectionSlots slots = new DetectionSlots(2, Duration.ofSeconds(5));
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < 2; i++) {
                pool.submit(() -> slots.run(() -> {
                    running.countDown();
                    await(release);
                    return "held";
                }));
            }
            running.await(5, TimeUnit.SECONDS);
            Future<String> third = pool.submit(() -> slots.run(() -> "waited"));
            Thread.sleep(200);
            release.countDown();
            assertEquals("waited", third.get(5, TimeUnit.SECONDS), "the third ran once a slot was free");
        } finally {
            pool.shutdownNow();
        }

        DetectionSlots impatient = new DetectionSlots(1, Duration.ofMillis(50));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try {
                impatient.run(() -> {
                    held.countDown();
                    await(done);
                    return null;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        holder.start();
        held.await(5, TimeUnit.SECONDS);
        ProblemException busy = assertThrows(ProblemException.class, () -> impatient.run(() -> "never"));
        assertEquals(503, busy.status());
        assertEquals("overloaded", busy.reason());
        done.countDown();
        holder.join(5000);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
