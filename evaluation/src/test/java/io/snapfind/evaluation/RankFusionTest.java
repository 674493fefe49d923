package io.snapfind.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RankFusionTest {

    @Test
    void scoresAreSumsOfReciprocalRanks() {
        Map<String, Double> scores = RankFusion.fusedScores(List.of(List.of("a", "b", "c"), List.of("b", "a")), 60);
        assertEquals(1.0 / 61 + 1.0 / 62, scores.get("a"), 1e-12);
        assertEquals(1.0 / 62 + 1.0 / 61, scores.get("b"), 1e-12);
        assertEquals(1.0 / 63, scores.get("c"), 1e-12, "a list that lacks a candidate adds nothing");
    }

    @Test
    void agreementBeatsOneListsTopPick() {
        // "x" is first in one list only; "y" is second in both: with k = 60, 2/62 > 1/61.
        List<String> fused = RankFusion.reciprocalRank(List.of(List.of("x", "y", "z"), List.of("w", "y", "v")));
        assertEquals(List.of("y", "x", "w", "z", "v"), fused);
    }

    @Test
    void smallKLetsTheTopPickWin() {
        // With k = 0 first place is worth 1 and second 1/2: x (1 + 1/3) beats y (1/2 + 1/2).
        List<String> fused = RankFusion.reciprocalRank(List.of(List.of("x", "y", "z"), List.of("w", "y", "x")), 0);
        // w (1) and y (1/2 + 1/2) tie; w reached rank 1, y only rank 2.
        assertEquals(List.of("x", "w", "y", "z"), fused);
    }

    @Test
    void tiesAreBrokenByBestRankThenFirstAppearance() {
        // d and e tie on score (1/61 + 1/63 each) and on best rank 1: d was seen first; c (2/62) is just below.
        assertEquals(List.of("d", "e", "c"),
                RankFusion.reciprocalRank(List.of(List.of("d", "c", "e"), List.of("e", "c", "d"))));
        // With k = 0, q (rank 1 once), x (rank 1 once) and p (rank 2 twice) all score 1: p was seen before x but
        // its best rank is only 2.
        assertEquals(List.of("q", "x", "p"),
                RankFusion.reciprocalRank(List.of(List.of("q", "p"), List.of("x", "p")), 0));
    }

    @Test
    void oneListComesBackUnchanged() {
        assertEquals(List.of("c", "a", "b"), RankFusion.reciprocalRank(List.of(List.of("c", "a", "b"))));
    }

    @Test
    void aRepeatedCandidateCountsOncePerList() {
        Map<String, Double> scores = RankFusion.fusedScores(List.of(List.of("a", "a", "b")), 60);
        assertEquals(1.0 / 61, scores.get("a"), 1e-12);
        assertEquals(1.0 / 63, scores.get("b"), 1e-12, "ranks are positions in the list as given");
    }

    @Test
    void refusesNoListsAndNegativeK() {
        assertThrows(IllegalArgumentException.class, () -> RankFusion.reciprocalRank(List.of()));
        assertThrows(IllegalArgumentException.class, () -> RankFusion.reciprocalRank(List.of(List.of("a")), -1));
    }
}
