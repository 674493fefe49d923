package io.snapfind.gateway.search;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

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
        Uni<DecodedImage> photo = Uni.createFrom().item(() -> decode(query.image())).runSubscriptionOn(pixelWork);
        if (query.mode() == SearchMode.WHOLE) {
            return photo.flatMap(decoded -> embedAndSearch(query, decoded, Regions.whole(decoded), times));
        }
        // The detector decodes the photo itself, so the gateway's own decoding (for cropping) runs meanwhile.
        Uni<Regions> detected = times.detect(detector.detect(query.image()))
                .map(detections -> {
                    List<DetectedObject> objects = detections.objects().stream()
                            .sorted(Comparator.comparingDouble(DetectedObject::score).reversed())
                            .limit(MAX_OBJECTS)
                            .toList();
                    return new Regions(objects, objects, null);
                })
                .onFailure().recoverWithItem(failure -> new Regions(List.of(), List.of(),
                        "detector unavailable, searched with the whole image: " + failure.getMessage()));
        return Uni.combine().all().unis(photo, detected).asTuple()
                .flatMap(both -> {
                    DecodedImage decoded = both.getItem1();
                    Regions regions = both.getItem2();
                    return embedAndSearch(query, decoded,
                            regions.queries().isEmpty() ? regions.withWholeImage(decoded) : regions, times);
                });
    }

    private Uni<SearchResult> embedAndSearch(SearchQuery query, DecodedImage photo, Regions regions, PhaseTimes times) {
        int limit = query.groupByProduct() ? query.k() * CANDIDATES_PER_HIT : query.k();
        return Uni.createFrom().item(() -> crops(query.image(), photo, regions.queries())).runSubscriptionOn(pixelWork)
                .flatMap(crops -> times.embed(embedder.embed(crops)))
                .flatMap(embedded -> times.search(index.nearest(embedded.vectors(), limit, query.category()))
                        .map(found -> {
                            List<ObjectMatches> results = new ArrayList<>();
                            for (int i = 0; i < regions.queries().size(); i++) {
                                results.add(rank(query, regions.queries().get(i), found.get(i)));
                            }
                            return new SearchResult(photo.width(), photo.height(), query.mode(), embedded.modelId(),
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

    private static List<byte[]> crops(byte[] original, DecodedImage photo, List<DetectedObject> regions) {
        List<byte[]> crops = new ArrayList<>(regions.size());
        for (DetectedObject region : regions) {
            if (region.label().equals(DetectedObject.WHOLE_IMAGE)) {
                crops.add(original);
                continue;
            }
            Region box = region.box().padded(CROP_MARGIN, photo.width(), photo.height());
            BufferedImage crop = photo.image().getSubimage(box.x1(), box.y1(), box.width(), box.height());
            crops.add(JpegEncoder.encode(crop, 0.9f));
        }
        return crops;
    }

    /** What was detected, which regions are searched, and why the search was simplified, if it was. */
    private record Regions(List<DetectedObject> detected, List<DetectedObject> queries, String degraded) {

        static Regions whole(DecodedImage photo) {
            return new Regions(List.of(), List.of(wholeImage(photo)), null);
        }

        /** Nothing detected (or no detector): the whole photo is the one query. */
        Regions withWholeImage(DecodedImage photo) {
            return new Regions(detected, List.of(wholeImage(photo)), degraded);
        }

        private static DetectedObject wholeImage(DecodedImage photo) {
            return new DetectedObject(DetectedObject.WHOLE_IMAGE, 1f, Region.whole(photo.width(), photo.height()));
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
