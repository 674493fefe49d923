package io.snapfind.detector;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.snapfind.contracts.Crop;
import io.snapfind.contracts.CropsEvent;
import io.snapfind.contracts.ProductEvent;
import io.snapfind.contracts.ProductImage;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.pictures.PictureStore;
import io.snapfind.imaging.pictures.PictureStore.Picture;

/**
 * The detector's work for one catalog event, free of Kafka: an UPSERT becomes one CropsEvent per image that could
 * be fetched, decoded and detected, and one {@link ImageFailure} per image that could not; a DELETE becomes the
 * DELETE marker. Every CropsEvent lists all image ids of the product version, failed ones included, so the indexer
 * keeps the previous rows of an image that failed this time instead of deleting them. With a picture store, the
 * crops' JPEGs are stored by the same rule (a delete removes them), so the gateway can show what matched.
 * Blocking; thread-safe.
 */
public final class ProductProcessor {

    public static final String STAGE_DETECT = "detect";

    private final ImageIntake intake;
    private final Detector detector;
    private final CropCutter cutter;
    private final Optional<PictureStore> pictures;

    public ProductProcessor(ImageIntake intake, Detector detector, CropCutter cutter, Optional<PictureStore> pictures) {
        this.intake = intake;
        this.detector = detector;
        this.cutter = cutter;
        this.pictures = pictures;
    }

    public Outcome process(ProductEvent event) {
        if (event.type() == ProductEvent.Type.DELETE) {
            String problem = storePictures(store -> store.delete(event.productId()));
            return new Outcome(List.of(CropsEvent.delete(event.productId(), event.occurredAt()).withVersion(event.version())), List.of(), problem);
        }
        List<String> imageIds = event.images().stream().map(ProductImage::imageId).toList();
        List<CropsEvent> events = new ArrayList<>();
        List<ImageFailure> failures = new ArrayList<>();
        Map<String, List<Picture>> fresh = new LinkedHashMap<>();
        for (ProductImage image : event.images()) {
            try {
                List<Crop> crops = crops(event.productId(), image);
                events.add(CropsEvent.crops(event.productId(), event.category(), event.title(), event.metadata(),
                        image.imageId(), imageIds, crops, event.occurredAt()).withVersion(event.version()));
                fresh.put(image.imageId(), crops.stream().map(crop -> new Picture(crop.cropId(), crop.jpeg())).toList());
            } catch (IntakeFailure e) {
                failures.add(new ImageFailure(image.imageId(), e.stage(), e.reason(), e.detail()));
            }
        }
        String problem = storePictures(store -> store.put(event.productId(), imageIds, fresh));
        return new Outcome(events, failures, problem);
    }

    /**
     * A picture that cannot be stored (disk full, permissions) is reported, not fatal: the product is still
     * indexed and searchable, only its pictures are missing until the next version.
     */
    private String storePictures(Consumer<PictureStore> work) {
        try {
            pictures.ifPresent(work);
            return null;
        } catch (UncheckedIOException e) {
            return e.getMessage() + ": " + e.getCause().getMessage();
        }
    }

    private List<Crop> crops(String productId, ProductImage image) throws IntakeFailure {
        DecodedImage decoded = intake.obtain(image);
        DetectionResult result;
        try {
            result = detector.detect(decoded.image());
        } catch (RuntimeException e) {
            // Not the record's fault as far as we can tell, but one bad image must not stop the partition.
            throw new IntakeFailure(STAGE_DETECT, "detection-failed", "the detector failed on a "
                    + decoded.width() + "x" + decoded.height() + " image: " + e.getMessage(), e);
        }
        return cutter.cut(productId, image.imageId(), decoded.image(), result.detections());
    }

    /** One image of a product that produced no crops, and why. */
    public record ImageFailure(String imageId, String stage, String reason, String detail) {
    }

    /**
     * What one catalog event turned into: events to publish in order, failed images to dead-letter, and why its
     * pictures could not be stored (null when they were, or when no pictures are kept).
     */
    public record Outcome(List<CropsEvent> events, List<ImageFailure> failures, String picturesProblem) {
        public Outcome {
            events = List.copyOf(events);
            failures = List.copyOf(failures);
        }
    }
}
