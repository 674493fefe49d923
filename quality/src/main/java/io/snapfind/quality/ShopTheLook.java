package io.snapfind.quality;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

/**
 * The IKEA shop-the-look set ({@code datasets/ikea-shop-the-look}): a catalog of product photos, one per product
 * ({@code products.csv}: productId, image, category, name, type, color), and room photos with the catalog products
 * that appear in each ({@code room-products.csv}: room, productId).
 *
 * @param dir      the set's folder
 * @param products the catalog, in {@code products.csv} order
 * @param rooms    the rooms, sorted by file name, each with its products
 */
public record ShopTheLook(Path dir, List<Product> products, List<Room> rooms) {

    /** The seed and tune share of the documented room split (issue 13). */
    public static final long SPLIT_SEED = 20261201L;
    public static final double TUNE_FRACTION = 0.33;

    public record Product(String id, Path image, String category, String name, String type, String color) {
        /** "NAME type" for labels, e.g. "KIVIK Sofa". */
        String title() {
            return (name + " " + type).trim();
        }
    }

    /** A room photo and the ids of the catalog products that appear in it. */
    public record Room(String name, Path image, Set<String> products) {
    }

    /** Which rooms a run uses: the tune part, the report part, or all of them. */
    public enum Part { ALL, TUNE, REPORT }

    public ShopTheLook {
        products = List.copyOf(products);
        rooms = List.copyOf(rooms);
    }

    /** Reads the set; every room product must be in the catalog and every image must exist. */
    public static ShopTheLook load(Path dir) {
        Map<String, Product> products = new LinkedHashMap<>();
        List<List<String>> productRows = csv(dir.resolve("products.csv"));
        int[] p = columns(productRows.get(0), "products.csv", "productId", "image", "category", "name", "type", "color");
        for (List<String> row : productRows.subList(1, productRows.size())) {
            Product product = new Product(row.get(p[0]), dir.resolve(row.get(p[1])), row.get(p[2]), row.get(p[3]),
                    row.get(p[4]), row.get(p[5]));
            if (products.put(product.id(), product) != null) {
                throw new IllegalArgumentException("products.csv lists product " + product.id() + " twice");
            }
            if (!Files.isRegularFile(product.image())) {
                throw new IllegalArgumentException("products.csv names a missing image: " + product.image());
            }
        }
        Map<String, Set<String>> byRoom = new TreeMap<>();
        List<List<String>> roomRows = csv(dir.resolve("room-products.csv"));
        int[] r = columns(roomRows.get(0), "room-products.csv", "room", "productId");
        for (List<String> row : roomRows.subList(1, roomRows.size())) {
            String product = row.get(r[1]);
            if (!products.containsKey(product)) {
                throw new IllegalArgumentException("room-products.csv names product " + product
                        + " that products.csv lacks");
            }
            byRoom.computeIfAbsent(row.get(r[0]), k -> new LinkedHashSet<>()).add(product);
        }
        List<Room> rooms = new ArrayList<>();
        byRoom.forEach((image, ids) -> {
            Path file = dir.resolve(image);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("room-products.csv names a missing room photo: " + file);
            }
            rooms.add(new Room(file.getFileName().toString(), file, Collections.unmodifiableSet(ids)));
        });
        if (products.isEmpty() || rooms.isEmpty()) {
            throw new IllegalArgumentException(dir + " holds " + products.size() + " products and " + rooms.size()
                    + " rooms; both must be non-empty");
        }
        return new ShopTheLook(dir, List.copyOf(products.values()), rooms);
    }

    Product product(String id) {
        return products.stream().filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no product " + id));
    }

    /**
     * The rooms of one part of the seeded split: the rooms (sorted by name) are shuffled with {@code new
     * Random(seed)}; the first {@code round(fraction × rooms)} are the tune part, the others the report part. Each
     * part keeps name order.
     */
    public List<Room> part(Part part, long seed, double tuneFraction) {
        if (tuneFraction < 0 || tuneFraction > 1) {
            throw new IllegalArgumentException("--tune-fraction must be in 0..1, got " + tuneFraction);
        }
        if (part == Part.ALL) {
            return rooms;
        }
        List<Room> shuffled = new ArrayList<>(rooms);
        Collections.shuffle(shuffled, new Random(seed));
        int tune = (int) Math.round(tuneFraction * rooms.size());
        Set<Room> chosen = new LinkedHashSet<>(part == Part.TUNE ? shuffled.subList(0, tune)
                : shuffled.subList(tune, shuffled.size()));
        return rooms.stream().filter(chosen::contains).toList();
    }

    /**
     * A smaller set for quick runs and tests: the given rooms, and a catalog of every product of those rooms plus
     * products drawn at random (seeded) from the rest, {@code catalogSize} in all (at least the rooms' products).
     */
    public ShopTheLook subset(List<Room> keptRooms, int catalogSize, long seed) {
        Set<String> wanted = new LinkedHashSet<>();
        keptRooms.forEach(room -> wanted.addAll(room.products()));
        List<Product> others = new ArrayList<>(products.stream().filter(p -> !wanted.contains(p.id())).toList());
        Collections.shuffle(others, new Random(seed));
        others.stream().limit(Math.max(0, catalogSize - wanted.size())).forEach(p -> wanted.add(p.id()));
        return new ShopTheLook(dir, products.stream().filter(p -> wanted.contains(p.id())).toList(), keptRooms);
    }

    /** Mean products per room. */
    double productsPerRoom() {
        return rooms.stream().mapToInt(r -> r.products().size()).average().orElse(0);
    }

    private static int[] columns(List<String> header, String file, String... names) {
        int[] indices = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            indices[i] = header.indexOf(names[i]);
            if (indices[i] < 0) {
                throw new IllegalArgumentException(file + " has no column '" + names[i] + "' (header " + header + ")");
            }
        }
        return indices;
    }

    /** RFC 4180 CSV: comma-separated, fields optionally in double quotes, "" for a quote inside quotes. */
    static List<List<String>> csv(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return parseCsv(text, file.getFileName().toString());
    }

    static List<List<String>> parseCsv(String text, String name) {
        List<List<String>> rows = new ArrayList<>();
        CsvMapper csv = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
        try (MappingIterator<List<String>> lines = csv.readerForListOf(String.class).readValues(text)) {
            while (lines.hasNextValue()) {
                rows.add(lines.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(name + " is not valid CSV: " + e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(name + " is empty");
        }
        int width = rows.get(0).size();
        for (int i = 1; i < rows.size(); i++) {
            if (rows.get(i).size() != width) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s line %d has %d fields, the header %d",
                        name, i + 1, rows.get(i).size(), width));
            }
        }
        return rows;
    }
}
