package io.snapfind.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Valid events to round-trip and to break one field at a time. */
final class Samples {

    static final Instant OCCURRED_AT = Instant.parse("2025-03-01T12:00:00.123456789Z");
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};

    private Samples() {
    }

    static ProductEvent product() {
        return ProductEvent.upsert("p-1", "shoes", "Trail runner", Map.of("brand", "Acme", "color", "red"),
                List.of(ProductImage.ofUrl("img-1", "https://cdn.example.com/p-1/front.jpg"),
                        ProductImage.ofBytes("img-2", JPEG)),
                OCCURRED_AT);
    }

    static CropsEvent crops() {
        Box whole = new Box(0, 0, 640, 480);
        Box shoe = new Box(81, 120, 402, 377);
        return CropsEvent.crops("p-1", "shoes", "Trail runner", Map.of("brand", "Acme"), "img-1",
                List.of("img-1", "img-2"),
                List.of(new Crop(CropIds.of("p-1", "img-1", whole), whole, Crop.WHOLE_IMAGE, 1f, JPEG),
                        new Crop(CropIds.of("p-1", "img-1", shoe), shoe, "shoe", 0.87f, JPEG)),
                OCCURRED_AT);
    }

    static VectorsEvent vectors() {
        Box whole = new Box(0, 0, 640, 480);
        Box shoe = new Box(81, 120, 402, 377);
        return VectorsEvent.vectors("p-1", "shoes", "Trail runner", Map.of("brand", "Acme"), "img-1",
                List.of("img-1", "img-2"), "clip-vit-b32", 4,
                List.of(new CropVector(CropIds.of("p-1", "img-1", whole), whole, Crop.WHOLE_IMAGE, 1f,
                                new float[] {0.5f, 0.5f, 0.5f, 0.5f}),
                        new CropVector(CropIds.of("p-1", "img-1", shoe), shoe, "shoe", 0.87f,
                                new float[] {0.6f, 0f, -0.8f, 0f})),
                OCCURRED_AT);
    }

    static DeadLetter deadLetter() {
        return DeadLetter.of("detector.fetch", "fetch-refused", "host resolves to a private address",
                Topics.CATALOG_PRODUCTS, 3, 42L, "p-1", "{\"schemaVersion\":1}".getBytes(), "p-1", "img-1",
                OCCURRED_AT.plusSeconds(5));
    }
}
