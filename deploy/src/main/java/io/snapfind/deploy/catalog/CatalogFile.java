package io.snapfind.deploy.catalog;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

/**
 * Reads a catalog to import, in one of three shapes, into one {@link Entry} per product or per broken row:
 * <ul>
 * <li>a folder with a folder per category, each image file one product (id {@code <category>-<file name without
 * extension>}, title from the file name);</li>
 * <li>CSV with a header: {@code productId} (or {@code id}), {@code category}, {@code title} (or {@code name}),
 * {@code image} (or {@code images}, {@code imageUrl}: URLs or file paths, several separated by {@code |}); every
 * other column becomes metadata;</li>
 * <li>JSON Lines ({@code .jsonl}, {@code .ndjson}): {@code productId}, {@code category}, {@code title},
 * {@code metadata} (an object of strings), {@code images} (strings, or objects with {@code imageId} and
 * {@code url} or {@code path}) or {@code image}.</li>
 * </ul>
 * Relative file paths are resolved against the catalog file's folder. A row that cannot be read becomes an entry with
 * the problem, and reading goes on.
 */
public final class CatalogFile {

    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp", "gif", "bmp");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One image of a row: an http(s) URL or a local file, never both. */
    public record ImageRef(String imageId, String url, Path file) {
    }

    /** One product as the catalog file describes it. */
    public record Row(String productId, String category, String title, Map<String, String> metadata,
            List<ImageRef> images) {
    }

    /** Where in the source a row comes from ({@code line 12} or a file), and the row or why it could not be read. */
    public record Entry(String where, Row row, String problem) {
        static Entry ok(String where, Row row) {
            return new Entry(where, row, null);
        }

        static Entry broken(String where, String problem) {
            return new Entry(where, null, problem);
        }
    }

    /** An image as the row names it: its id, when given, and a URL or a file path. */
    private record Ref(String imageId, String target) {
    }

    private CatalogFile() {
    }

