package io.snapfind.evaluation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): several ranked lists of the same candidates,
 * e.g. from different embedding models, become one. A candidate scores {@code Σ 1 / (k + rank)} over the lists that
 * hold it, rank counted from 1; a list that lacks it adds nothing. Only ranks are used, never the lists' own scores,
 * so models whose similarities live on different scales fuse without calibration. The constant {@code k} damps the
 * weight of the very first places: with the paper's {@value #DEFAULT_K}, first place is worth 1/61 and tenth 1/70,
 * so agreement between lists counts for more than one list's top pick.
 */
public final class RankFusion {

    /** The constant of the original paper, also the default of Elasticsearch, OpenSearch and Milvus. */
    public static final int DEFAULT_K = 60;

    private RankFusion() {
    }

    /** {@link #reciprocalRank(List, int)} with {@link #DEFAULT_K}. */
    public static <T> List<T> reciprocalRank(List<? extends List<T>> rankings) {
        return reciprocalRank(rankings, DEFAULT_K);
    }

    /**
     * The fused ranking, best first, of every candidate that appears in any list. Equal fused scores are broken by
     * the best single rank the candidate reached, then by the order of first appearance (list by list), so the
     * result is deterministic. A candidate repeated within one list counts at its first (best) place only.
     *
     * @throws IllegalArgumentException when there is no list or {@code k} is negative
     */
    public static <T> List<T> reciprocalRank(List<? extends List<T>> rankings, int k) {
        return scores(rankings, k).entrySet().stream()
                .sorted(Comparator.<Map.Entry<T, Fused>>comparingDouble(entry -> -entry.getValue().score)
                        .thenComparingInt(entry -> entry.getValue().bestRank)
                        .thenComparingInt(entry -> entry.getValue().firstSeen))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Every candidate's fused score, in order of first appearance. */
    public static <T> Map<T, Double> fusedScores(List<? extends List<T>> rankings, int k) {
        Map<T, Double> scores = new LinkedHashMap<>();
        scores(rankings, k).forEach((candidate, fused) -> scores.put(candidate, fused.score));
        return scores;
    }

    private static <T> Map<T, Fused> scores(List<? extends List<T>> rankings, int k) {
        if (rankings == null || rankings.isEmpty()) {
            throw new IllegalArgumentException("rank fusion needs at least one ranked list");
        }
        if (k < 0) {
            throw new IllegalArgumentException("the rank fusion constant k must not be negative, got " + k);
        }
        Map<T, Fused> fused = new LinkedHashMap<>();
        int seen = 0;
        for (List<T> ranking : rankings) {
            Map<T, Boolean> counted = new HashMap<>();
            List<T> list = new ArrayList<>(ranking);
            for (int i = 0; i < list.size(); i++) {
                T candidate = list.get(i);
                if (counted.putIfAbsent(candidate, Boolean.TRUE) != null) {
                    continue;
                }
                int rank = i + 1;
                Fused entry = fused.get(candidate);
                if (entry == null) {
                    entry = new Fused(seen++);
                    fused.put(candidate, entry);
                }
                entry.score += 1.0 / (k + rank);
                entry.bestRank = Math.min(entry.bestRank, rank);
            }
        }
        return fused;
    }

    private static final class Fused {
        final int firstSeen;
        double score;
        int bestRank = Integer.MAX_VALUE;

        Fused(int firstSeen) {
            this.firstSeen = firstSeen;
        }
    }
}
