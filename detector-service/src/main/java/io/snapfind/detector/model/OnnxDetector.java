package io.snapfind.detector.model;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.snapfind.detector.Detection;
import io.snapfind.detector.DetectionResult;
import io.snapfind.detector.Detector;

/** A catalogue model run through ONNX Runtime: letterbox, inference, decode and NMS. Thread-safe. */
public final class OnnxDetector implements Detector, AutoCloseable {

    private final DetectorSpec spec;
    private final OnnxModel model;
    private final List<String> labels;
    private final YoloDecoding.Thresholds thresholds;

    public OnnxDetector(DetectorSpec spec, OnnxModel model, List<String> labels, YoloDecoding.Thresholds thresholds) {
        if (labels.size() != DetectorSpec.COCO_CLASSES) {
            throw new IllegalArgumentException("expected " + DetectorSpec.COCO_CLASSES + " labels, got " + labels.size());
        }
        this.spec = spec;
        this.model = model;
        this.labels = List.copyOf(labels);
        this.thresholds = thresholds;
    }

    /** Loads the spec's model from {@code modelsDir} and the labels from {@code labelsFile}. */
    public static OnnxDetector load(DetectorSpec spec, Path modelsDir, Path labelsFile,
            YoloDecoding.Thresholds thresholds, OnnxModel.RuntimeSettings runtime) {
        List<String> labels = readLabels(labelsFile);
        return new OnnxDetector(spec, OnnxModel.load(modelsDir.resolve(spec.file()), spec.inputSize(), runtime),
                labels, thresholds);
    }

    public static List<String> readLabels(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::trim).filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the class labels from " + file, e);
        }
    }

    @Override
    public String name() {
        return spec.id();
    }

    public DetectorSpec spec() {
        return spec;
    }

    public OnnxModel model() {
        return model;
    }

    @Override
    public DetectionResult detect(BufferedImage image) {
        long start = System.nanoTime();
        float[] tensor = new float[3 * spec.inputSize() * spec.inputSize()];
        Letterbox.Geometry geometry = spec.preprocess(image, tensor);
        long preprocessed = System.nanoTime();
        float[] output = model.run(tensor);
        long inferred = System.nanoTime();
        List<Detection> detections = spec.decode(output, labels, geometry, thresholds);
        long decoded = System.nanoTime();
        return new DetectionResult(detections, millis(preprocessed - start), millis(inferred - preprocessed),
                millis(decoded - inferred));
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }

    @Override
    public void close() {
        model.close();
    }
}
