package io.snapfind.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageRejected;

/**
 * Answers "which products look like this photo": detect (objects mode), crop, embed, search, then keep each
 * product's best crop. Pixel work runs on the given executor, never on the caller's (event-loop) thread; when the
 * executor refuses it (bounded, full), the search fails with {@link BusyException}.
 */
public class SearchService {

    /** When grouping by product, fetch this many crops per wanted hit: one product often owns several top crops. */
    static final int CANDIDATES_PER_HIT = 5;
    /** Detected objects beyond this many are ignored (the best-scoring are kept). */
    static final int MAX_OBJECTS = 8;

    private final ObjectDetector detector;
    private final CropEmbedder embedder;
    private final CropIndex index;
    private final ImageDecoder decoder;
    private final Executor pixelWork;

    public SearchService(ObjectDetector detector, CropEmbedder embedder, CropIndex index, ImageDecoder decoder,
            Executor pixelWork) {
        this.detector = detector;
        this.embedder = embedder;
        this.index = index;
        this.decoder = decoder;
        this.pixelWork = pixelWork;
    }

    public CompletionStage<SearchResult> search(SearchQuery query) {
        PhaseTimes times = new PhaseTimes();
        if (query.mode() == SearchMode.WHOLE) {
            return decoded(query).thenCompose(photo -> embedAndSearch(query, photo.width(), photo.height(),
                    Regions.whole(photo.width(), photo.height(), null), List.of(query.image()), times));
        }
        return times.detect(() -> detector.detect(query.image(), MAX_OBJECTS))
                .handle((detections, failure) -> failure == null
                        ? searchObjects(query, detections, times)
                        : decoded(query).thenCompose(photo -> embedAndSearch(query, photo.width(), photo.height(),
                                Regions.whole(photo.width(), photo.height(), "detector unavailable, searched with "
                                        + "the whole image: " + unwrap(failure).getMessage()),
                                List.of(query.image()), times)))
                .thenCompose(result -> result);
    }

    /**
     * One query per detected object (the best {@link #MAX_OBJECTS}), or the whole photo when there is none. The
     * detector cuts the crops, by the same rules as the catalog's, from the photo it decoded anyway; an object it
     * returned no crop for is not searched (the gateway cuts nothing itself).
     */
    private CompletionStage<SearchResult> searchObjects(SearchQuery query, Detections detections,
            PhaseTimes times) {
        List<Integer> best = IntStream.range(0, detections.objects().size()).boxed()
                .filter(i -> detections.crops().get(i) != null)
                .sorted(Comparator.comparingDouble((Integer i) -> detections.objects().get(i).score()).reversed())
                .limit(MAX_OBJECTS)
                .toList();
        if (best.isEmpty()) {
            return embedAndSearch(query, detections.width(), detections.height(),
                    Regions.whole(detections.width(), detections.height(), null), List.of(query.image()), times);
        }
        List<DetectedObject> objects = best.stream().map(detections.objects()::get).toList();
        Regions regions = new Regions(objects, objects, null);
        List<byte[]> crops = best.stream().map(detections.crops()::get).toList();
        return embedAndSearch(query, detections.width(), detections.height(), regions, crops, times);
    }

