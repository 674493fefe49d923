package io.snapfind.detector.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.snapfind.detector.Detection;

/**
 * The detector catalogue: each COCO-80 YOLO export in the assets, with its file, input size, preprocessing and
 * output layout as verified in the assets MANIFEST. Selected by {@code snapfind.detector.model}.
 */
public enum DetectorSpec {

    /** Ultralytics YOLOv8n, int8 dynamic quantisation; output [1,84,8400]. The default: the more accurate one. */
    YOLOV8N("yolov8n", "yolov8n_int8.onnx", 640, Letterbox.Style.CENTRED_RGB_UNIT),

    /** YOLOX-Nano with the raw head; output [1,3549,85]. About three times faster, a little less accurate. */
    YOLOX_NANO("yolox-nano", "yolox_nano.onnx", 416, Letterbox.Style.TOP_LEFT_BGR_RAW);

    public static final int COCO_CLASSES = 80;

    private final String id;
    private final String file;
    private final int inputSize;
    private final Letterbox.Style style;

    DetectorSpec(String id, String file, int inputSize, Letterbox.Style style) {
        this.id = id;
        this.file = file;
        this.inputSize = inputSize;
        this.style = style;
    }

    public static DetectorSpec named(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(spec -> spec.id.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown detector model '" + id + "'; known: "
                        + Arrays.stream(values()).map(DetectorSpec::id).collect(Collectors.joining(", "))));
    }

    public String id() {
        return id;
    }

    public String file() {
        return file;
    }

    public int inputSize() {
        return inputSize;
    }

    /** Writes the image into {@code tensor} (3·size² floats) the way this model was trained to see it. */
    public Letterbox.Geometry preprocess(java.awt.image.BufferedImage image, float[] tensor) {
        return Letterbox.apply(image, inputSize, style, tensor);
    }

    public List<Detection> decode(float[] output, List<String> labels, Letterbox.Geometry geometry,
            YoloDecoding.Thresholds thresholds) {
        return switch (this) {
            case YOLOV8N -> YoloDecoding.ultralytics(output, COCO_CLASSES, labels, geometry, thresholds);
            case YOLOX_NANO -> YoloDecoding.yolox(output, inputSize, COCO_CLASSES, labels, geometry, thresholds);
        };
    }
}
