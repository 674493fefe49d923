package io.snapfind.quality;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import io.snapfind.embedder.Explainer;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.embedder.model.ModelCatalog;
import io.snapfind.embedder.model.OnnxFeatureMaps;
import io.snapfind.harness.Composite;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.JpegEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Where each backbone looks: a PNG grid of activation maps (the feature map's mean over its "
                + "channels) over fixed catalog photos, room photos and composites, and per backbone how much of "
                + "the activation, and of the explanation heat against the product's own catalog photo, falls on a "
                + "catalog product pasted onto a room (the composite's known box).")
final class ExplainCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "the shop-the-look folder. Default: the assets' "
            + "datasets/ikea-shop-the-look.")
    Path dir;

    @Option(names = "--models", split = ",", description = "embedder catalogue ids with a feature map. Default: "
            + "every model whose catalogue entry names one.")
    List<String> models;

    @Option(names = "--composites", defaultValue = "24", description = "composites measured (products and rooms "
            + "taken at even strides through the sorted photos). Default: ${DEFAULT-VALUE}.")
    int composites;

    @Option(names = "--size", defaultValue = "0.55", description = "the pasted product's longer side as a "
            + "fraction of the room's shorter side (the embedder's ExplainerIT uses the same). Default: "
            + "${DEFAULT-VALUE}.")
    double size;

    @Option(names = "--models-dir", description = "folder of the ONNX models. Default: the assets' models/.")
    Path modelsDir;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads.")
    int threads;

    @Option(names = "--out", defaultValue = "docs/quality/explain", description = "folder for activation-grid.png "
            + "and explain.md. Default: ${DEFAULT-VALUE}.")
    Path out;

    private static final int CELL = 160;
    private static final int SAMPLES_PER_KIND = 3;
    private static final ImageDecoder DECODER = new ImageDecoder(ImageLimits.DEFAULT);

    /** One image of the grid, with the pasted product's box for a composite. */
    private record Sample(String name, byte[] jpeg, BufferedImage image, Composite composite, byte[] catalogPhoto) {
    }

    /** A backbone's figures over the composites. */
    private record Figures(String model, double activationInside, double heatInside, double medianHeatInside,
            double sharesInside, double areaShare, double msPerImage) {
    }

    @Override
    public Integer call() throws Exception {
        Path shop = dir != null ? dir : ProjectPaths.requireAssets().resolve("datasets/ikea-shop-the-look");
        Path modelsFolder = modelsDir != null ? modelsDir : ProjectPaths.requireAssets().resolve("models");
        Properties properties = EmbedderCatalogue.embedderProperties();
        List<String> ids = this.models != null ? this.models : EmbedderCatalogue.entries(properties).keySet().stream()
                .filter(id -> properties.getProperty(featureMapKey(id)) != null).sorted().toList();
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("no model with a feature map output to explain");
        }
        List<Path> products = jpegs(shop.resolve("products"));
        List<Path> rooms = jpegs(shop.resolve("rooms"));
        List<Sample> measured = new ArrayList<>();
        for (int n = 0; n < composites; n++) {
            measured.add(composite(products.get(n * products.size() / composites),
                    rooms.get((n * 7 + 3) % rooms.size()), n));
        }
        List<Sample> grid = new ArrayList<>();
        for (int n = 0; n < SAMPLES_PER_KIND; n++) {
            grid.add(photo(products.get((2 * n + 1) * products.size() / (2 * SAMPLES_PER_KIND))));
        }
        for (int n = 0; n < SAMPLES_PER_KIND; n++) {
            grid.add(photo(rooms.get((2 * n + 1) * rooms.size() / (2 * SAMPLES_PER_KIND))));
        }
        grid.addAll(measured.subList(0, Math.min(SAMPLES_PER_KIND, measured.size())));

        ModelCatalog catalog = EmbedderCatalogue.load(modelsFolder);
        List<Figures> figures = new ArrayList<>();
        List<List<Explainer.ActivationMap>> maps = new ArrayList<>();
        for (String id : ids) {
            String output = properties.getProperty(featureMapKey(id));
            if (output == null) {
                throw new IllegalArgumentException("model '" + id + "' names no feature map (" + featureMapKey(id) + ")");
            }
            ModelSpec spec = catalog.spec(id);
            try (OnnxFeatureMaps featureMaps = OnnxFeatureMaps.load(spec, output, threads)) {
                Explainer explainer = new Explainer(spec, DECODER, () -> featureMaps);
                System.out.printf(Locale.ROOT, "%s: %d composites ...%n", id, measured.size());
                figures.add(measure(id, explainer, measured));
                List<Explainer.ActivationMap> row = new ArrayList<>();
                for (Sample sample : grid) {
                    row.add(explainer.activation(DECODER.decode(sample.jpeg())));
                }
                maps.add(row);
            }
        }
        Files.createDirectories(out);
        Path png = out.resolve("activation-grid.png");
        ImageIO.write(draw(grid, ids, maps), "png", png.toFile());
        String report = report(figures);
        Files.writeString(out.resolve("explain.md"), report);
        System.out.print(report);
        System.out.println("wrote " + png + " and " + out.resolve("explain.md"));
        return 0;
    }

    private static String featureMapKey(String id) {
        return "snapfind.embedder.models." + id + ".feature-map";
    }

    private Sample composite(Path product, Path room, int n) throws IOException {
        boolean left = n % 2 == 0;
        Composite composite = Composite.paste(ImageIO.read(product.toFile()), ImageIO.read(room.toFile()), size,
                left ? 0.36 : 0.64, left ? 0.38 : 0.62);
        return new Sample("composite " + product.getFileName(), JpegEncoder.encode(composite.image(), 0.9f),
                composite.image(), composite, Files.readAllBytes(product));
    }

    private static Sample photo(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return new Sample(file.getFileName().toString(), bytes, ImageIO.read(file.toFile()), null, null);
    }

    private static Figures measure(String id, Explainer explainer, List<Sample> composites) throws Exception {
        double activation = 0;
        double shares = 0;
        double area = 0;
        double[] heat = new double[composites.size()];
        long started = System.nanoTime();
        for (int i = 0; i < composites.size(); i++) {
            Sample sample = composites.get(i);
            Composite c = sample.composite();
            DecodedImage decoded = DECODER.decode(sample.jpeg());
            Explainer.ActivationMap map = explainer.activation(decoded);
            activation += Explainer.positiveInside(map.values(), map.gridWidth(), map.gridHeight(), map.window(),
                    c.x1(), c.y1(), c.x2(), c.y2());
            Explainer.Explanation explanation = explainer.explain(sample.jpeg(), sample.catalogPhoto());
            heat[i] = explanation.query().heatInside(c.x1(), c.y1(), c.x2(), c.y2());
            shares += explanation.query().sharesInside(c.x1(), c.y1(), c.x2(), c.y2());
            double[] w = map.window();
            area += Math.max(0, Math.min(c.x2(), w[2]) - Math.max(c.x1(), w[0]))
                    * Math.max(0, Math.min(c.y2(), w[3]) - Math.max(c.y1(), w[1])) / ((w[2] - w[0]) * (w[3] - w[1]));
        }
        // Three feature maps per composite: its activation, then the pair of the explanation.
        double ms = (System.nanoTime() - started) / 1e6 / (3.0 * composites.size());
        double[] sorted = heat.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        int n = composites.size();
        return new Figures(id, activation / n, Arrays.stream(heat).average().orElse(0), median, shares / n, area / n,
                ms);
    }

    private String report(List<Figures> figures) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%d composites: catalog products cut out "
                + "of their white background and pasted onto room photos, longer side %.2f × the room's shorter "
                + "side; shares of the positive part inside the pasted box.%n%n", composites, size));
        text.append("| model | activation inside | explanation heat inside (mean / median) | additive shares inside "
                + "| box area (chance) | ms per feature map |\n|---|---:|---:|---:|---:|---:|\n");
        for (Figures f : figures) {
            text.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f / %.2f | %.2f | %.2f | %.0f |%n", f.model(),
                    f.activationInside(), f.heatInside(), f.medianHeatInside(), f.sharesInside(), f.areaShare(),
                    f.msPerImage()));
        }
        return text.toString();
    }

    /** Rows: the samples; columns: the image, then each model's activation map over it. */
    private static BufferedImage draw(List<Sample> samples, List<String> ids, List<List<Explainer.ActivationMap>> maps) {
        int header = 28;
        BufferedImage canvas = new BufferedImage(CELL * (ids.size() + 1), header + CELL * samples.size(),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString("image", 8, 19);
            for (int m = 0; m < ids.size(); m++) {
                g.drawString(ids.get(m), CELL * (m + 1) + 8, 19);
            }
            for (int s = 0; s < samples.size(); s++) {
                Sample sample = samples.get(s);
                int y = header + CELL * s;
                double scale = Math.min((double) (CELL - 8) / sample.image().getWidth(),
                        (double) (CELL - 8) / sample.image().getHeight());
                int w = (int) Math.round(sample.image().getWidth() * scale);
                int h = (int) Math.round(sample.image().getHeight() * scale);
                for (int column = 0; column <= ids.size(); column++) {
                    int x = CELL * column + (CELL - w) / 2;
                    int top = y + (CELL - h) / 2;
                    g.drawImage(sample.image(), x, top, w, h, null);
                    if (column > 0) {
                        overlay(g, maps.get(column - 1).get(s), x, top, scale);
                    }
                    if (sample.composite() != null) {
                        Composite c = sample.composite();
                        g.setColor(new Color(0, 200, 80));
                        g.setStroke(new BasicStroke(2f));
                        g.drawRect(x + (int) (c.x1() * scale), top + (int) (c.y1() * scale),
                                (int) ((c.x2() - c.x1()) * scale), (int) ((c.y2() - c.y1()) * scale));
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return canvas;
    }

    /** The map's positive part, from transparent to red, smoothly scaled over the window the model saw. */
    private static void overlay(Graphics2D g, Explainer.ActivationMap map, int x, int y, double scale) {
        double max = Arrays.stream(map.values()).max().orElse(0);
        BufferedImage cells = new BufferedImage(map.gridWidth(), map.gridHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int i = 0; i < map.values().length; i++) {
            double v = max <= 0 ? 0 : Math.max(0, map.values()[i]) / max;
            int argb = ((int) Math.round(200 * v * v) << 24) | (255 << 16) | ((int) Math.round(200 * (1 - v)) << 8);
            cells.setRGB(i % map.gridWidth(), i / map.gridWidth(), argb);
        }
        double[] w = map.window();
        g.drawImage(cells, x + (int) Math.round(w[0] * scale), y + (int) Math.round(w[1] * scale),
                (int) Math.round((w[2] - w[0]) * scale), (int) Math.round((w[3] - w[1]) * scale), null);
    }

    private static List<Path> jpegs(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jpg")).sorted().toList();
        }
    }
}
