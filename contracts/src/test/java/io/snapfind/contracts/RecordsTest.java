package io.snapfind.contracts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Validation when services build events in code, not through the codec. */
class RecordsTest {

    @Test
    void nestedViolationsNameTheFieldWithinTheirRecord() {
        assertViolation(ContractViolation.Kind.INVALID_VALUE, "url",
                () -> ProductImage.ofUrl("img-1", "file:///etc/passwd"));
        assertViolation(ContractViolation.Kind.INVALID_VALUE, "y2", () -> new Box(0, 10, 5, 10));
        assertViolation(ContractViolation.Kind.INVALID_VALUE, "vector",
                () -> new CropVector("c", new Box(0, 0, 1, 1), "image", 1f, new float[] {1f, 1f}));
    }

    @Test
    void eventChecksVectorDimensionsByIndex() {
        VectorsEvent valid = Samples.vectors();
        CropVector shortVector = new CropVector("c-3", new Box(0, 0, 8, 8), "shoe", 0.5f, new float[] {0.6f, 0.8f});
        assertViolation(ContractViolation.Kind.INVALID_VALUE, "vectors[2].vector",
                () -> VectorsEvent.vectors(valid.productId(), valid.category(), valid.title(), valid.metadata(),
                        valid.imageId(), valid.productImageIds(), valid.modelId(), valid.dimension(),
                        List.of(valid.vectors().get(0), valid.vectors().get(1), shortVector), valid.occurredAt()));
    }

    @Test
    void arraysAreCopiedInAndOut() {
        byte[] jpeg = Samples.JPEG.clone();
        Crop crop = new Crop("c-1", new Box(0, 0, 8, 8), Crop.WHOLE_IMAGE, 1f, jpeg);
        jpeg[0] = 0;
        crop.jpeg()[1] = 0;
        assertArrayEquals(Samples.JPEG, crop.jpeg());
    }

    @Test
    void deadLetterTopicIsTheSourceTopicWithSuffix() {
        assertEquals("images.crops.dlq", DeadLetter.topicFor(Topics.IMAGES_CROPS));
    }

    private static void assertViolation(ContractViolation.Kind kind, String field, Executable build) {
        ContractViolation violation = assertThrows(ContractViolation.class, build);
        assertEquals(kind, violation.kind(), violation.getMessage());
        assertEquals(field, violation.field(), violation.getMessage());
    }
}
