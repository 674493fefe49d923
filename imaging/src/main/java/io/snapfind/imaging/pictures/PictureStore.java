package io.snapfind.imaging.pictures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The pictures of indexed products, in a directory shared by the detector (which writes them) and the gateway (which
 * serves them): each crop's JPEG exactly as the embedder received it, so a hit can show what matched and an
 * explanation can be computed on the very pixels that were indexed.
 *
 * <p>Layout: {@code <root>/<2 hex>/<sha-256 of productId>/} holds {@code <cropId>.jpg} files and a manifest listing,
 * per image in the catalog's order, its crop ids (crop 0, the whole image, first). The product's main picture is the
 * first listed crop. Hashing the product id keeps any id (slashes, dots, unicode) out of the path; crop ids must be
 * 32 hex characters ({@code CropIds}). Files are written to a temporary name and moved into place, so a reader sees a
 * whole file or none. One product is written by one thread at a time (its catalog partition's consumer); readers
 * may run concurrently and at worst miss a picture that is being replaced.
 */
public final class PictureStore {

    private static final Pattern CROP_ID = Pattern.compile("[0-9a-f]{32}");
    private static final String MANIFEST = "pictures.manifest";
    private static final String SUFFIX = ".jpg";

    private final Path root;

    public PictureStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /**
     * Records one version of a product: the images of {@code fresh} get exactly the given pictures; other images in
     * {@code imageIds} (those that failed this time) keep the pictures they had, as the index keeps their rows; images
     * no longer listed lose theirs.
     *
     * @param imageIds every image id of the product version, in the catalog's order
     * @param fresh    per image that was processed now, its crops (whole image first)
     */
    public void put(String productId, List<String> imageIds, Map<String, List<Picture>> fresh) {
        Path dir = productDir(productId);
        try {
            Files.createDirectories(dir);
            Map<String, List<String>> previous = manifest(dir);
            Map<String, List<String>> next = new LinkedHashMap<>();
            for (String imageId : imageIds) {
                List<Picture> pictures = fresh.get(imageId);
                if (pictures != null) {
                    List<String> cropIds = new ArrayList<>();
                    for (Picture picture : pictures) {
                        writeAtomically(dir.resolve(fileName(picture.cropId())), picture.jpeg());
                        cropIds.add(picture.cropId());
                    }
                    next.put(imageId, cropIds);
                } else if (previous.containsKey(imageId)) {
                    next.put(imageId, previous.get(imageId));
                }
            }
            writeAtomically(dir.resolve(MANIFEST), manifestText(next));
            Set<String> kept = new HashSet<>();
            next.values().forEach(ids -> ids.forEach(id -> kept.add(fileName(id))));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    String name = file.getFileName().toString();
                    // A .partial file is what a crash between write and move left behind.
                    if (name.endsWith(".partial") || name.endsWith(SUFFIX) && !kept.contains(name)) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not store the pictures of product " + productId + " under " + dir, e);
        }
    }

    /** Removes every picture of the product; nothing happens when it has none. */
    public void delete(String productId) {
        Path dir = productDir(productId);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the pictures of product " + productId + " under " + dir, e);
        }
    }

    /** The JPEG of one crop of the product, if stored. A crop id that is not 32 hex characters is never found. */
    public Optional<byte[]> crop(String productId, String cropId) {
        if (cropId == null || !CROP_ID.matcher(cropId).matches()) {
            return Optional.empty();
        }
        return read(productDir(productId).resolve(fileName(cropId)));
    }

    /** The product's main picture: the first crop (the whole image) of its first image that has pictures. */
    public Optional<byte[]> main(String productId) {
        try {
            return manifest(productDir(productId)).values().stream().filter(ids -> !ids.isEmpty()).findFirst()
                    .flatMap(ids -> crop(productId, ids.get(0)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the pictures of product " + productId, e);
        }
    }

    /** The crop ids stored for the product, per image id in the catalog's order. */
    public Map<String, List<String>> cropIds(String productId) {
        try {
            return manifest(productDir(productId));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the pictures of product " + productId, e);
        }
    }

    private Path productDir(String productId) {
        String hash = sha256(productId);
        return root.resolve(hash.substring(0, 2)).resolve(hash);
    }

    private static String fileName(String cropId) {
        if (!CROP_ID.matcher(cropId).matches()) {
            throw new IllegalArgumentException("a crop id is 32 lower-case hex characters, not '" + cropId + "'");
        }
        return cropId + SUFFIX;
    }

    private static Optional<byte[]> read(Path file) {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    /** One line per image: the URL-encoded image id, a tab, its crop ids separated by spaces. */
    private static Map<String, List<String>> manifest(Path dir) throws IOException {
        Map<String, List<String>> images = new LinkedHashMap<>();
        Optional<byte[]> bytes = read(dir.resolve(MANIFEST));
        if (bytes.isEmpty()) {
            return images;
        }
        for (String line : new String(bytes.get(), StandardCharsets.UTF_8).split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                String ids = line.substring(tab + 1).trim();
                images.put(URLDecoder.decode(line.substring(0, tab), StandardCharsets.UTF_8),
                        ids.isEmpty() ? List.of() : List.of(ids.split(" ")));
            }
        }
        return images;
    }

    private static byte[] manifestText(Map<String, List<String>> images) {
        StringBuilder text = new StringBuilder();
        images.forEach((imageId, cropIds) -> text.append(URLEncoder.encode(imageId, StandardCharsets.UTF_8))
                .append('\t').append(String.join(" ", cropIds)).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Files.write(partial, bytes);
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }

    /** One crop's JPEG under its crop id. */
    public record Picture(String cropId, byte[] jpeg) {
        public Picture {
            fileName(cropId);
        }
    }
}
