package io.snapfind.embedder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.snapfind.contracts.Box;
import io.snapfind.contracts.Crop;
import io.snapfind.contracts.CropIds;
import io.snapfind.contracts.CropsEvent;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.SourceRecord;
import io.snapfind.contracts.VectorsEvent;
import io.snapfind.imaging.ImageRejected;

/** The record → events decisions, with a stand-in embedder: the first byte of a crop says what happens to it. */
class CropEmbeddingTest {

    private static final byte GOOD = 1;
    private static final byte CORRUPT = 2;
    private static final byte BUSY = 3;
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:05Z");
    private static final Instant OCCURRED = Instant.parse("2025-03-01T12:00:00Z");

    private final EventCodec codec = new EventCodec();
    private final CropEmbedding cropEmbedding = new CropEmbedding(codec, new StandInEmbedder(),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private static final class StandInEmbedder implements ImageEmbedder {
        @Override
        public String modelId() {
            return "stand-in";
        }

        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public CompletableFuture<List<Attempt>> embedEach(List<byte[]> images, BatchingQueue.Priority priority) {
            return CompletableFuture.completedFuture(images.stream().map(image -> switch (image[0]) {
                case GOOD -> Attempt.of(new float[] { 0.6f, 0.8f });
                case CORRUPT -> Attempt.failed(new ImageRejected(ImageRejected.Reason.CORRUPT, "the image is truncated"));
                case BUSY -> Attempt.failed(new EmbedderOverloaded("busy"));
                default -> throw new IllegalArgumentException("unknown test crop");
            }).toList());
        }
    }

    @Test
    void cropsBecomeOneVectorsEventWithTheSameKeyAndEverythingCarriedOver() {
        byte[] value = codec.encode(cropsEvent("p-1", GOOD, GOOD).withVersion(3L));
        CropEmbedding.Outcome outcome = process("p-1", value);
        assertEquals("p-1", outcome.key());
        assertNull(outcome.deadLetter());
        VectorsEvent vectors = outcome.vectors();
        assertEquals(VectorsEvent.Type.VECTORS, vectors.type());
        assertEquals("chair", vectors.category());
        assertEquals("Oak chair", vectors.title());
        assertEquals(Map.of("brand", "Snap"), vectors.metadata());
        assertEquals("front", vectors.imageId());
        assertEquals(List.of("front", "side"), vectors.productImageIds());
        assertEquals("stand-in", vectors.modelId());
        assertEquals(2, vectors.dimension());
        assertEquals(OCCURRED, vectors.occurredAt());
        assertEquals(3L, vectors.version(), "the catalog's version travels with occurredAt");
        assertEquals(List.of(cropId(0), cropId(1)), vectors.vectors().stream().map(v -> v.cropId()).toList());
        assertEquals(new Box(0, 0, 100, 100), vectors.vectors().get(0).box());
        assertArrayEquals(new float[] { 0.6f, 0.8f }, vectors.vectors().get(1).vector());
        VectorsEvent published = codec.decodeVectors(outcome.vectorsValue());
        assertEquals(vectors.vectors().size(), published.vectors().size(), "the encoded value is the event");
        assertArrayEquals(vectors.vectors().get(0).vector(), published.vectors().get(0).vector());
    }

    @Test
    void aDeleteMarkerPassesThrough() {
        CropEmbedding.Outcome outcome = process("p-2", codec.encode(CropsEvent.delete("p-2", OCCURRED).withVersion(4L)));
        assertEquals(VectorsEvent.Type.DELETE, outcome.vectors().type());
        assertEquals(4L, outcome.vectors().version());
        assertEquals("p-2", outcome.vectors().productId());
        assertEquals(OCCURRED, outcome.vectors().occurredAt());
        assertNull(outcome.deadLetter());
    }

    @Test
    void aRecordThatBreaksTheContractIsDeadLetteredWithItsBytes() {
        byte[] value = "{\"schemaVersion\":1,\"type\":\"CROPS\"}".getBytes(StandardCharsets.UTF_8);
        CropEmbedding.Outcome outcome = process("p-3", value);
        assertNull(outcome.vectors());
        DeadLetter deadLetter = outcome.deadLetter();
        assertEquals("embedder.contract", deadLetter.stage());
        assertEquals("contract-violation", deadLetter.reason());
        assertTrue(deadLetter.detail().contains("productId"), deadLetter.detail());
        assertArrayEquals(value, deadLetter.originalValue());
        assertEquals("images.crops", deadLetter.sourceTopic());
        assertEquals(2, deadLetter.partition());
        assertEquals(41, deadLetter.offset());
        assertEquals("p-3", deadLetter.key());
        assertEquals(NOW, deadLetter.failedAt());
        // What the DLQ topic carries must itself be a valid event.
        EventCodec deadLetters = new EventCodec(2 * EventCodec.DEFAULT_MAX_PAYLOAD_BYTES);
        assertArrayEquals(value, deadLetters.decodeDeadLetter(deadLetters.encode(deadLetter)).originalValue());
    }

    @Test
    void aBadCropIsDeadLetteredWhileTheGoodOnesArePublished() {
        byte[] value = codec.encode(cropsEvent("p-4", GOOD, CORRUPT, GOOD));
        CropEmbedding.Outcome outcome = process("p-4", value);
        assertEquals(List.of(cropId(0), cropId(2)), outcome.vectors().vectors().stream().map(v -> v.cropId()).toList());
        DeadLetter deadLetter = outcome.deadLetter();
        assertEquals("embedder.decode", deadLetter.stage());
        assertEquals("corrupt", deadLetter.reason());
        assertTrue(deadLetter.detail().contains(cropId(1)) && deadLetter.detail().contains("truncated"),
                deadLetter.detail());
        assertTrue(deadLetter.detail().startsWith("1 of 3 crops"), deadLetter.detail());
        assertEquals("p-4", deadLetter.productId());
        assertEquals("front", deadLetter.imageId());
        assertArrayEquals(value, deadLetter.originalValue());
    }

    @Test
    void whenEveryCropFailsOnlyTheDeadLetterIsPublished() {
        CropEmbedding.Outcome outcome = process("p-5", codec.encode(cropsEvent("p-5", CORRUPT, CORRUPT)));
        assertNull(outcome.vectors(), "an empty event would make the indexer drop the image's previous rows");
        assertEquals("corrupt", outcome.deadLetter().reason());
        assertTrue(outcome.deadLetter().detail().contains("no vectors published"), outcome.deadLetter().detail());
    }

    @Test
    void anImageWithoutCropsGivesAnEventWithoutVectors() {
        CropEmbedding.Outcome outcome = process("p-6", codec.encode(cropsEvent("p-6")));
        assertEquals(List.of(), outcome.vectors().vectors());
        assertNull(outcome.deadLetter());
    }

    @Test
    void anOverloadedEmbedderFailsTheRecordForARetryInsteadOfDeadLetteringIt() {
        CompletionException error = assertThrows(CompletionException.class,
                () -> cropEmbedding.process(source("p-7", codec.encode(cropsEvent("p-7", GOOD, BUSY)))).join());
        assertInstanceOf(EmbedderOverloaded.class, error.getCause());
    }

    @Test
    void aVectorsEventOverTheSizeLimitIsDeadLetteredInsteadOfPublished() {
        int dimension = 2_000_000;
        float[] huge = new float[dimension];
        Arrays.fill(huge, (float) (1 / Math.sqrt(dimension)));
        ImageEmbedder wide = new ImageEmbedder() {
            @Override
            public String modelId() {
                return "wide";
            }

            @Override
            public int dimension() {
                return dimension;
            }

            @Override
            public CompletableFuture<List<Attempt>> embedEach(List<byte[]> images, BatchingQueue.Priority priority) {
                return CompletableFuture.completedFuture(images.stream().map(image -> Attempt.of(huge)).toList());
            }
        };
        CropEmbedding.Outcome outcome = new CropEmbedding(codec, wide, Clock.fixed(NOW, ZoneOffset.UTC))
                .process(source("p-9", codec.encode(cropsEvent("p-9", GOOD)))).join();
        assertNull(outcome.vectors());
        assertEquals("embedder.publish", outcome.deadLetter().stage());
        assertEquals("output-too-large", outcome.deadLetter().reason());
    }

    @Test
    void aRecordWithoutAKeyIsKeyedByItsProductId() {
        assertEquals("p-8", process(null, codec.encode(cropsEvent("p-8", GOOD))).key());
    }

    private CropEmbedding.Outcome process(String key, byte[] value) {
        return cropEmbedding.process(source(key, value)).join();
    }

    private static SourceRecord source(String key, byte[] value) {
        return new SourceRecord("images.crops", 2, 41, key, value);
    }

    private static CropsEvent cropsEvent(String productId, byte... crops) {
        List<Crop> list = new java.util.ArrayList<>();
        for (int i = 0; i < crops.length; i++) {
            Box box = new Box(i * 100, 0, i * 100 + 100, 100);
            list.add(new Crop(cropId(i), box, i == 0 ? Crop.WHOLE_IMAGE : "chair", 0.9f, new byte[] { crops[i], 0 }));
        }
        return CropsEvent.crops(productId, "chair", "Oak chair", Map.of("brand", "Snap"), "front",
                List.of("front", "side"), list, OCCURRED);
    }

    private static String cropId(int index) {
        return CropIds.of("p", "front", new Box(index * 100, 0, index * 100 + 100, 100));
    }
}
