package io.snapfind.evaluation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Grocery Store data set (Klasson et al., WACV 2019) in its published layout: {@code classes.csv} names the 81
 * fine classes, their coarse class and their iconic catalogue image; {@code val.txt} lists natural photos as
 * {@code path, fineId, coarseId}. The iconic images are the catalogue (gallery), the natural photos the shopper's
 * queries, and some of them the training photos of a projection head.
 */
public final class GroceryStore {

    /** One photo with both of its labels. */
    public record Photo(Path path, String fine, String coarse) {
    }

    /** Natural photos divided into the part a head may train on and the part it is evaluated on. */
    public record PhotoSplit(List<Photo> training, List<Photo> evaluation) {
    }

    /** The seed of the documented training/evaluation split of the natural photos. */
    public static final long SPLIT_SEED = 20261123L;

    private final List<Photo> iconic;
    private final List<Photo> natural;

    private GroceryStore(List<Photo> iconic, List<Photo> natural) {
        this.iconic = List.copyOf(iconic);
        this.natural = List.copyOf(natural);
    }

    /**
     * Reads the set from its {@code dataset} folder (the one holding {@code classes.csv}); {@code listFile} names
     * the natural photos ({@code val.txt}, or {@code test.txt} of the full download).
     */
    public static GroceryStore load(Path datasetDir, String listFile) {
        Map<Integer, String[]> classes = new HashMap<>();
        List<Photo> iconic = new ArrayList<>();
        for (String[] row : rows(datasetDir.resolve("classes.csv"), true)) {
            String fine = row[0];
            String coarse = row[2];
            classes.put(Integer.parseInt(row[1]), new String[] { fine, coarse });
            iconic.add(new Photo(datasetDir.resolve(row[4].replaceFirst("^/", "")), fine, coarse));
        }
        List<Photo> natural = new ArrayList<>();
        for (String[] row : rows(datasetDir.resolve(listFile), false)) {
            String[] names = classes.get(Integer.parseInt(row[1]));
            if (names == null) {
                throw new IllegalArgumentException(listFile + " names class id " + row[1] + " that classes.csv lacks");
            }
            natural.add(new Photo(datasetDir.resolve(row[0]), names[0], names[1]));
        }
        iconic.sort(Comparator.comparing(photo -> photo.path().toString()));
        natural.sort(Comparator.comparing(photo -> photo.path().toString()));
        return new GroceryStore(iconic, natural);
    }

    /** One catalogue image per fine class. */
    public List<Photo> iconic() {
        return iconic;
    }

    /** Every natural photo of the list file. */
    public List<Photo> natural() {
        return natural;
    }

    /**
     * Divides the natural photos of every fine class: a seeded shuffle, then {@code trainingFraction} of them
     * (rounded down) for training and the rest (at least one) for evaluation. The same seed and fraction always
     * give the same split, whatever the order the photos were listed in.
     */
    public PhotoSplit split(double trainingFraction, long seed) {
        Map<String, List<Photo>> byClass = natural.stream()
                .collect(Collectors.groupingBy(Photo::fine, LinkedHashMap::new, Collectors.toList()));
        Random random = new Random(seed);
        List<Photo> training = new ArrayList<>();
        List<Photo> evaluation = new ArrayList<>();
        for (List<Photo> members : byClass.values()) {
            List<Photo> shuffled = new ArrayList<>(members);
            Collections.shuffle(shuffled, random);
            int trained = Math.min(members.size() - 1, (int) Math.floor(members.size() * trainingFraction));
            training.addAll(shuffled.subList(0, trained));
            evaluation.addAll(shuffled.subList(trained, shuffled.size()));
        }
        return new PhotoSplit(training, evaluation);
    }

    /** The documented split: half of every class's natural photos for training, seed {@link #SPLIT_SEED}. */
    public PhotoSplit documentedSplit() {
        return split(0.5, SPLIT_SEED);
    }

    private static List<String[]> rows(Path file, boolean header) {
        try {
            List<String> lines = Files.readAllLines(file);
            Function<String, String[]> split = line -> {
                String[] cells = line.split(",");
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = cells[i].trim();
                }
                return cells;
            };
            return lines.stream().skip(header ? 1 : 0).filter(line -> !line.isBlank()).map(split).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