    private CompletionStage<DecodedImage> decoded(SearchQuery query) {
        try {
            return CompletableFuture.supplyAsync(() -> decode(query.image()), pixelWork);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new BusyException());
        }
    }

    private CompletionStage<SearchResult> embedAndSearch(SearchQuery query, int width, int height, Regions regions,
            List<byte[]> crops, PhaseTimes times) {
        int limit = query.groupByProduct() ? query.k() * CANDIDATES_PER_HIT : query.k();
        return times.embed(() -> embedder.embed(crops))
                .thenCompose(embedded -> times.search(() -> index.nearest(embedded.modelId(), embedded.vectors(),
                        limit, query.filter()))
                        .thenApply(found -> {
                            List<ObjectMatches> results = new ArrayList<>();
                            for (int i = 0; i < regions.queries().size(); i++) {
                                results.add(rank(query, regions.queries().get(i), found.get(i)));
                            }
                            return new SearchResult(width, height, query.mode(), embedded.modelId(),
                                    regions.detected(), results, regions.degraded(), times.total());
                        }));
    }

    /**
     * More like this: the products nearest to an indexed product, searched with the vectors the index holds for it
     * (each of its crops; a product's score is its best over them), the product itself left out.
     */
    public CompletionStage<Similar> similar(String productId, int k, Optional<ProductFilter> filter) {
        return index.vectorsOf(productId).thenCompose(stored -> {
            if (stored.vectors().isEmpty()) {
                throw new NotIndexedException(productId);
            }
            // The product's own crops come back first: ask for as many more.
            int limit = k * CANDIDATES_PER_HIT + stored.vectors().size();
            return index.nearest(stored.modelId(), stored.vectors(), limit, filter).thenApply(found -> {
                Map<String, Hit> best = new LinkedHashMap<>();
                found.stream().flatMap(List::stream).filter(hit -> !hit.productId().equals(productId))
                        .sorted(Comparator.comparingDouble(Hit::score).reversed())
                        .forEach(hit -> best.putIfAbsent(hit.productId(), hit));
                return new Similar(productId, stored.modelId(), best.values().stream().limit(k).toList());
            });
        });
    }

    /** The answer of {@link #similar}: the products most like {@code productId}, best first. */
    public record Similar(String productId, String modelId, List<Hit> hits) {
    }

    /**
     * Every decoding slot and its queue are taken: a decoded photo holds up to 40 megapixels (120 MB as pixels), so
     * the gateway decodes only a few at once and refuses more rather than run out of memory.
     */
    public static final class BusyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BusyException() {
            super("the gateway is decoding as many photos as it may at once; retry shortly");
        }
    }

    /** More like this was asked for a product the index does not hold. */
    public static final class NotIndexedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotIndexedException(String productId) {
            super("product " + productId + " is not indexed (not yet, or deleted)");
        }
    }

    static ObjectMatches rank(SearchQuery query, DetectedObject region, List<Hit> nearest) {
        List<Hit> good = nearest.stream().filter(hit -> hit.score() >= query.minScore())
                .sorted(Comparator.comparingDouble(Hit::score).reversed()).toList();
        List<Hit> ranked;
        if (query.groupByProduct()) {
            Map<String, Hit> bestPerProduct = new LinkedHashMap<>();
            good.forEach(hit -> bestPerProduct.putIfAbsent(hit.productId(), hit));
            ranked = bestPerProduct.values().stream().limit(query.k()).toList();
        } else {
            ranked = good.stream().limit(query.k()).toList();
        }
        String message = null;
        if (ranked.isEmpty()) {
            message = nearest.isEmpty()
                    ? "no indexed product" + query.filter().map(f -> " matches the filter " + f).orElse("")
                    : "no product scored above minScore " + query.minScore() + " (best was "
                            + String.format("%.3f", nearest.stream().mapToDouble(Hit::score).max().orElse(0)) + ")";
        }
        return new ObjectMatches(region, ranked, message);
    }

    private DecodedImage decode(byte[] image) {
        try {
            return decoder.decode(image);
        } catch (ImageRejected e) {
            throw new RejectedImageException(e);
        }
    }

    /** A failed stage's own exception, not the CompletionException that wraps it. */
    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** What was detected, which regions are searched, and why the search was simplified, if it was. */
    private record Regions(List<DetectedObject> detected, List<DetectedObject> queries, String degraded) {

        /** The whole photo as the one query: nothing detected, no detection wanted, or no detector. */
        static Regions whole(int width, int height, String degraded) {
            return new Regions(List.of(), List.of(new DetectedObject(DetectedObject.WHOLE_IMAGE, 1f,
                    Region.whole(width, height))), degraded);
        }
    }

    /** Where one search spent its time; each phase runs once, one after the other. */
    private static final class PhaseTimes {
        private final long started = System.nanoTime();
        private long detectMs;
        private long embedMs;
        private long searchMs;

        <T> CompletionStage<T> detect(Supplier<CompletionStage<T>> phase) {
            return measure(phase, ms -> detectMs = ms);
        }

        <T> CompletionStage<T> embed(Supplier<CompletionStage<T>> phase) {
            return measure(phase, ms -> embedMs = ms);
        }

        <T> CompletionStage<T> search(Supplier<CompletionStage<T>> phase) {
            return measure(phase, ms -> searchMs = ms);
        }

        SearchResult.Timings total() {
            return new SearchResult.Timings(detectMs, embedMs, searchMs, (System.nanoTime() - started) / 1_000_000);
        }

        private static <T> CompletionStage<T> measure(Supplier<CompletionStage<T>> phase, LongConsumer record) {
            long start = System.nanoTime();
            return phase.get().thenApply(result -> {
                record.accept((System.nanoTime() - start) / 1_000_000);
                return result;
            });
        }
    }

    /** The query photo is not an acceptable image; carries the decoder's reason for the HTTP status. */
    public static final class RejectedImageException extends RuntimeException {
        private final ImageRejected rejection;

        RejectedImageException(ImageRejected rejection) {
            super(rejection.getMessage(), rejection);
            this.rejection = rejection;
        }

        public ImageRejected rejection() {
            return rejection;
        }
    }
}
