package io.snapfind.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.snapfind.embedder.model.ProjectionHead;

class RetrievalTest {

    private static final float[][] GALLERY = { { 1, 0 }, { 0, 1 }, { -1, 0 }, { 0.8f, 0.6f } };
    private static final List<String> LABELS = List.of("east", "north", "west", "north-east");

    @Test
    void resultsAreRankedByCosineBestFirst() {
        List<List<String>> ranked = Retrieval.rankedLabels(new float[][] { { 0.6f, 0.8f }, { -1, 0 } }, GALLERY,
                LABELS, 3);
        assertEquals(List.of("north-east", "north", "east"), ranked.get(0));
        assertEquals(List.of("west", "north", "north-east"), ranked.get(1));
    }

    @Test
    void aListShorterThanKHasTheWholeGallery() {
        assertEquals(4, Retrieval.rankedLabels(new float[][] { { 1, 0 } }, GALLERY, LABELS, 10).get(0).size());
    }

    @Test
    void equalScoresKeepGalleryOrder() {
        List<List<String>> ranked = Retrieval.rankedLabels(new float[][] { { 0, -1 } }, GALLERY, LABELS, 2);
        assertEquals(List.of("east", "west"), ranked.get(0));
    }

    @Test
    void projectingAppliesTheHeadToEachVector() {
        ProjectionHead swap = ProjectionHead.of(List.of(new ProjectionHead.Layer(2, 2, new float[] { 0, 1, 1, 0 },
                new float[2])));
        float[][] projected = Retrieval.project(new float[][] { { 1, 0 }, { 0.6f, 0.8f } }, swap);
        assertEquals(0f, projected[0][0]);
        assertEquals(1f, projected[0][1]);
        assertEquals(0.8f, projected[1][0], 1e-6f);
        assertEquals(0.6f, projected[1][1], 1e-6f);
    }
}
