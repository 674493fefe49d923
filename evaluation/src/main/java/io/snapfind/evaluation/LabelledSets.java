package io.snapfind.evaluation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Loading labelled image sets laid out as a folder per class, and splitting them reproducibly. */
public final class LabelledSets {

    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

    private LabelledSets() {
    }

    /** Every image under {@code root}/&lt;class&gt;/, sorted by path, skipping the named folders. */
    public static List<LabelledImage> folderPerClass(Path root, Set<String> skippedFolders) {
        try (Stream<Path> classes = Files.list(root)) {
            List<LabelledImage> images = new ArrayList<>();
            for (Path classDir : classes.filter(Files::isDirectory).sorted().toList()) {
                String label = classDir.getFileName().toString();
                if (skippedFolders.contains(label)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(classDir)) {
                    files.filter(LabelledSets::isImage).sorted().forEach(f -> images.add(new LabelledImage(f, label)));
                }
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the labelled image set in " + root, e);
        }
    }

    /** The gallery and the queries of one split. */
    public record Split(List<LabelledImage> gallery, List<LabelledImage> queries) {
    }

    /**
     * Holds out {@code queryFraction} of each class (at least one image) as queries, the rest as gallery; classes
     * with fewer than {@code minPerClass} images are dropped. The same seed gives the same split.
     */
    public static Split holdOut(Collection<LabelledImage> images, double queryFraction, int minPerClass, long seed) {
        Map<String, List<LabelledImage>> byClass = images.stream()
                .sorted(Comparator.comparing(image -> image.path().toString()))
                .collect(Collectors.groupingBy(LabelledImage::label, LinkedHashMap::new, Collectors.toList()));
        List<LabelledImage> gallery = new ArrayList<>();
        List<LabelledImage> queries = new ArrayList<>();
        Random random = new Random(seed);
        for (List<LabelledImage> members : byClass.values()) {
            if (members.size() < minPerClass) {
                continue;
            }
            List<LabelledImage> shuffled = new ArrayList<>(members);
            java.util.Collections.shuffle(shuffled, random);
            int held = Math.max(1, (int) Math.round(members.size() * queryFraction));
            queries.addAll(shuffled.subList(0, held));
            gallery.addAll(shuffled.subList(held, shuffled.size()));
        }
        return new Split(gallery, queries);
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return Files.isRegularFile(file) && dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1));
    }
}
