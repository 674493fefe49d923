package io.snapfind.transfer;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import io.snapfind.embedder.model.ProjectionHead;
import io.snapfind.evaluation.GroceryStore;
import io.snapfind.evaluation.LabelledImage;
import io.snapfind.evaluation.LabelledSets;
import io.snapfind.evaluation.RetrievalMetrics;

/**
 * Retrieval figures with or without a head, by exact cosine kNN over the embedder's vectors.
 * <ul>
 * <li>Grocery: every photo of {@code val.txt} (296; a head trains on {@code train.txt} and chooses its settings
 * by folds of it, so none of these was trained or tuned on) queries the 81 iconic images; fine top-1 and top-5
 * (the iconic image of the photo's product among the first k), coarse top-1 (the first result is of the photo's
 * kind of product). With {@code mirrorAverage}, every query and gallery vector is the normalised mean of the
 * image's and its mirror image's (test-time augmentation).</li>
 * <li>IKEA: product photos by category (room scenes left out), 20 % of each category held out as queries with
 * seed 42 (categories of at least 5), the rest the gallery; mean precision@5. The head never saw IKEA, so this
 * tells whether what it learned carries over to another catalogue.</li>
 * </ul>
 */
public final class HeadEvaluation {

    public static final String IKEA_IMAGES = "datasets/ikea-interior/images";
    public static final long IKEA_SEED = 42;

    /** Features of every query and gallery image, extracted once and reused with and without a head. */
    public record Features(GroceryFeatures grocery, float[][] ikeaQueries, List<String> ikeaQueryLabels,
            float[][] ikeaGallery, List<String> ikeaGalleryLabels) {
    }

    /** The figures; IKEA ones are NaN when IKEA was not measured. */
    public record Figures(int groceryQueries, double fineTop1, double fineTop5, double coarseTop1, int ikeaQueries,
            double ikeaP5) {
    }

    private HeadEvaluation() {
    }

    /** Extracts the evaluation features; {@code withIkea} false measures the grocery figures only. */
    public static Features extract(FrozenBackbone backbone, Path assets, boolean withIkea, boolean mirrored) {
        GroceryStore store = GroceryFeatures.store(assets, GroceryFeatures.VAL_LIST);
        GroceryFeatures grocery = GroceryFeatures.extract(backbone, store, "val", store.natural(), mirrored);
        return withIkea(backbone, assets, grocery, withIkea);
    }

    /** {@code grocery} as the grocery part, with or without IKEA. */
    public static Features withIkea(FrozenBackbone backbone, Path assets, GroceryFeatures grocery, boolean withIkea) {
        if (!withIkea) {
            return new Features(grocery, new float[0][], List.of(), new float[0][], List.of());
        }
        LabelledSets.Split ikea = LabelledSets.holdOut(
                LabelledSets.folderPerClass(assets.resolve(IKEA_IMAGES), Set.of("room_scenes")), 0.2, 5, IKEA_SEED);
        return new Features(grocery, backbone.features("ikea-queries", paths(ikea.queries()), false),
                labels(ikea.queries()), backbone.features("ikea-gallery", paths(ikea.gallery()), false),
                labels(ikea.gallery()));
    }

    /** The figures of {@code features} through {@code head}, or of the backbone alone when it is {@code null}. */
    public static Figures measure(Features features, ProjectionHead head) {
        return measure(features, head, false);
    }

    /** As {@link #measure(Features, ProjectionHead)}, averaging each image with its mirror image if asked. */
    public static Figures measure(Features features, ProjectionHead head, boolean mirrorAverage) {
        GroceryFeatures grocery = features.grocery();
        if (mirrorAverage && !grocery.hasMirrored()) {
            throw new IllegalArgumentException("mirror averaging needs the mirrored features");
        }
        float[][] gallery = mirrorAverage
                ? Retrieval.average(Retrieval.project(grocery.iconicVectors(), head),
                        Retrieval.project(grocery.iconicMirrored(), head))
                : Retrieval.project(grocery.iconicVectors(), head);
        float[][] queryVectors = mirrorAverage
                ? Retrieval.average(Retrieval.project(grocery.photoVectors(), head),
                        Retrieval.project(grocery.photoMirrored(), head))
                : Retrieval.project(grocery.photoVectors(), head);
        List<List<String>> ranked = Retrieval.rankedLabels(queryVectors, gallery, grocery.classes(), 5);
        double top1 = 0;
        double top5 = 0;
        double coarse = 0;
        List<GroceryStore.Photo> photos = grocery.photos();
        for (int q = 0; q < photos.size(); q++) {
            GroceryStore.Photo photo = photos.get(q);
            top1 += RetrievalMetrics.hitAtK(ranked.get(q), photo.fine(), 1);
            top5 += RetrievalMetrics.hitAtK(ranked.get(q), photo.fine(), 5);
            String first = ranked.get(q).get(0);
            coarse += grocery.iconic().get(grocery.classes().indexOf(first)).coarse().equals(photo.coarse()) ? 1 : 0;
        }
        int queries = photos.size();
        double ikeaP5 = Double.NaN;
        if (features.ikeaQueries().length > 0) {
            List<List<String>> ikeaRanked = Retrieval.rankedLabels(Retrieval.project(features.ikeaQueries(), head),
                    Retrieval.project(features.ikeaGallery(), head), features.ikeaGalleryLabels(), 5);
            double sum = 0;
            for (int q = 0; q < ikeaRanked.size(); q++) {
                sum += RetrievalMetrics.precisionAtK(ikeaRanked.get(q), features.ikeaQueryLabels().get(q), 5);
            }
            ikeaP5 = sum / ikeaRanked.size();
        }
        return new Figures(queries, top1 / queries, top5 / queries, coarse / queries,
                features.ikeaQueries().length, ikeaP5);
    }

    private static List<Path> paths(List<LabelledImage> images) {
        return images.stream().map(LabelledImage::path).toList();
    }

    private static List<String> labels(List<LabelledImage> images) {
        return images.stream().map(LabelledImage::label).toList();
    }
}
