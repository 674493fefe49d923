package io.snapfind.quality;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BubbleChart;
import org.knowm.xchart.BubbleChartBuilder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The backbone choice as one picture (issue 13, as the original write-up chose its feature extractor): shop-the-look
 * hit@10 against the parameters the vector depends on, each model a bubble whose area is its latency per room.
 * Reads the per-model TSV the rooms runs are collected in (columns {@code model}, {@code hit10},
 * {@code p50_ms_per_room}, {@code vector_parameters}), so the picture shows exactly the recorded figures.
 */
@Command(name = "chart", mixinStandardHelpOptions = true, description = "Draw quality against parameters and latency "
        + "over every backbone from a per-model TSV (docs/quality/rooms-experiments/backbones.tsv).")
final class BackboneChart implements Callable<Integer> {

    @Option(names = "--tsv", defaultValue = "docs/quality/rooms-experiments/backbones.tsv",
            description = "per-model figures. Default: ${DEFAULT-VALUE}.")
    Path tsv;

    @Option(names = "--out", defaultValue = "docs/quality/rooms-experiments/backbones.png",
            description = "the PNG to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() throws IOException {
        List<String> lines = Files.readAllLines(tsv);
        List<String> header = List.of(lines.get(0).split("\t"));
        int model = column(header, "model");
        int hit = column(header, "hit10");
        int millis = column(header, "p50_ms_per_room");
        int parameters = column(header, "vector_parameters");
        BubbleChart chart = new BubbleChartBuilder().width(1000).height(620)
                .title("Shop the look: hit@10 against parameters (bubble area: p50 ms per room, one machine, back to back)")
                .xAxisTitle("parameters of the vector (millions)").yAxisTitle("hit@10 (102 rooms, whole catalog)")
                .build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        double[] xs = lines.subList(1, lines.size()).stream()
                .mapToDouble(l -> Double.parseDouble(l.split("\t")[parameters]) / 1e6).toArray();
        double[] ys = lines.subList(1, lines.size()).stream()
                .mapToDouble(l -> Double.parseDouble(l.split("\t")[hit])).toArray();
        // Room around the extremes, so no bubble is cut by the frame.
        chart.getStyler().setXAxisMin(java.util.Arrays.stream(xs).min().orElse(0) - 0.8)
                .setXAxisMax(java.util.Arrays.stream(xs).max().orElse(1) + 0.8)
                .setYAxisMin(java.util.Arrays.stream(ys).min().orElse(0) - 0.03)
                .setYAxisMax(java.util.Arrays.stream(ys).max().orElse(1) + 0.03);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\t");
            double ms = Double.parseDouble(cells[millis]);
            // Bubble diameters in pixels; the square root keeps the area proportional to the latency.
            chart.addSeries(cells[model] + " (" + Math.round(ms) + " ms)",
                    new double[] { Double.parseDouble(cells[parameters]) / 1e6 },
                    new double[] { Double.parseDouble(cells[hit]) }, new double[] { 2 * Math.sqrt(ms) });
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        String name = out.toString();
        BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
        System.out.println("wrote " + out);
        return 0;
    }

    private int column(List<String> header, String name) {
        int index = header.indexOf(name);
        if (index < 0) {
            throw new UncheckedIOException(new IOException(tsv + " has no column '" + name + "'"));
        }
        return index;
    }
}
