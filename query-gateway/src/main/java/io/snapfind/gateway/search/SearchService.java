package io.snapfind.gateway.search;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.stream.IntStream;

import io.smallrye.mutiny.Uni;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageRejected;
import io.snapfind.imaging.JpegEncoder;

/**
 * Answers "which products look like this photo": detect (objects mode), crop, embed, search, then keep each
 * product's best crop. Pixel work runs on the given executor, never on the caller's (event-loop) thread.
 */
public class SearchService {

    /** When grouping by product, fetch this many crops per wanted hit: one product often owns several top crops. */
    static final int CANDIDATES_PER_HIT = 5;
    /** Detected objects beyond this many are ignored (the best-scoring are kept). */
    static final int MAX_OBJECTS = 8;
    /** Crops of the query photo are grown like the detector grows the catalog's crops, so both see some context. */
    static final double CROP_MARGIN = 0.05;

    private final ObjectDetector detector;
    private final CropEmbedder embedder;
    private final VectorIndex index;
    private final ImageDecoder decoder;
    private final Executor pixelWork;

    public SearchService(ObjectDetector detector, CropEmbedder embedder, VectorIndex index, ImageDecoder decoder,
            Executor pixelWork) {
        this.detector = detector;
        this.embedder = embedder;
        this.index = index;
        this.decoder = decoder;
        this.pixelWork = pixelWork;
    }

    public Uni<SearchResult> search(SearchQuery query) {
        PhaseTimes times = new PhaseTimes();
        if (query.mode() == SearchMode.WHOLE) {
            return decoded(query).flatMap(photo -> embedAndSearch(query, photo.width(), photo.height(),
                    Regions.whole(photo.width(), photo.height(), null), List.of(query.image()), times));
        }
        return times.detect(detector.detect(query.image(), MAX_OBJECTS))
                .onItemOrFailure().transformToUni((detections, failure) -> failure == null
                        ? searchObjects(query, detections, times)
                        : decoded(query).flatMap(photo -> embedAndSearch(query, photo.width(), photo.height(),
                                Regions.whole(photo.width(), photo.height(),
                                        "detector unavailable, searched with the whole image: " + failure.getMessage()),
                                List.of(query.image()), times)));
    }

    /**
     * One query per detected object (the best {@link #MAX_OBJECTS}), or the whole photo when there is none. The
     * detector cuts the crops from the photo it decoded anyway; the gateway decodes the photo only to cut crops the
     * detector did not return.
     */
    private Uni<SearchResult> searchObjects(SearchQuery query, Detections detections, PhaseTimes times) {
        List<Integer> best = IntStream.range(0, detections.objects().size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> detections.objects().get(i).score()).reversed())
                .limit(MAX_OBJECTS)
                .toList();
        if (best.isEmpty()) {
            return embedAndSearch(query, detections.width(), detections.height(),
                    Regions.whole(detections.width(), detections.height(), null), List.of(query.image()), times);
        }
        List<DetectedObject> objects = best.stream().map(detections.objects()::get).toList();
        Regions regions = new Regions(objects, objects, null);
        List<byte[]> cut = best.stream().map(detections.crops()::get).toList();
        if (cut.stream().allMatch(Objects::nonNull)) {
            return embedAndSearch(query, detections.width(), detections.height(), regions, cut, times);
        }
        return decoded(query).flatMap(photo -> embedAndSearch(query, photo.width(), photo.height(), regions,
                crops(photo, objects), times));
    }

    private Uni<DecodedImage> decoded(SearchQuery query) {
        return Uni.createFrom().item(() -> decode(query.image())).runSubscriptionOn(pixelWork);
    }

    private Uni<SearchResult> embedAndSearch(SearchQuery query, int width, int height, Regions regions,
            List<byte[]> crops, PhaseTimes times) {
        int limit = query.groupByProduct() ? query.k() * CANDIDATES_PER_HIT : query.k();
        return times.embed(embedder.embed(crops))
                .flatMap(embedded -> times.search(index.nearest(embedded.modelId(), embedded.vectors(), limit, query.category()))
                        .map(found -> {
                            List<ObjectMatches> results = new ArrayList<>();
                            for (int i = 0; i < regions.queries().size(); i++) {
                                results.add(rank(query, regions.queries().get(i), found.get(i)));
                            }
                            return new SearchResult(width, height, query.mode(), embedded.modelId(),
                                    regions.detected(), results, regions.degraded(), times.total());
                        }));
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
                    ? "no indexed product" + query.category().map(c -> " in category '" + c + "'").orElse("")
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

    /** The crops of the objects, cut by the gateway the way the detector cuts them (padded, JPEG). */
    private static List<byte[]> crops(DecodedImage photo, List<DetectedObject> objects) {
        List<byte[]> crops = new ArrayList<>(objects.size());
        for (DetectedObject object : objects) {
            Region box = object.box().padded(CROP_MARGIN, photo.width(), photo.height());
            BufferedImage crop = photo.image().getSubimage(box.x1(), box.y1(), box.width(), box.height());
            crops.add(JpegEncoder.encode(crop, 0.9f));
        }
        return crops;
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

        <T> Uni<T> detect(Uni<T> phase) {
            return measure(phase, ms -> detectMs = ms);
        }

        <T> Uni<T> embed(Uni<T> phase) {
            return measure(phase, ms -> embedMs = ms);
        }

        <T> Uni<T> search(Uni<T> phase) {
            return measure(phase, ms -> searchMs = ms);
        }

        SearchResult.Timings total() {
            return new SearchResult.Timings(detectMs, embedMs, searchMs, (System.nanoTime() - started) / 1_000_000);
        }

        private static <T> Uni<T> measure(Uni<T> phase, java.util.function.LongConsumer record) {
            return Uni.createFrom().deferred(() -> {
                long start = System.nanoTime();
                return phase.invoke(() -> record.accept((System.nanoTime() - start) / 1_000_000));
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
