package io.snapfind.embedder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import io.snapfind.harness.ProjectPaths;

/** Real photos from the shared assets, in a stable order. */
public final class EmbedderTestImages {

    private EmbedderTestImages() {
    }

    /** IKEA catalogue photos of one category folder (bed, chair, clock, couch, dining table, plant_pot). */
    public static List<Path> ikea(String category) {
        return jpegs(ProjectPaths.asset("datasets/ikea-interior/images/" + category));
    }

    /** Grocery shop-floor photos of one class folder under val/, e.g. {@code Fruit/Banana}. */
    public static List<Path> grocery(String classFolder) {
        return jpegs(ProjectPaths.asset("datasets/grocery-store/dataset/val/" + classFolder));
    }

    /** The catalogue ("iconic") image of a grocery class, e.g. {@code Fruit/Banana/Banana_Iconic.jpg}. */
    public static Path groceryIconic(String relativePath) {
        return ProjectPaths.asset("datasets/grocery-store/dataset/iconic-images-and-descriptions/" + relativePath);
    }

    public static Path photo(String name) {
        return ProjectPaths.asset("photos/" + name);
    }

    /**
     * {@code count} JPEG files alternating between IKEA product photos (500×500) and grocery photos (348×348), the
     * kind of crops the detector sends.
     */
    public static List<byte[]> mixed(int count) {
        List<Path> ikea = new ArrayList<>();
        for (String category : List.of("bed", "chair", "clock", "couch", "dining table", "plant_pot")) {
            ikea.addAll(ikea(category));
        }
        List<Path> grocery = jpegsBelow(ProjectPaths.asset("datasets/grocery-store/dataset/val"));
        List<byte[]> images = new ArrayList<>(count);
        for (int i = 0; images.size() < count; i++) {
            List<Path> source = i % 2 == 0 ? ikea : grocery;
            images.add(read(source.get((i / 2) % source.size())));
        }
        return images;
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> jpegs(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(EmbedderTestImages::isJpeg).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> jpegsBelow(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(EmbedderTestImages::isJpeg).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isJpeg(Path file) {
        return Files.isRegularFile(file) && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jpg");
    }
}