    public static List<Entry> read(Path source) throws IOException {
        if (Files.isDirectory(source)) {
            return folderPerCategory(source);
        }
        if (!Files.isRegularFile(source)) {
            throw new IOException("no such catalog file or folder: " + source);
        }
        String name = source.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return csv(source);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return jsonLines(source);
        }
        throw new IOException("cannot tell the format of " + source
                + ": use a folder per category, a .csv or a .jsonl file");
    }

    private static List<Entry> folderPerCategory(Path root) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> categories = Files.list(root)) {
            for (Path category : categories.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.list(category)) {
                    for (Path file : files.filter(Files::isRegularFile).filter(CatalogFile::isImageFile).sorted()
                            .toList()) {
                        String stem = stem(file.getFileName().toString());
                        String categoryName = category.getFileName().toString();
                        entries.add(Entry.ok(root.relativize(file).toString(), new Row(categoryName + "-" + stem,
                                categoryName, stem.replace('_', ' '), Map.of(),
                                List.of(new ImageRef(file.getFileName().toString(), null, file)))));
                    }
                }
            }
        }
        if (entries.isEmpty()) {
            throw new IOException(root + " holds no image files in folders per category (<folder>/<category>/*.jpg)");
        }
        return entries;
    }

    private static List<Entry> csv(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                MappingIterator<String[]> rows = new CsvMapper().readerFor(String[].class)
                        .with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(reader)) {
            if (!rows.hasNext()) {
                throw new IOException(file + " is empty: a CSV catalog starts with a header line");
            }
            List<String> header = List.of(rows.next()).stream().map(String::trim).toList();
            int id = column(header, "productId", "id", "product_id");
            int category = column(header, "category");
            int title = column(header, "title", "name");
            int images = column(header, "image", "images", "imageUrl", "image_url");
            if (id < 0 || category < 0 || images < 0) {
                throw new IOException(file + ": the header needs the columns productId, category and image, found "
                        + header);
            }
            while (true) {
                int line = rows.getCurrentLocation().getLineNr();
                List<String> values;
                try {
                    if (!rows.hasNext()) {
                        break;
                    }
                    values = List.of(rows.next());
                } catch (RuntimeException e) {
                    entries.add(Entry.broken("line " + line, "unreadable CSV: " + firstLine(e.getMessage())));
                    continue;
                }
                String where = "line " + line;
                if (values.size() == 1 && values.get(0).isBlank()) {
                    continue;
                }
                if (values.size() != header.size()) {
                    entries.add(Entry.broken(where, values.size() + " fields where the header has " + header.size()));
                    continue;
                }
                Map<String, String> metadata = new LinkedHashMap<>();
                for (int c = 0; c < header.size(); c++) {
                    if (c != id && c != category && c != title && c != images && !values.get(c).isBlank()) {
                        metadata.put(header.get(c), values.get(c).trim());
                    }
                }
                List<String> refs = List.of(values.get(images).split("\\|"));
                entries.add(row(where, values.get(id), values.get(category), title < 0 ? null : values.get(title),
                        metadata, refs.stream().map(String::trim).filter(s -> !s.isEmpty()).map(ref -> new Ref(null, ref))
                        .toList(), file.getParent()));
            }
        }
        return entries;
    }

    private static List<Entry> jsonLines(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String where = "line " + (i + 1);
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(lines.get(i));
            } catch (JsonProcessingException e) {
                entries.add(Entry.broken(where, "not JSON: " + firstLine(e.getOriginalMessage())));
                continue;
            }
            if (!node.isObject()) {
                entries.add(Entry.broken(where, "not a JSON object"));
                continue;
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            JsonNode meta = node.path("metadata");
            if (!meta.isMissingNode() && !meta.isNull() && !meta.isObject()) {
                entries.add(Entry.broken(where, "metadata must be an object of strings"));
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                metadata.put(field.getKey(), field.getValue().isValueNode() ? field.getValue().asText()
                        : field.getValue().toString());
            }
            List<Ref> refs = new ArrayList<>();
            JsonNode images = node.has("images") ? node.path("images") : node.path("image");
            for (JsonNode image : images.isArray() ? images : List.of(images)) {
                if (image.isTextual()) {
                    refs.add(new Ref(null, image.asText()));
                } else if (image.isObject()) {
                    refs.add(new Ref(image.path("imageId").asText(null),
                            image.hasNonNull("url") ? image.path("url").asText() : image.path("path").asText(null)));
                }
            }
            entries.add(row(where, node.path("productId").asText(null), node.path("category").asText(null),
                    node.path("title").asText(null), metadata, refs, file.getParent()));
        }
        return entries;
    }

    private static Entry row(String where, String productId, String category, String title,
            Map<String, String> metadata, List<Ref> refs, Path base) {
        if (productId == null || productId.isBlank()) {
            return Entry.broken(where, "no productId");
        }
        if (category == null || category.isBlank()) {
            return Entry.broken(where, "product " + productId + " has no category");
        }
        if (refs.isEmpty()) {
            return Entry.broken(where, "product " + productId + " has no image");
        }
        List<ImageRef> images = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Ref ref : refs) {
            if (ref.target() == null || ref.target().isBlank()) {
                return Entry.broken(where, "product " + productId + " has an image with neither url nor path");
            }
            boolean url = ref.target().startsWith("http://") || ref.target().startsWith("https://");
            String imageId = ref.imageId() != null && !ref.imageId().isBlank() ? ref.imageId()
                    : lastSegment(ref.target());
            String unique = imageId;
            for (int n = 2; !ids.add(unique); n++) {
                unique = imageId + "-" + n;
            }
            images.add(url ? new ImageRef(unique, ref.target(), null)
                    : new ImageRef(unique, null, base.resolve(ref.target())));
        }
        return Entry.ok(where, new Row(productId.trim(), category.trim(),
                title == null || title.isBlank() ? null : title.trim(), metadata, images));
    }

    private static int column(List<String> header, String... names) {
        for (String name : names) {
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).equalsIgnoreCase(name)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static boolean isImageFile(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    private static String lastSegment(String ref) {
        String path = ref.replaceFirst("[?#].*$", "");
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.isBlank() ? "image" : last;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
