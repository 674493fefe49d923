package io.snapfind.quality;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.JpegEncoder;
import io.snapfind.transfer.HeadTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gap-head", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a projection head for the gap between catalog photos and room crops (issue 13): each "
                + "catalog product cut out of its photo and pasted onto photos of the tune part's rooms (at most "
                + "a third of the dev rooms, seeded split; the report part and the held-back rooms stay unseen), "
                + "cut again as the detector cuts, embedded by the frozen backbone; the head is trained by the "
                + "transfer module's HeadTrainer with the product as the class, on the catalog's own crop vectors "
                + "and the composites. Use it with rooms --model ID+head --head FILE --part report.")
final class GapHeadCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "the shop-the-look folder. Default: the assets' "
            + "datasets/ikea-shop-the-look.")
    Path dir;

    @Option(names = "--model", description = "embedder catalogue id of the backbone (no head). Default: the "
            + "embedder's configured model.")
    String model;

    @Option(names = "--per-product", defaultValue = "3", description = "composites per catalog product. "
            + "Default: ${DEFAULT-VALUE}.")
    int perProduct;

    @Option(names = "--epochs", defaultValue = "10,20,40", split = ",", description = "write the head after "
            + "each of these epochs (FILE-e<N>.head). Default: ${DEFAULT-VALUE}.")
    List<Integer> epochs;

    @Option(names = "--seed", defaultValue = "42", description = "seeds the composites and the training. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--detector", defaultValue = "yolov8n", description = "detector of the catalog's crops. "
            + "Default: ${DEFAULT-VALUE}.")
    String detector;

    @Option(names = "--cache-dir", defaultValue = "target/quality-cache", description = "the rooms catalog "
            + "cache. Default: ${DEFAULT-VALUE}.")
    Path cacheDir;

    @Option(names = "--models-dir", description = "folder of the ONNX models. Default: the assets' models/.")
    Path modelsDir;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads.")
    int threads;

    @Option(names = "--examples", defaultValue = "12", description = "the first N composites are also written "
            + "as JPEG files to FILE-examples/, to look at. Default: ${DEFAULT-VALUE}.")
    int examples;

    @Option(names = "--out", required = true, description = "head file prefix: FILE-e<N>.head per epoch count.")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintStream log = System.out;
        ShopTheLook set = ShopTheLook.load(dir != null ? dir
                : ProjectPaths.requireAssets().resolve("datasets/ikea-shop-the-look"));
        Path models = modelsDir != null ? modelsDir : ProjectPaths.requireAssets().resolve("models");
        String backboneId = model != null ? model : EmbedderCatalogue.defaultModelId();
        RoomsRun.Settings settings = new RoomsRun.Settings(models, backboneId, null, detector, threads,
                RoomsRun.DEFAULT_K, RoomsRun.GATEWAY_CANDIDATES_PER_HIT, -1, RoomRegions.Settings.GATEWAY,
                cacheDir, true);
        CatalogIndex catalog = RoomsRun.catalog(set, settings, log);

        ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
        List<ShopTheLook.Room> tune = set.part(ShopTheLook.Part.TUNE, ShopTheLook.SPLIT_SEED,
                ShopTheLook.TUNE_FRACTION);
        List<BufferedImage> backgrounds = new ArrayList<>();
        for (ShopTheLook.Room room : tune) {
            backgrounds.add(decoder.decode(Files.readAllBytes(room.image())).image());
        }
        log.printf(Locale.ROOT, "Backgrounds: the %d rooms of the tune part; %d composites per product%n",
                tune.size(), perProduct);

        List<float[]> features = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int v = 0; v < catalog.size(); v++) {
            features.add(catalog.vector(v));
            labels.add(catalog.entry(v).product());
        }
        int catalogRows = features.size();
        ModelSpec spec = EmbedderCatalogue.load(models).spec(backboneId);
        Composites composites = new Composites(backgrounds, Composites.Settings.DEFAULT, seed);
        Path exampleDir = out.resolveSibling(out.getFileName() + "-examples");
        int written = 0;
        long started = System.nanoTime();
        try (Backbone backbone = Backbone.load(spec, threads);
                Progress bar = Progress.bar("Embedding composites", set.products().size())) {
            for (int p = 0; p < set.products().size(); p++) {
                BufferedImage product = Composites.cutOut(
                        decoder.decode(Files.readAllBytes(set.products().get(p).image())).image());
                List<BufferedImage> crops = new ArrayList<>();
                for (int i = 0; i < perProduct; i++) {
                    // Through JPEG at the detector's crop quality, as every query crop is.
                    byte[] jpeg = JpegEncoder.encode(composites.next(product), 0.9f);
                    if (written < examples) {
                        Files.createDirectories(exampleDir);
                        Files.write(exampleDir.resolve(String.format(Locale.ROOT, "%02d-%s.jpg", written++,
                                set.products().get(p).id())), jpeg);
                    }
                    crops.add(decoder.decode(jpeg).image());
                }
                for (float[] vector : backbone.embed(crops)) {
                    features.add(vector);
                    labels.add(p);
                }
                bar.step();
            }
        }
        log.printf(Locale.ROOT, "Training samples: %d catalog crop vectors and %d composites (%.0f s)%n", catalogRows,
                features.size() - catalogRows, (System.nanoTime() - started) / 1e9);

        int last = epochs.stream().mapToInt(Integer::intValue).max().orElseThrow();
        HeadTrainer trainer = new HeadTrainer(HeadTrainer.Settings.DEFAULT);
        trainer.train(features.toArray(float[][]::new), labels.stream().mapToInt(Integer::intValue).toArray(),
                set.products().size(), last, (epoch, head) -> {
                    log.printf(Locale.ROOT, "epoch %d: loss %.4f, train accuracy %.3f%n", epoch.number(),
                            epoch.loss(), epoch.accuracy());
                    if (epochs.contains(epoch.number())) {
                        Path file = out.resolveSibling(out.getFileName() + "-e" + epoch.number() + ".head");
                        try {
                            Files.createDirectories(file.toAbsolutePath().getParent());
                            head.get().write(file);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        log.println("Head: " + file.toAbsolutePath());
                    }
                });
        return 0;
    }
}
