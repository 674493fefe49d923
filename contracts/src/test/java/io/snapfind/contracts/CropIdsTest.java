package io.snapfind.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CropIdsTest {

    private static final Box BOX = new Box(81, 120, 402, 377);

    @Test
    void sameInputsGiveTheSameId() {
        String id = CropIds.of("p-1", "img-1", BOX);
        assertEquals(id, CropIds.of("p-1", "img-1", new Box(81, 120, 402, 377)));
        assertTrue(id.matches("[0-9a-f]{32}"), id);
    }

    @Test
    void smallJitterKeepsTheId() {
        assertEquals(CropIds.of("p-1", "img-1", BOX), CropIds.of("p-1", "img-1", new Box(83, 118, 400, 379)));
    }

    @Test
    void differentImageProductOrRegionGivesADifferentId() {
        String id = CropIds.of("p-1", "img-1", BOX);
        assertNotEquals(id, CropIds.of("p-1", "img-2", BOX));
        assertNotEquals(id, CropIds.of("p-2", "img-1", BOX));
        assertNotEquals(id, CropIds.of("p-1", "img-1", new Box(81, 120, 450, 377)));
    }

    @Test
    void separatorKeepsIdsFromRunningTogether() {
        assertNotEquals(CropIds.of("p-1", "1img", BOX), CropIds.of("p-11", "img", BOX));
    }

    @Test
    void rejectsMissingParts() {
        ContractViolation violation = assertThrows(ContractViolation.class, () -> CropIds.of("p-1", " ", BOX));
        assertEquals("imageId", violation.field());
    }
}
