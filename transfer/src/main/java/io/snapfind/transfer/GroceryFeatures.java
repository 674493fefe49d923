package io.snapfind.transfer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

import io.snapfind.evaluation.GroceryStore;

/**
 * Backbone features of labelled grocery images: the 81 iconic catalogue images and a list of natural photos, each
 * also mirrored left to right when asked (augmentation in feature space: a mirrored product is the same product).
 * Labels are fine class indices in the order of the iconic images.
 */
public final class GroceryFeatures {

    /** Where the data set lives inside the assets directory. */
    public static final String DATASET = "datasets/grocery-store/dataset";
    /** The dataset's training photos (2,640): what a head trains on. */
    public static final String TRAIN_LIST = "train.txt";
    /** The dataset's validation photos (296): what a head is reported on, never trained or tuned on. */
    public static final String VAL_LIST = "val.txt";

    private final List<String> classes;
    private final List<GroceryStore.Photo> iconic;
    private final float[][] iconicVectors;
    private final float[][] iconicMirrored;
    private final List<GroceryStore.Photo> photos;
    private final float[][] photoVectors;
    private final float[][] photoMirrored;

    private GroceryFeatures(List<GroceryStore.Photo> iconic, float[][] iconicVectors, float[][] iconicMirrored,
            List<GroceryStore.Photo> photos, float[][] photoVectors, float[][] photoMirrored) {
        this.classes = iconic.stream().map(GroceryStore.Photo::fine).toList();
        this.iconic = iconic;
        this.iconicVectors = iconicVectors;
        this.iconicMirrored = iconicMirrored;
        this.photos = photos;
        this.photoVectors = photoVectors;
        this.photoMirrored = photoMirrored;
    }

    /** The iconic images and the photos of {@code listFile} ({@link #TRAIN_LIST} or {@link #VAL_LIST}). */
    public static GroceryStore store(Path assets, String listFile) {
        return GroceryStore.load(assets.resolve(DATASET), listFile);
    }

    /**
     * Features of {@code store}'s iconic images and of {@code photos}, which the feature cache knows as
     * {@code photoSet} (a name that must change when the list does: the cache checks the list anyway); mirrored
     * copies only if {@code mirror}.
     */
    public static GroceryFeatures extract(FrozenBackbone backbone, GroceryStore store, String photoSet,
            List<GroceryStore.Photo> photos, boolean mirror) {
        List<GroceryStore.Photo> iconic = store.iconic();
        List<Path> iconicPaths = iconic.stream().map(GroceryStore.Photo::path).toList();
        List<Path> photoPaths = photos.stream().map(GroceryStore.Photo::path).toList();
        return new GroceryFeatures(iconic, backbone.features("iconic", iconicPaths, false),
                mirror ? backbone.features("iconic", iconicPaths, true) : null, List.copyOf(photos),
                backbone.features(photoSet, photoPaths, false),
                mirror ? backbone.features(photoSet, photoPaths, true) : null);
    }

    /** Only the iconic images and photos of {@code fineClasses}: what a head trained on those classes sees. */
    public GroceryFeatures onlyClasses(Set<String> fineClasses) {
        int[] keptIconic = indices(iconic, fineClasses);
        int[] keptPhotos = indices(photos, fineClasses);
        return new GroceryFeatures(pick(iconic, keptIconic), pick(iconicVectors, keptIconic),
                pick(iconicMirrored, keptIconic), pick(photos, keptPhotos), pick(photoVectors, keptPhotos),
                pick(photoMirrored, keptPhotos));
    }

    /** Every iconic image, but only the photos of {@code fineClasses}: queries of those classes, whole catalogue. */
    public GroceryFeatures onlyPhotosOf(Set<String> fineClasses) {
        int[] keptPhotos = indices(photos, fineClasses);
        return new GroceryFeatures(iconic, iconicVectors, iconicMirrored, pick(photos, keptPhotos),
                pick(photoVectors, keptPhotos), pick(photoMirrored, keptPhotos));
    }

    /** The fine class names; a label is an index into this list. */
    public List<String> classes() {
        return classes;
    }

    public List<GroceryStore.Photo> iconic() {
        return iconic;
    }

    public float[][] iconicVectors() {
        return iconicVectors;
    }

    public List<GroceryStore.Photo> photos() {
        return photos;
    }

    public float[][] photoVectors() {
        return photoVectors;
    }

    /** The iconic images' mirrored features, or {@code null} when they were not extracted. */
    public float[][] iconicMirrored() {
        return iconicMirrored;
    }

