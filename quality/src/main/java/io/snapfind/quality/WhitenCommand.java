package io.snapfind.quality;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.snapfind.harness.ProjectPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "whiten", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fit PCA whitening on the IKEA shop-the-look catalog's vectors (every crop of each product "
                + "photo, as rooms indexes them; no room is used) and write it as an embedder projection head "
                + "(one linear layer, then the head's L2 normalisation), for rooms --model ID+head --head FILE or "
                + "the embedder's snapfind.embedder.models.<id>.head.")
final class WhitenCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "the shop-the-look folder. Default: the assets' "
            + "datasets/ikea-shop-the-look.")
    Path dir;

    @Option(names = "--model", required = true, description = "embedder catalogue id (no head).")
    String model;

    @Option(names = "--power", defaultValue = "0.5", split = ",", description = "each component is scaled "
            + "by (eigenvalue + shrinkage × mean eigenvalue)^-power: 0.5 = full whitening. Several (a,b): one "
            + "head each. Default: ${DEFAULT-VALUE}.")
    List<Double> power;

    @Option(names = "--shrinkage", defaultValue = "0", split = ",", description = "added to every eigenvalue, "
            + "as a fraction of the mean eigenvalue. Default: ${DEFAULT-VALUE}.")
    List<Double> shrinkage;

    @Option(names = "--drop", defaultValue = "0", split = ",", description = "leading principal components "
            + "left out. Default: ${DEFAULT-VALUE}.")
    List<Integer> drop;

    @Option(names = "--dims", defaultValue = "65536", split = ",", description = "components kept after the "
            + "dropped ones. Default: all.")
    List<Integer> dims;

    @Option(names = "--detector", defaultValue = "yolov8n", description = "detector of the catalog's crops. "
            + "Default: ${DEFAULT-VALUE}.")
    String detector;

    @Option(names = "--cache-dir", defaultValue = "target/quality-cache", description = "the rooms catalog "
            + "cache (vectors are embedded and cached when missing). Default: ${DEFAULT-VALUE}.")
    Path cacheDir;

    @Option(names = "--models-dir", description = "folder of the ONNX models. Default: the assets' models/.")
    Path modelsDir;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads.")
    int threads;

    @Option(names = "--out", required = true, description = "the head file to write; with several settings, "
            + "FILE-p<power>-s<shrinkage>-drop<drop>-n<dims>.head each.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ShopTheLook set = ShopTheLook.load(dir != null ? dir
                : ProjectPaths.requireAssets().resolve("datasets/ikea-shop-the-look"));
        Path models = modelsDir != null ? modelsDir : ProjectPaths.requireAssets().resolve("models");
        RoomsRun.Settings settings = new RoomsRun.Settings(models, model, null, detector, threads,
                RoomsRun.DEFAULT_K, RoomsRun.GATEWAY_CANDIDATES_PER_HIT, -1, RoomRegions.Settings.GATEWAY,
                cacheDir, true);
        CatalogIndex catalog = RoomsRun.catalog(set, settings, System.out);
        long started = System.nanoTime();
        Whitening.Decomposition decomposition = Whitening.decompose(Whitening.vectors(catalog));
        double[] e = java.util.Arrays.stream(decomposition.eigenvalues()).map(x -> Math.max(0, x)).toArray();
        double total = Arrays.stream(e).sum();
        StringBuilder top = new StringBuilder();
        for (int i = 0; i < Math.min(5, e.length); i++) {
            top.append(String.format(Locale.ROOT, " %.1f%%", 100 * e[e.length - 1 - i] / total));
        }
        System.out.printf(Locale.ROOT, "PCA of %d catalog vectors (%d-d) in %.1f s; variance of the first 5 "
                + "components:%s%n", decomposition.vectors(), e.length, (System.nanoTime() - started) / 1e9, top);
        boolean several = power.size() * shrinkage.size() * drop.size() * dims.size() > 1;
        for (double p : power) {
            for (double s : shrinkage) {
                for (int dr : drop) {
                    for (int n : dims) {
                        Whitening.Fit fit = Whitening.head(decomposition, new Whitening.Settings(p, dr, n, s));
                        Path file = !several ? out : out.resolveSibling(String.format(Locale.ROOT,
                                "%s-p%s-s%s-drop%d-n%d.head", out.getFileName(), p, s, dr,
                                fit.head().outputDimension()));
                        fit.head().write(file);
                        System.out.println("Head: " + file.toAbsolutePath() + " (power " + p + ", shrinkage " + s
                                + ", drop " + dr + ", " + fit.head().outputDimension() + " components)");
                    }
                }
            }
        }
        return 0;
    }
}
