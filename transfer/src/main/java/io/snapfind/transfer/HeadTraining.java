package io.snapfind.transfer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import io.snapfind.embedder.model.ProjectionHead;
import io.snapfind.evaluation.GroceryStore;
import io.snapfind.evaluation.RetrievalMetrics;

/**
 * The training procedure. Settings (a small grid) and the number of epochs are chosen by k-fold cross-validation
 * inside the training photos: the folds are {@link GroceryFeatures#groupedFolds grouped} (contiguous runs of a
 * class's shots stay together), each fold's photos are the validation queries of a head trained on the iconic
 * images and the other folds, scored as retrieval: the validation photo's top-1 among the iconic images, through
 * the head. The best settings are then trained on every training photo for the chosen number of epochs. Nothing
 * here sees the evaluation photos.
 */
public final class HeadTraining {

    /**
     * One candidate's cross-validation.
     *
     * @param settings the settings
     * @param epochs   the chosen number of epochs: the first checkpoint with the best mean score
     * @param top1     the mean validation top-1 over the folds at that epoch
     * @param curve    the mean validation top-1 at every checkpoint (epochs {@code every}, 2·{@code every}, …)
     * @param every    epochs between checkpoints
     * @param seconds  time taken
     */
    public record Candidate(HeadTrainer.Settings settings, int epochs, double top1, double[] curve, int every,
            double seconds) {
    }

    /**
     * The outcome.
     *
     * @param head       the head trained on all training photos and the iconic images
     * @param chosen     the candidate chosen (its settings and epochs trained the head); {@code null} without folds
     * @param candidates every candidate cross-validated, in grid order
     * @param folds      the number of folds (below 2: none)
     * @param training   the final training's epochs
     */
    public record Result(ProjectionHead head, HeadTrainer.Settings settings, int epochs, Candidate chosen,
            List<Candidate> candidates, int folds, List<HeadTrainer.Epoch> training) {
    }

    private HeadTraining() {
    }

    /**
     * Cross-validates {@code settings} with {@code folds} grouped folds (seeded with the settings' seed), scoring
     * every {@code every} epochs up to {@code maxEpochs}.
     */
    public static Candidate crossValidate(GroceryFeatures data, HeadTrainer.Settings settings, int maxEpochs,
            int folds, int every, PrintStream log) {
        long start = System.nanoTime();
        HeadTrainer trainer = new HeadTrainer(settings);
        int checkpoints = maxEpochs / every;
        double[] curve = new double[checkpoints];
        int[] fold = data.groupedFolds(folds, settings.seed());
        for (int f = 0; f < folds; f++) {
            int held = f;
            GroceryFeatures.Samples samples = data.samples(i -> fold[i] != held);
            List<Integer> queries = new ArrayList<>();
            for (int i = 0; i < fold.length; i++) {
                if (fold[i] == held) {
                    queries.add(i);
                }
            }
            trainer.train(samples.features(), samples.labels(), data.classes().size(), checkpoints * every,
                    (epoch, head) -> {
                        if (epoch.number() % every == 0) {
                            curve[epoch.number() / every - 1] += top1(data, queries, head.get()) / folds;
                        }
                    });
            log.printf("  fold %d/%d: trained on %d samples, validated on %d photos (%.0f s so far)%n", f + 1, folds,
                    samples.size(), queries.size(), (System.nanoTime() - start) / 1e9);
        }
        int best = 0;
        for (int c = 1; c < checkpoints; c++) {
            if (curve[c] > curve[best] + 1e-9) {
                best = c;
            }
        }
        StringBuilder line = new StringBuilder("  cross-validated top-1 by epoch:");
        for (int c = 0; c < checkpoints; c++) {
            line.append(String.format(" %d:%.3f", (c + 1) * every, curve[c]));
        }
        log.println(line);
        Candidate candidate = new Candidate(settings, (best + 1) * every, curve[best], curve, every,
                (System.nanoTime() - start) / 1e9);
        log.printf("  -> best %.3f at epoch %d (%.0f s)%n", candidate.top1(), candidate.epochs(), candidate.seconds());
        return candidate;
    }

    /**
     * Cross-validates every entry of {@code grid} (with fewer than 2 folds: none, the first entry is trained for
     * {@code maxEpochs}), keeps the best (the first one, on ties) and trains it on all the data. Progress goes to
     * {@code log}.
     */
    public static Result run(GroceryFeatures data, List<HeadTrainer.Settings> grid, int maxEpochs, int folds,
            int every, PrintStream log) {
        List<Candidate> candidates = new ArrayList<>();
        Candidate chosen = null;
        if (folds >= 2) {
            for (HeadTrainer.Settings settings : grid) {
                log.printf("cross-validation (%d grouped folds) of %s%n", folds, settings);
                Candidate candidate = crossValidate(data, settings, maxEpochs, folds, every, log);
                candidates.add(candidate);
                if (chosen == null || candidate.top1() > chosen.top1() + 1e-9) {
                    chosen = candidate;
                }
            }
            log.printf("chosen: %s, %d epochs (cross-validated top-1 %.3f)%n", chosen.settings(), chosen.epochs(),
                    chosen.top1());
        }
        HeadTrainer.Settings settings = chosen != null ? chosen.settings() : grid.get(0);
        int epochs = chosen != null ? chosen.epochs() : maxEpochs;
        GroceryFeatures.Samples all = data.samples(i -> true);
        List<HeadTrainer.Epoch> trained = new ArrayList<>();
        log.printf("final training: %d samples (%d iconic images and %d training photos%s), %d classes, %d epochs%n",
                all.size(), data.iconic().size(), data.photos().size(),
                all.size() > data.iconic().size() + data.photos().size() ? ", each also mirrored" : "",
                data.classes().size(), epochs);
        ProjectionHead head = new HeadTrainer(settings).train(all.features(), all.labels(), data.classes().size(),
                epochs, (epoch, current) -> {
                    trained.add(epoch);
                    if (epoch.number() == 1 || epoch.number() % 10 == 0 || epoch.number() == epochs) {
                        log.printf("epoch %3d: loss %.4f, training accuracy %.3f%n", epoch.number(), epoch.loss(),
                                epoch.accuracy());
                    }
                });
        return new Result(head, settings, epochs, chosen, candidates, folds, trained);
    }

    /** Share of {@code queries} (photo indices) whose nearest iconic image through {@code head} is their class's. */
    static double top1(GroceryFeatures data, List<Integer> queries, ProjectionHead head) {
        if (queries.isEmpty()) {
            return 0;
        }
        float[][] gallery = Retrieval.project(data.iconicVectors(), head);
        List<String> labels = data.classes();
        float[][] vectors = new float[queries.size()][];
        for (int q = 0; q < queries.size(); q++) {
            vectors[q] = data.photoVectors()[queries.get(q)];
        }
        List<List<String>> ranked = Retrieval.rankedLabels(Retrieval.project(vectors, head), gallery, labels, 1);
        double hits = 0;
        for (int q = 0; q < queries.size(); q++) {
            GroceryStore.Photo photo = data.photos().get(queries.get(q));
            hits += RetrievalMetrics.hitAtK(ranked.get(q), photo.fine(), 1);
        }
        return hits / queries.size();
    }
}