    /** The photos' mirrored features, or {@code null} when they were not extracted. */
    public float[][] photoMirrored() {
        return photoMirrored;
    }

    public boolean hasMirrored() {
        return photoMirrored != null && iconicMirrored != null;
    }

    public int label(GroceryStore.Photo photo) {
        int label = classes.indexOf(photo.fine());
        if (label < 0) {
            throw new IllegalArgumentException("no iconic image for class " + photo.fine());
        }
        return label;
    }

    /** Labelled training samples: every iconic image and the photos {@code included} picks, mirrored ones too. */
    public Samples samples(IntPredicate included) {
        List<float[]> vectors = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < iconic.size(); i++) {
            add(vectors, labels, iconicVectors[i], iconicMirrored == null ? null : iconicMirrored[i], i);
        }
        for (int i = 0; i < photos.size(); i++) {
            if (included.test(i)) {
                add(vectors, labels, photoVectors[i], photoMirrored == null ? null : photoMirrored[i],
                        label(photos.get(i)));
            }
        }
        return new Samples(vectors.toArray(float[][]::new), labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Assigns each photo to one of {@code folds} folds: per class, a seeded shuffle dealt out in turn, so every
     * fold holds about the same share of every class.
     */
    public int[] folds(int folds, long seed) {
        Map<String, List<Integer>> byClass = new LinkedHashMap<>();
        for (int i = 0; i < photos.size(); i++) {
            byClass.computeIfAbsent(photos.get(i).fine(), key -> new ArrayList<>()).add(i);
        }
        java.util.Random random = new java.util.Random(seed);
        int[] fold = new int[photos.size()];
        int next = 0;
        for (List<Integer> members : byClass.values()) {
            List<Integer> shuffled = new ArrayList<>(members);
            java.util.Collections.shuffle(shuffled, random);
            // Classes start on different folds, so the folds with one-photo classes are not always fold 0.
            for (Integer member : shuffled) {
                fold[member] = next++ % folds;
            }
        }
        return fold;
    }

    /**
     * Assigns each photo to one of {@code folds} folds <em>grouped</em>: within a class the photos, in file-name
     * order (the dataset numbers a class's shots in the order they were taken, so neighbours are shots of one
     * session), are cut into {@code folds} contiguous blocks of near-equal size, and a seeded shuffle decides which
     * block goes to which fold. A fold's photos therefore mostly have no near-duplicate neighbour in the other
     * folds, as the val photos (other sessions) have none in train.txt; classes with fewer photos than folds leave
     * some folds without them.
     */
    public int[] groupedFolds(int folds, long seed) {
        Map<String, List<Integer>> byClass = new LinkedHashMap<>();
        for (int i = 0; i < photos.size(); i++) {
            byClass.computeIfAbsent(photos.get(i).fine(), key -> new ArrayList<>()).add(i);
        }
        java.util.Random random = new java.util.Random(seed);
        int[] fold = new int[photos.size()];
        for (List<Integer> members : byClass.values()) {
            List<Integer> ordered = new ArrayList<>(members);
            ordered.sort(java.util.Comparator.comparing(i -> photos.get(i).path().toString()));
            List<Integer> blocks = new ArrayList<>();
            for (int f = 0; f < folds; f++) {
                blocks.add(f);
            }
            java.util.Collections.shuffle(blocks, random);
            for (int k = 0; k < ordered.size(); k++) {
                fold[ordered.get(k)] = blocks.get((int) ((long) k * folds / ordered.size()));
            }
        }
        return fold;
    }

    /** Training samples and their labels. */
    public record Samples(float[][] features, int[] labels) {
        public int size() {
            return labels.length;
        }
    }

    private static int[] indices(List<GroceryStore.Photo> photos, Set<String> fineClasses) {
        return java.util.stream.IntStream.range(0, photos.size())
                .filter(i -> fineClasses.contains(photos.get(i).fine())).toArray();
    }

    private static List<GroceryStore.Photo> pick(List<GroceryStore.Photo> photos, int[] indices) {
        return java.util.Arrays.stream(indices).mapToObj(photos::get).toList();
    }

    private static float[][] pick(float[][] vectors, int[] indices) {
        return vectors == null ? null : java.util.Arrays.stream(indices).mapToObj(i -> vectors[i])
                .toArray(float[][]::new);
    }

    private static void add(List<float[]> vectors, List<Integer> labels, float[] vector, float[] mirrored, int label) {
        vectors.add(vector);
        labels.add(label);
        if (mirrored != null) {
            vectors.add(mirrored);
            labels.add(label);
        }
    }
}
