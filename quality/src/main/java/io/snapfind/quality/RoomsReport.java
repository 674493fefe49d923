package io.snapfind.quality;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The shop-the-look run's printed figures and its report: Markdown, per-room TSV, example grid. */
final class RoomsReport {

    /** Categories with fewer (room, product) pairs are pooled into one row of the per-category table. */
    static final int MIN_PAIRS = 5;

    private final RoomsRun.Result run;
    private final List<String> commandLine;
    private final String partDescription;

    RoomsReport(RoomsRun.Result run, List<String> commandLine, String partDescription) {
        this.run = run;
        this.commandLine = List.copyOf(commandLine);
        this.partDescription = partDescription;
    }

    /** The headline figures, one {@code name: value} line each, for scripts and QUALITY.md. */
    List<String> figureLines() {
        RoomScoring.Summary s = run.summary();
        return List.of(String.format(Locale.ROOT, "rooms-hit10: %.3f", s.hitAt10()),
                String.format(Locale.ROOT, "rooms-recall10: %.3f", s.recallAt10()),
                String.format(Locale.ROOT, "rooms-recall50: %.3f", s.recallAt50()),
                String.format(Locale.ROOT, "rooms-object-p1: %.3f", s.objectTop1()),
                String.format(Locale.ROOT, "rooms-p50-ms: %.0f", run.latencyP50()));
    }

    void print(PrintStream out) {
        RoomScoring.Summary s = run.summary();
        out.println();
        out.printf(Locale.ROOT, "Shop the look: %d rooms (%s), catalog %s%n", s.rooms(), partDescription,
                run.catalog().summary());
        out.println("Regions: " + run.settings().regions().describe() + String.format(Locale.ROOT,
                "; %.2f per room. Search: exact cosine, %d vector hits per region grouped into at most %d products",
                s.regionsPerRoom(), run.settings().vectorLimit(), run.settings().k()));
        out.printf(Locale.ROOT, "Latency p95 %.0f ms; catalog %.0f s, rooms %.0f s%n", run.latencyP95(),
                run.indexSeconds(), run.searchSeconds());
        figureLines().forEach(out::println);
    }

    List<RoomScoring.CategoryFigures> categories() {
        List<List<RoomScoring.RankedProduct>> rooms = new ArrayList<>();
        for (RoomsRun.RoomResult room : run.rooms()) {
            List<RoomScoring.RankedProduct> ranked = new ArrayList<>();
            for (int product : room.products()) {
                ranked.add(new RoomScoring.RankedProduct(run.catalog().products().get(product).category(),
                        RoomScoring.rank(room.merged(), product)));
            }
            rooms.add(ranked);
        }
        return RoomScoring.perCategory(rooms, MIN_PAIRS);
    }

    /** Writes report.md, rooms.tsv, categories.tsv and examples.png (with {@code examples} rooms) under {@code dir}. */
    Path write(Path dir, int examples) throws IOException {
        Files.createDirectories(dir);
        List<RoomsRun.RoomResult> shown = ExampleGrid.spreadQueries(run.rooms().size(), examples).stream()
                .map(run.rooms()::get).toList();
        if (!shown.isEmpty()) {
            new RoomsGrid().write(run, shown, dir.resolve("examples.png"));
        }
        writeRooms(dir.resolve("rooms.tsv"));
        List<RoomScoring.CategoryFigures> categories = categories();
        writeCategories(dir.resolve("categories.tsv"), categories);
        Path markdown = dir.resolve("report.md");
        Files.writeString(markdown, markdown(categories, !shown.isEmpty()));
        return markdown;
    }

    private void writeRooms(Path file) throws IOException {
        StringBuilder tsv = new StringBuilder("room\tproducts\tregions\tregions_right\thit10\trecall10\trecall50"
                + "\tobject_p1\tranks_of_room_products\tlatency_ms\n");
        for (RoomsRun.RoomResult room : run.rooms()) {
            RoomScoring.RoomFigures f = room.figures();
            List<String> ranks = room.products().stream()
                    .map(p -> run.catalog().products().get(p).id() + "=" + RoomScoring.rank(room.merged(), p))
                    .toList();
            tsv.append(String.format(Locale.ROOT, "%s\t%d\t%d\t%d\t%d\t%.4f\t%.4f\t%.4f\t%s\t%.1f%n",
                    room.room().name(), room.products().size(), f.regions(), f.regionsRight(), f.hitAt10() ? 1 : 0,
                    f.recallAt10(), f.recallAt50(), f.objectTop1(), String.join(",", ranks), room.totalMillis()));
        }
        Files.writeString(file, tsv);
    }

