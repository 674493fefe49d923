package io.snapfind.embedder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.snapfind.embedder.model.Preprocessor;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageRejected;

/**
 * The embedding pipeline: image bytes are decoded and preprocessed on a pool of threads, each image joins the
 * {@link BatchingQueue} as soon as its tensor is ready, and the queue's workers run one inference per batch. So
 * decoding of the next images overlaps inference of the current batch, and no caller thread (an event loop
 * included) ever decodes or infers. Both the pool and the queue serve {@link BatchingQueue.Priority#INTERACTIVE}
 * images before the stream's, in arrival order within each.
 */
public final class Embedder implements ImageEmbedder, AutoCloseable {

    /** Observes each image, for metrics. Called on pool threads; must be quick. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** An image was embedded {@code nanos} after it was submitted (decode, queueing and inference). */
        default void imageEmbedded(long nanos) {
        }

        /** An image was not embedded; {@code reason} is the rejection or failure code. */
        default void imageFailed(String reason) {
        }
    }

    /**
     * How the pipeline runs.
     *
     * @param maxBatch           images per inference at most
     * @param maxWait            how long a batch stays open for more images after its first; 0 never waits
     * @param preprocessThreads  threads decoding and preprocessing images
     * @param maxInFlight        images accepted at once (decoding, queued or in inference); more are refused with
     *                           {@link EmbedderOverloaded}
     */
    public record Settings(int maxBatch, Duration maxWait, int preprocessThreads, int maxInFlight) {
        public Settings {
            if (preprocessThreads < 1) {
                throw new IllegalArgumentException("preprocessThreads must be at least 1, got " + preprocessThreads);
            }
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
            }
        }
    }

    /** The reason of the {@link EmbeddingFailed} for images submitted while or after the embedder closes. */
    public static final String CLOSED = "closed";

    private final ModelSpec spec;
    private final ImageDecoder decoder;
    private final Preprocessor preprocessor;
    private final BatchingQueue<float[][], float[]> queue;
    private final ExecutorService preprocessing;
    private final Listener listener;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong arrivals = new AtomicLong();

    /** A preprocessing task, taken by priority and then in arrival order. */
    private record Ordered(BatchingQueue.Ticket ticket, Runnable task) implements Runnable, Comparable<Ordered> {
        @Override
        public void run() {
            task.run();
        }

        @Override
        public int compareTo(Ordered other) {
            return ticket.compareTo(other.ticket);
        }
    }

    /**
     * @param workers one per concurrent inference (a predictor each); closed with the embedder
     */
    public Embedder(ModelSpec spec, ImageDecoder decoder, List<? extends BatchingQueue.Worker<float[][], float[]>> workers,
            Settings settings, BatchingQueue.Listener batchListener, Listener listener) {
        this.spec = spec;
        this.decoder = decoder;
        this.preprocessor = new Preprocessor(spec);
        this.listener = listener;
        this.maxInFlight = settings.maxInFlight();
        this.queue = new BatchingQueue<>("embedder-inference", settings.maxBatch(), settings.maxWait(), workers,
                batchListener);
        AtomicInteger count = new AtomicInteger();
        // Ordered like the batching queue, so a search's crops are decoded ahead of the stream's too. Only
        // Ordered tasks are ever executed on it (execute, never submit, whose FutureTask is not comparable).
        this.preprocessing = new ThreadPoolExecutor(settings.preprocessThreads(), settings.preprocessThreads(), 0,
                TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "embedder-preprocess-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    public ModelSpec spec() {
        return spec;
    }

    @Override
    public String modelId() {
        return spec.id();
    }

    @Override
    public int dimension() {
        return spec.vectorDimension();
    }

    /** Images being decoded, queued or inferred right now. */
    public int inFlight() {
        return inFlight.get();
    }

    public int queued() {
        return queue.queued();
    }

    /**
     * Embeds one image. Fails with {@link ImageRejected} (bad input), {@link EmbedderOverloaded} or
     * {@link EmbeddingFailed}, unwrapped.
     */
    public CompletableFuture<float[]> embed(byte[] image) {
        return embed(image, BatchingQueue.Priority.INTERACTIVE);
    }

    /** {@link #embed(byte[])} at the given priority. */
    public CompletableFuture<float[]> embed(byte[] image, BatchingQueue.Priority priority) {
        long start = System.nanoTime();
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            listener.imageFailed("overloaded");
            return CompletableFuture.failedFuture(new EmbedderOverloaded(
                    "the embedder already holds " + maxInFlight + " images; retry shortly"));
        }
        CompletableFuture<float[]> result = new CompletableFuture<>();
        CompletableFuture<float[][]> pixels = new CompletableFuture<>();
        try {
            preprocessing.execute(new Ordered(new BatchingQueue.Ticket(priority, arrivals.incrementAndGet()), () -> {
                try {
                    pixels.complete(preprocess(image));
                } catch (RuntimeException | Error e) {
                    pixels.completeExceptionally(e);
                }
            }));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pixels.completeExceptionally(new EmbeddingFailed(CLOSED, "the embedder is shut down", e));
        }
        pixels.thenCompose(planes -> queue.submit(planes, priority)).whenComplete((vector, error) -> {
            inFlight.decrementAndGet();
            Throwable failure = error == null ? null : unwrap(error);
            if (failure == null && Vectors.norm(vector) == 0) {
                failure = new EmbeddingFailed("zero-vector", "the model returned an all-zero embedding, which has "
                        + "no direction to compare", null);
            } else if (failure instanceof IllegalStateException && queue.isClosed()) {
                failure = new EmbeddingFailed(CLOSED, "the embedder is shut down", failure);
            } else if (failure != null && !(failure instanceof ImageRejected || failure instanceof EmbeddingFailed)) {
                failure = new EmbeddingFailed("inference-failed", "inference failed: " + failure.getMessage(), failure);
            }
            if (failure == null) {
                listener.imageEmbedded(System.nanoTime() - start);
                result.complete(vector);
            } else {
                listener.imageFailed(reasonOf(failure));
                result.completeExceptionally(failure);
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<List<Attempt>> embedEach(List<byte[]> images, BatchingQueue.Priority priority) {
        List<CompletableFuture<Attempt>> attempts = new ArrayList<>(images.size());
        for (byte[] image : images) {
            attempts.add(embed(image, priority).handle((vector, error) -> error == null
                    ? Attempt.of(vector)
                    : Attempt.failed(unwrap(error))));
        }
        return CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new))
                .thenApply(done -> attempts.stream().map(CompletableFuture::join).toList());
    }

    /** The code of a failure from {@link #embed}: the rejection code, or the embedding failure's reason. */
    public static String reasonOf(Throwable failure) {
        if (failure instanceof ImageRejected rejected) {
            return rejected.code();
        }
        if (failure instanceof EmbeddingFailed failed) {
            return failed.reason();
        }
        if (failure instanceof EmbedderOverloaded) {
            return "overloaded";
        }
        return "inference-failed";
    }

    private float[][] preprocess(byte[] image) {
        try {
            return preprocessor.planes(decoder.decode(image));
        } catch (ImageRejected e) {
            throw new CompletionException(e);
        } catch (RuntimeException e) {
            // A decoder or resampler bug on one odd image must not look like a broken model.
            throw new CompletionException(new EmbeddingFailed("preprocessing-failed",
                    "the image decoded but could not be preprocessed: " + e.getMessage(), e));
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    public void close() {
        preprocessing.shutdown();
        try {
            preprocessing.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.close();
    }
}
