package io.snapfind.quality;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts, drawn with XChart and saved as PNG. */
final class Charts {

    private Charts() {
    }

    /** Top-1, top-5, P@5 and mAP@10 of every configuration at one level, as grouped bars. */
    static void accuracy(List<QualityRun.ConfigResult> results, int level, String levelName, Path file)
            throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(900, 60 * results.size() + 200)).height(820)
                .title("Retrieval quality per configuration (" + levelName + ")").yAxisTitle("share of queries")
                .build();
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setAvailableSpaceFill(0.8);
        chart.getStyler().setXAxisLabelRotation(60);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal)
                .setChartBackgroundColor(Color.WHITE);
        List<String> names = results.stream().map(r -> r.configuration().name()).toList();
        chart.addSeries("top-1", names, values(results, r -> r.figures(level).top1()));
        chart.addSeries("top-5", names, values(results, r -> r.figures(level).top5()));
        chart.addSeries("P@5", names, values(results, r -> r.figures(level).precisionAt5()));
        chart.addSeries("mAP@10", names, values(results, r -> r.figures(level).mapAt10()));
        save(chart, file);
    }

    /** A quality figure against query latency (p50), a series per mode, points labelled by model. */
    static void qualityVersusLatency(List<QualityRun.ConfigResult> results, int level, String figureName,
            ToDoubleFunction<RetrievalSummary.Figures> figure, Path file) throws IOException {
        scatter(results, level, figureName, figure, "query latency p50 (ms, embed + search)",
                r -> r.figures(level).latencyP50(), false, "Quality versus latency", file);
    }

    /** A quality figure against the parameters run per query (log scale). */
    static void qualityVersusParameters(List<QualityRun.ConfigResult> results, int level, String figureName,
            ToDoubleFunction<RetrievalSummary.Figures> figure, Path file) throws IOException {
        List<QualityRun.ConfigResult> known = results.stream().filter(r -> r.parameters() > 0).toList();
        if (known.isEmpty()) {
            return;
        }
        scatter(known, level, figureName, figure, "parameters run per query (millions; crops add YOLOv8n)",
                r -> r.parameters() / 1e6, false, "Quality versus parameter count", file);
    }

    private static void scatter(List<QualityRun.ConfigResult> results, int level, String figureName,
            ToDoubleFunction<RetrievalSummary.Figures> figure, String xTitle,
            ToDoubleFunction<QualityRun.ConfigResult> x, boolean logarithmic, String title, Path file)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(1100).height(640).title(title + " (" + figureName + "; "
                + "mnv2 = mobilenetv2, logits = mobilenetv2-logits)").xAxisTitle(xTitle).yAxisTitle(figureName).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setXAxisLogarithmic(logarithmic);
        chart.getStyler().setMarkerSize(10).setLegendPosition(Styler.LegendPosition.OutsideE)
                .setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setAnnotationTextFont(chart.getStyler().getAnnotationTextFont().deriveFont(10f));
        Map<String, List<QualityRun.ConfigResult>> bySeries = new LinkedHashMap<>();
        for (QualityRun.ConfigResult result : results) {
            Configuration c = result.configuration();
            bySeries.computeIfAbsent(c.metric().id() + " · " + c.mode().id(), k -> new ArrayList<>()).add(result);
        }
        double minY = 1;
        double maxY = 0;
        chart.getStyler().setSeriesColors(palette(Metric.values().length * Mode.values().length));
        for (Map.Entry<String, List<QualityRun.ConfigResult>> series : bySeries.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (QualityRun.ConfigResult result : series.getValue()) {
                double xValue = x.applyAsDouble(result);
                double yValue = figure.applyAsDouble(result.figures(level));
                xs.add(xValue);
                ys.add(yValue);
                minY = Math.min(minY, yValue);
                maxY = Math.max(maxY, yValue);
                chart.addAnnotation(new AnnotationText(shortName(result.configuration().models()), xValue, yValue,
                        false));
            }
            chart.addSeries(series.getKey(), xs, ys).setMarker(SeriesMarkers.CIRCLE);
        }
        chart.getStyler().setYAxisMin(Math.max(0, Math.floor(minY * 10 - 1) / 10))
                .setYAxisMax(Math.min(1.0, Math.ceil(maxY * 10 + 1) / 10));
        save(chart, file);
    }

    /** Points in 2-D (a projection of embeddings), one colour per class. */
    static void map(double[][] points, List<String> classes, String title, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(700).title(title).xAxisTitle("principal component 1")
                .yAxisTitle("principal component 2").build();
        Map<String, List<Integer>> byClass = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            byClass.computeIfAbsent(classes.get(i), k -> new ArrayList<>()).add(i);
        }
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(7).setLegendVisible(byClass.size() <= 16)
                .setLegendPosition(Styler.LegendPosition.OutsideE).setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setSeriesColors(palette(byClass.size()));
        for (Map.Entry<String, List<Integer>> entry : byClass.entrySet()) {
            List<Double> xs = entry.getValue().stream().map(i -> points[i][0]).toList();
            List<Double> ys = entry.getValue().stream().map(i -> points[i][1]).toList();
            chart.addSeries(entry.getKey(), xs, ys).setMarker(SeriesMarkers.CIRCLE);
        }
        save(chart, file);
    }

    /** The catalogue's long model names shortened, so the point labels overlap less. */
    static String shortName(String models) {
        return models.replace("mobilenetv2-logits", "logits").replace("mobilenetv2", "mnv2").replace(" + ", "+");
    }

    /** Evenly spaced hues, so neighbouring classes differ. */
    static Color[] palette(int count) {
        Color[] colors = new Color[Math.max(1, count)];
        for (int i = 0; i < colors.length; i++) {
            float hue = (i * 0.618034f) % 1f;
            colors[i] = Color.getHSBColor(hue, 0.75f, i % 2 == 0 ? 0.85f : 0.6f);
        }
        return colors;
    }

    private static List<Double> values(List<QualityRun.ConfigResult> results,
            ToDoubleFunction<QualityRun.ConfigResult> value) {
        return results.stream().map(r -> value.applyAsDouble(r)).toList();
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
        String name = file.toString();
        BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
