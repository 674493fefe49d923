package io.snapfind.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ExactSearchTest {

    @Test
    void ranksByCosineOfUnitVectors() {
        List<float[][]> gallery = List.of(new float[][] { { 1, 0 } }, new float[][] { { 0, 1 } },
                new float[][] { { 0.6f, 0.8f } });
        assertArrayEquals(new int[] { 1, 2, 0 }, ExactSearch.rank(new float[][] { { 0, 1 } }, gallery, Metric.COSINE));
        assertArrayEquals(new int[] { 0, 2, 1 }, ExactSearch.rank(new float[][] { { 1, 0 } }, gallery, Metric.COSINE));
    }

    @Test
    void euclideanSeesLengthWhereCosineDoesNot() {
        // Same direction, different lengths: cosine ties them (gallery order kept), Euclidean prefers the near one.
        List<float[][]> gallery = List.of(new float[][] { { 10, 0 } }, new float[][] { { 1, 0 } });
        float[][] query = { { 1, 0 } };
        assertArrayEquals(new int[] { 1, 0 }, ExactSearch.rank(query, gallery, Metric.EUCLIDEAN));
        assertEquals(-81f, Metric.EUCLIDEAN.similarity(query[0], gallery.get(0)[0]));
    }

    @Test
    void anImageScoresByItsBestPairOfVectors() {
        // Item 0 has one crop that matches the query's second crop exactly; item 1 is closer on average.
        List<float[][]> gallery = List.of(new float[][] { { 1, 0 }, { -1, 0 } },
                new float[][] { { 0.7071f, 0.7071f } });
        float[][] query = { { 0, 1 }, { 1, 0 } };
        assertArrayEquals(new int[] { 0, 1 }, ExactSearch.rank(query, gallery, Metric.COSINE));
    }

    @Test
    void modesSelectTheViews() {
        float[] whole = { 1, 0 };
        float[][] crops = { { 0.9f, 0.1f }, { 0, 1 }, { 0.5f, 0.5f } };
        for (boolean query : new boolean[] { false, true }) {
            assertArrayEquals(new float[][] { whole }, Mode.WHOLE.select(whole, crops, query));
            assertArrayEquals(new float[][] { crops[1], crops[2] }, Mode.CROPS.select(whole, crops, query));
            assertArrayEquals(crops, Mode.CROPS_AND_WHOLE.select(whole, crops, query));
        }
        float[][] nothingDetected = { { 0.9f, 0.1f } };
        assertArrayEquals(nothingDetected, Mode.CROPS.select(whole, nothingDetected, true),
                "crop 0 (the whole image) stands in when nothing is detected");
        assertArrayEquals(crops, Mode.INDEXED.select(whole, crops, false), "the gallery as the indexer stores it");
        assertArrayEquals(new float[][] { whole }, Mode.INDEXED.select(whole, null, true), "the query photo whole");
        assertTrue(Mode.INDEXED.usesCrops() && !Mode.INDEXED.queryUsesCrops());
        assertTrue(!Mode.WHOLE.usesCrops() && Mode.CROPS.queryUsesCrops());
    }

    @Test
    void parsesNames() {
        assertEquals(Mode.CROPS_AND_WHOLE, Mode.parse("crops+whole"));
        assertEquals(Mode.INDEXED, Mode.parse("indexed"));
        assertEquals(Mode.INDEXED, Mode.parse("whole→indexed"));
        assertEquals(Metric.EUCLIDEAN, Metric.parse("L2"));
        assertEquals(new ModelRef("mobilenetv2", true), ModelRef.parse("mobilenetv2+head"));
        assertEquals("RRF(a + b+head) | cosine | whole", new Configuration(
                List.of(ModelRef.parse("a"), ModelRef.parse("b+head")), Metric.COSINE, Mode.WHOLE).name());
    }

    @Test
    void combinationsAreEverySubsetOfTwoOrMore() {
        List<ModelRef> refs = List.of(ModelRef.parse("a"), ModelRef.parse("b"), ModelRef.parse("c"));
        List<List<ModelRef>> subsets = CompareCommand.combinations(refs);
        assertEquals(4, subsets.size());
        assertEquals(refs, subsets.get(3));
    }
}