    private static void writeCategories(Path file, List<RoomScoring.CategoryFigures> categories) throws IOException {
        StringBuilder tsv = new StringBuilder("category\trooms\tpairs\thit10\trecall10\trecall50\tfound_anywhere\n");
        for (RoomScoring.CategoryFigures c : categories) {
            tsv.append(String.format(Locale.ROOT, "%s\t%d\t%d\t%.4f\t%.4f\t%.4f\t%.4f%n", c.category(), c.rooms(),
                    c.pairs(), c.hitAt10(), c.recallAt10(), c.recallAt50(), c.foundAnywhere()));
        }
        Files.writeString(file, tsv);
    }

    private String markdown(List<RoomScoring.CategoryFigures> categories, boolean grid) {
        RoomScoring.Summary s = run.summary();
        RoomsRun.Settings settings = run.settings();
        StringBuilder md = new StringBuilder();
        md.append("# Shop the look: IKEA rooms\n\n");
        md.append("Generated ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append(" by `quality/eval.sh ").append(String.join(" ", commandLine)).append("`.\n\n");
        md.append(String.format(Locale.ROOT, "**Data.** `%s`: a catalog of %d product photos, one per product; "
                + "%d room photos (%s) with %.1f catalog products each on average (`room-products.csv`).%n%n",
                run.set().dir().getFileName(), run.set().products().size(), s.rooms(), partDescription,
                run.set().productsPerRoom()));
        md.append("**Index.** Every product photo as the pipeline indexes it: decoded by the services' `ImageDecoder`, "
                + "detected by `OnnxDetector` (").append(run.settings().detector()).append(", score 0.25, NMS IoU "
                + "0.45), cut by the detector's `CropCutter` ").append(ViewMaker.SERVICE_CROP_SETTINGS)
                .append(" (crop 0 = the whole image, then at most 5 detections of at least 1 % of the image), each "
                        + "crop JPEG-encoded, decoded again and embedded by the embedder's own code (`Preprocessor` → "
                        + "`OnnxImageModel`, model `").append(settings.model()).append("`, ")
                .append(run.catalog().vector(0).length).append("-d, L2-normalised): one vector per crop, belonging to "
                        + "its product. ").append(run.catalog().summary()).append(".\n\n");
        md.append("**Search.** Each room as the gateway's `objects` mode searches it: ")
                .append(settings.regions().describe())
                .append("; object regions are the detector service's `/v1/detect` crops (best score first, padded "
                        + "5 %, JPEG 0.9, at most 640 px; no minimum area on the query side); all of a room's regions "
                        + "embedded in one batch. Each region: exact cosine k-nearest-neighbour over all ")
                .append(run.catalog().size()).append(" catalog vectors, the first ").append(settings.vectorLimit())
                .append(" vector hits (the gateway asks for k × ").append(settings.candidatesPerHit())
                .append(" when grouping), grouped by product (each product's best vector), the first ")
                .append(settings.k()).append(" products kept")
                .append(settings.minScore() > -1 ? String.format(Locale.ROOT, ", hits under %.2f dropped",
                        settings.minScore()) : ", no score threshold")
                .append(". A product's room score is its best score over the room's regions; the merged list is "
                        + "the union of the regions' products by room score. Exact search is the upper bound of the "
                        + "indexer's Milvus HNSW search for the same vectors.\n\n");
        md.append("**Figures.** hit@10: share of rooms with a room product among the first 10 merged products. "
                + "recall@k: per room, the share of its products among the first k merged products, averaged over "
                + "rooms. Object top-1 precision: per room, the share of its regions whose first hit is a product of "
                + "the room, averaged over rooms. Latency per room: decode + detect + cut + embed + search, "
                + "one room at a time; ").append(run.hardware()).append(".\n\n");
        md.append("| rooms | regions per room | hit@10 | recall@10 | recall@50 | object top-1 | p50 ms | p95 ms |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| %d | %.2f | %.3f | %.3f | %.3f | %.3f | %.0f | %.0f |%n%n",
                s.rooms(), s.regionsPerRoom(), s.hitAt10(), s.recallAt10(), s.recallAt50(), s.objectTop1(),
                run.latencyP50(), run.latencyP95()));
        md.append("```\n");
        figureLines().forEach(line -> md.append(line).append('\n'));
        md.append("```\n\n");
        md.append(regionSummary()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Phases (median ms per room): decode %.0f, detect and cut %.0f, embed "
                + "%.0f, search %.1f. The catalog took %.0f s (embedding, or reading the cache), the rooms %.0f s.%n%n",
                median(RoomsRun.RoomResult::decodeMillis), median(RoomsRun.RoomResult::detectMillis),
                median(RoomsRun.RoomResult::embedMillis), median(RoomsRun.RoomResult::searchMillis),
                run.indexSeconds(), run.searchSeconds()));
        md.append("## Per category of the rooms' products\n\n");
        md.append("Categories as in `products.csv`. rooms: rooms holding a product of the category; pairs: (room, "
                + "product) pairs; hit@10: share of those rooms with one of them among their first 10 merged "
                + "products; recall@10 / recall@50: share of the pairs among their room's first 10 / 50; found: share "
                + "of the pairs anywhere in the merged list (any region's first ").append(settings.k())
                .append(" products). Categories with fewer than ").append(MIN_PAIRS)
                .append(" pairs are pooled in the last row. All rows: `categories.tsv`.\n\n");
        md.append("| category | rooms | pairs | hit@10 | recall@10 | recall@50 | found |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (RoomScoring.CategoryFigures c : categories) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %.3f | %.3f | %.3f |%n",
                    c.category().replace("|", "\\|"), c.rooms() < 0 ? "" : Integer.toString(c.rooms()), c.pairs(),
                    Double.isNaN(c.hitAt10()) ? "" : String.format(Locale.ROOT, "%.3f", c.hitAt10()),
                    c.recallAt10(), c.recallAt50(), c.foundAnywhere()));
        }
        md.append('\n');
        if (grid) {
            md.append("## Examples\n\nRooms spread over the list: the photo with its object regions boxed and "
                    + "numbered; per region its crop and first products (score under each); the last row is the "
                    + "room's first merged products. Green frames: products of the room.\n\n");
            md.append("![examples](examples.png)\n\n");
        }
        md.append("Per room (regions, figures, the merged rank of each of its products, 0 = not found): `rooms.tsv`.\n");
        return md.toString();
    }

    private double median(java.util.function.ToDoubleFunction<RoomsRun.RoomResult> phase) {
        return RoomScoring.percentile(run.rooms().stream().mapToDouble(phase).toArray(), 50);
    }

    /** How many regions of each kind, rooms without detections, and the most frequent detected classes. */
    private String regionSummary() {
        Map<String, Integer> kinds = new TreeMap<>();
        Map<String, Integer> labels = new TreeMap<>();
        int noObjects = 0;
        for (RoomsRun.RoomResult room : run.rooms()) {
            boolean objects = false;
            for (RoomsRun.RegionResult region : room.regions()) {
                kinds.merge(region.region().kind(), 1, Integer::sum);
                if (region.region().kind().equals(RoomRegions.OBJECT)) {
                    objects = true;
                    labels.merge(region.region().label(), 1, Integer::sum);
                }
            }
            noObjects += objects ? 0 : 1;
        }
        int rooms = Math.max(1, run.rooms().size());
        StringBuilder text = new StringBuilder("**Regions.** ");
        kinds.forEach((kind, count) -> text.append(String.format(Locale.ROOT, "%s %.2f per room; ", kind,
                (double) count / rooms)));
        text.append(noObjects).append(" of ").append(run.rooms().size()).append(" rooms with no detected object. "
                + "Most frequent object classes: ");
        text.append(labels.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(8)
                .map(e -> e.getKey() + " " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("none"))
                .append('.');
        return text.toString();
    }
}
