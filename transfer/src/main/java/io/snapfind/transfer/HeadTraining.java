package io.snapfind.transfer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import io.snapfind.embedder.model.ProjectionHead;
import io.snapfind.evaluation.GroceryStore;
import io.snapfind.evaluation.RetrievalMetrics;

/**
 * The training procedure. The number of epochs is chosen by k-fold cross-validation inside the training photos
 * (each fold's photos are the validation queries of a head trained on the iconic images and the other folds),
 * scored as retrieval: the validation photo's top-1 among the iconic images, through the head. The head is then
 * trained on every training photo for that many epochs. Nothing here sees the evaluation photos.
 */
public final class HeadTraining {

    /**
     * The outcome.
     *
     * @param head              the head trained on all training photos and the iconic images
     * @param epochs            the number of epochs chosen by cross-validation
     * @param validationTop1    mean validation top-1 over the folds after each epoch (index 0 = epoch 1)
     * @param training          the final training's epochs
     */
    public record Result(ProjectionHead head, int epochs, double[] validationTop1, List<HeadTrainer.Epoch> training) {
    }

    private HeadTraining() {
    }

    /**
     * Chooses the epochs with {@code folds}-fold cross-validation (fewer than 2: no validation, {@code maxEpochs}
     * are trained), then trains the final head. Progress goes to {@code log}.
     */
    public static Result run(GroceryFeatures data, HeadTrainer trainer, int maxEpochs, int folds, PrintStream log) {
        double[] validation = new double[maxEpochs];
        int chosen = maxEpochs;
        if (folds >= 2) {
            int[] fold = data.folds(folds, trainer.settings().seed());
            for (int f = 0; f < folds; f++) {
                int held = f;
                GroceryFeatures.Samples samples = data.samples(i -> fold[i] != held);
                List<Integer> queries = new ArrayList<>();
                for (int i = 0; i < fold.length; i++) {
                    if (fold[i] == held) {
                        queries.add(i);
                    }
                }
                trainer.train(samples.features(), samples.labels(), data.classes().size(), maxEpochs,
                        (epoch, head) -> validation[epoch.number() - 1] += top1(data, queries, head.get()) / folds);
                log.printf("fold %d/%d: trained on %d samples, validated on %d photos%n", f + 1, folds,
                        samples.size(), queries.size());
            }
            chosen = 1;
            for (int e = 0; e < maxEpochs; e++) {
                if (validation[e] > validation[chosen - 1] + 1e-9) {
                    chosen = e + 1;
                }
            }
            for (int e = 0; e < maxEpochs; e++) {
                if (e == 0 || (e + 1) % 10 == 0 || e + 1 == chosen) {
                    log.printf("epoch %3d: cross-validated top-1 %.3f%s%n", e + 1, validation[e],
                            e + 1 == chosen ? "  <- chosen (the first epoch with the best score)" : "");
                }
            }
        }
        GroceryFeatures.Samples all = data.samples(i -> true);
        List<HeadTrainer.Epoch> epochs = new ArrayList<>();
        log.printf("final training: %d samples (%d iconic images and %d training photos%s), %d classes, %d epochs%n",
                all.size(), data.iconic().size(), data.photos().size(),
                all.size() > data.iconic().size() + data.photos().size() ? ", each also mirrored" : "",
                data.classes().size(), chosen);
        ProjectionHead head = trainer.train(all.features(), all.labels(), data.classes().size(), chosen,
                (epoch, current) -> {
                    epochs.add(epoch);
                    log.printf("epoch %3d: loss %.4f, training accuracy %.3f%n", epoch.number(), epoch.loss(),
                            epoch.accuracy());
                });
        return new Result(head, chosen, folds >= 2 ? validation : new double[0], epochs);
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
