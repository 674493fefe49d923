package io.snapfind.embedder;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.snapfind.contracts.ContractViolation;
import io.snapfind.contracts.Crop;
import io.snapfind.contracts.CropVector;
import io.snapfind.contracts.CropsEvent;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.SourceRecord;
import io.snapfind.contracts.VectorsEvent;
import io.snapfind.imaging.ImageRejected;

/**
 * Turns one {@code images.crops} record into what the embedder publishes: a {@link VectorsEvent}, a
 * {@link DeadLetter}, or both.
 *
 * <ul>
 *   <li>A record that breaks the contract is dead-lettered ({@code embedder.contract}, {@code contract-violation}).</li>
 *   <li>A DELETE marker becomes a VectorsEvent DELETE marker.</li>
 *   <li>CROPS whose crops all embed become one VectorsEvent.</li>
 *   <li>If some crops fail, the others still become a VectorsEvent, so the image stays searchable, and a copy of
 *       the whole record is dead-lettered naming the failed crops (reason: the first failure's code), so nothing
 *       is lost silently and the record can be replayed once fixed.</li>
 *   <li>If every crop fails, only the dead letter is published: no event, so the index keeps the image's previous
 *       rows rather than dropping them for an empty set.</li>
 * </ul>
 * Stages: {@code embedder.decode} for crops that are not usable images, {@code embedder.inference} when the model
 * failed on a decodable crop, {@code embedder.publish} when the VectorsEvent itself cannot be encoded (over the
 * event size limit).
 */
public final class CropEmbedding {

    public static final String STAGE_CONTRACT = "embedder.contract";
    public static final String STAGE_DECODE = "embedder.decode";
    public static final String STAGE_INFERENCE = "embedder.inference";
    public static final String CONTRACT_VIOLATION = "contract-violation";

        /**
     * What to publish for one record, each part optional, both keyed by {@code key}: vectors first (as the event and
     * its encoded JSON), then the dead letter.
     */
    public record Outcome(String key, VectorsEvent vectors, byte[] vectorsValue, DeadLetter deadLetter) {

        static Outcome of(String key, VectorsEvent vectors, byte[] vectorsValue) {
            return new Outcome(key, vectors, vectorsValue, null);
        }

        static Outcome deadLetter(String key, DeadLetter deadLetter) {
            return new Outcome(key, null, null, deadLetter);
        }
    }

    public static final String STAGE_PUBLISH = "embedder.publish";

    private final EventCodec codec;
    private final ImageEmbedder embedder;
    private final Clock clock;

    public CropEmbedding(EventCodec codec, ImageEmbedder embedder, Clock clock) {
        this.codec = codec;
        this.embedder = embedder;
        this.clock = clock;
    }

    /**
     * The outcome for {@code record}. Fails only with {@link EmbedderOverloaded}, which is transient (process the
     * record again later), or with the {@link Embedder#CLOSED} failure while shutting down (leave it uncommitted).
     */
    public CompletableFuture<Outcome> process(SourceRecord record) {
        CropsEvent event;
        try {
            event = codec.decodeCrops(record.value());
        } catch (ContractViolation e) {
            return CompletableFuture.completedFuture(Outcome.deadLetter(record.key(),
                    deadLetter(record, STAGE_CONTRACT, CONTRACT_VIOLATION, e.getMessage(), null, null)));
        }
        // Downstream is keyed by productId like the input; a producer that forgot the key still gets it right.
        String key = record.key() != null ? record.key() : event.productId();
        if (event.type() == CropsEvent.Type.DELETE) {
            VectorsEvent delete = VectorsEvent.delete(event.productId(), event.occurredAt()).withVersion(event.version());
            return CompletableFuture.completedFuture(Outcome.of(key, delete, codec.encode(delete)));
        }
        List<Crop> crops = event.crops();
        // The stream gives way to searches: it only loses time, a search has a shopper waiting.
        return embedder.embedEach(crops.stream().map(Crop::jpeg).toList(), BatchingQueue.Priority.STREAM)
                .thenApply(attempts -> outcome(record, key, event, attempts));
    }

    private Outcome outcome(SourceRecord record, String key, CropsEvent event, List<ImageEmbedder.Attempt> attempts) {
        for (ImageEmbedder.Attempt attempt : attempts) {
            if (attempt.failure() instanceof EmbedderOverloaded overloaded) {
                // Transient: the caller retries the whole record later instead of dead-lettering good crops.
                throw overloaded;
            }
            if (attempt.failure() instanceof EmbeddingFailed failed && Embedder.CLOSED.equals(failed.reason())) {
                // Shutting down: leave the record uncommitted so the next run processes it.
                throw failed;
            }
        }
        List<CropVector> vectors = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Throwable firstFailure = null;
        for (int i = 0; i < attempts.size(); i++) {
            Crop crop = event.crops().get(i);
            ImageEmbedder.Attempt attempt = attempts.get(i);
            if (attempt.succeeded()) {
                vectors.add(new CropVector(crop.cropId(), crop.box(), crop.label(), crop.score(), attempt.vector()));
            } else {
                firstFailure = firstFailure == null ? attempt.failure() : firstFailure;
                failures.add("crops[" + i + "] " + crop.cropId() + " (" + crop.label() + "): "
                        + Embedder.reasonOf(attempt.failure()) + ": " + attempt.failure().getMessage());
            }
        }
        VectorsEvent vectorsEvent = null;
        byte[] vectorsValue = null;
        if (failures.isEmpty() || !vectors.isEmpty()) {
            try {
                vectorsEvent = VectorsEvent.vectors(event.productId(), event.category(), event.title(),
                        event.metadata(), event.imageId(), event.productImageIds(), embedder.modelId(),
                        embedder.dimension(), vectors, event.occurredAt()).withVersion(event.version());
                vectorsValue = codec.encode(vectorsEvent);
            } catch (ContractViolation e) {
                // Thousands of crops could exceed the event size limit: nothing is published, the record is kept.
                String reason = e.kind() == ContractViolation.Kind.TOO_LARGE ? "output-too-large" : "invalid-output";
                return Outcome.deadLetter(key, deadLetter(record, STAGE_PUBLISH, reason, "the VectorsEvent of "
                        + vectors.size() + " vectors cannot be published: " + e.getMessage(), event.productId(),
                        event.imageId()));
            }
        }
        DeadLetter deadLetter = null;
        if (firstFailure != null) {
            String stage = firstFailure instanceof ImageRejected ? STAGE_DECODE : STAGE_INFERENCE;
            String detail = failures.size() + " of " + attempts.size() + " crops not embedded"
                    + (vectors.isEmpty() ? ", no vectors published" : ", the other " + vectors.size() + " published")
                    + ": " + String.join("; ", failures);
            deadLetter = deadLetter(record, stage, Embedder.reasonOf(firstFailure), detail, event.productId(),
                    event.imageId());
        }
        return new Outcome(key, vectorsEvent, vectorsValue, deadLetter);
    }

    private DeadLetter deadLetter(SourceRecord record, String stage, String reason, String detail, String productId,
            String imageId) {
        return DeadLetter.of(stage, reason, detail, record.topic(), record.partition(), record.offset(), record.key(),
                record.value(), productId, imageId, clock.instant());
    }
}
