package io.snapfind.detector.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.snapfind.detector.Detection;

/**
 * Turns raw YOLO output tensors into detections in original-image pixels: per anchor the best class above the
 * confidence threshold, class-wise non-maximum suppression, then the letterbox undone. Plain Java, thread-safe.
 */
public final class YoloDecoding {

    /** Thresholds applied to every image. */
    public record Thresholds(float confidence, float iou, int maxDetections) {
        public Thresholds {
            if (confidence <= 0 || confidence >= 1 || iou <= 0 || iou > 1 || maxDetections <= 0) {
                throw new IllegalArgumentException("confidence must be in (0,1), iou in (0,1], maxDetections > 0: "
                        + confidence + ", " + iou + ", " + maxDetections);
            }
        }
    }

    private YoloDecoding() {
    }

    /**
     * Ultralytics YOLOv8 layout {@code [1, 4 + classes, anchors]}: rows cx, cy, w, h in input pixels, then
     * sigmoid class scores; no objectness.
     */
    public static List<Detection> ultralytics(float[] output, int classes, List<String> labels,
            Letterbox.Geometry geometry, Thresholds thresholds) {
        int rows = 4 + classes;
        if (output.length % rows != 0) {
            throw new IllegalArgumentException("output of " + output.length + " floats is not [1," + rows + ",N]");
        }
        int anchors = output.length / rows;
        List<Detection> candidates = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            int best = 0;
            float bestScore = output[4 * anchors + a];
            for (int c = 1; c < classes; c++) {
                float score = output[(4 + c) * anchors + a];
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            if (bestScore < thresholds.confidence()) {
                continue;
            }
            float cx = output[a];
            float cy = output[anchors + a];
            float w = output[2 * anchors + a];
            float h = output[3 * anchors + a];
            candidates.add(new Detection(best, labels.get(best), bestScore, cx - w / 2, cy - h / 2, cx + w / 2,
                    cy + h / 2));
        }
        return toOriginal(nonMaximumSuppression(candidates, thresholds), geometry);
    }

    /**
     * YOLOX raw head {@code [1, anchors, 5 + classes]}: per row x, y, log w, log h relative to its grid cell, then
     * sigmoid objectness and class scores; grids of strides 8, 16, 32 in row-major order.
     */
    public static List<Detection> yolox(float[] output, int inputSize, int classes, List<String> labels,
            Letterbox.Geometry geometry, Thresholds thresholds) {
        int columns = 5 + classes;
        List<Detection> candidates = new ArrayList<>();
        int row = 0;
        for (int stride : new int[] { 8, 16, 32 }) {
            int grid = inputSize / stride;
            for (int gy = 0; gy < grid; gy++) {
                for (int gx = 0; gx < grid; gx++, row++) {
                    int at = row * columns;
                    if (at + columns > output.length) {
                        throw new IllegalArgumentException("output of " + output.length
                                + " floats is shorter than the YOLOX grid for input " + inputSize);
                    }
                    float objectness = output[at + 4];
                    if (objectness < thresholds.confidence()) {
                        continue; // score = obj·cls ≤ obj, so nothing here can pass
                    }
                    int best = 0;
                    float bestScore = output[at + 5];
                    for (int c = 1; c < classes; c++) {
                        if (output[at + 5 + c] > bestScore) {
                            bestScore = output[at + 5 + c];
                            best = c;
                        }
                    }
                    float score = objectness * bestScore;
                    if (score < thresholds.confidence()) {
                        continue;
                    }
                    float cx = (output[at] + gx) * stride;
                    float cy = (output[at + 1] + gy) * stride;
                    float w = (float) Math.exp(output[at + 2]) * stride;
                    float h = (float) Math.exp(output[at + 3]) * stride;
                    candidates.add(new Detection(best, labels.get(best), score, cx - w / 2, cy - h / 2, cx + w / 2,
                            cy + h / 2));
                }
            }
        }
        if (row * columns != output.length) {
            throw new IllegalArgumentException("output of " + output.length + " floats does not match the "
                    + row + "-anchor YOLOX grid for input " + inputSize);
        }
        return toOriginal(nonMaximumSuppression(candidates, thresholds), geometry);
    }

    /** Greedy class-wise NMS: keeps the best box and drops same-class boxes overlapping it above the IoU. */
    static List<Detection> nonMaximumSuppression(List<Detection> candidates, Thresholds thresholds) {
        List<Detection> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        boolean[] suppressed = new boolean[sorted.size()];
        for (int i = 0; i < sorted.size() && kept.size() < thresholds.maxDetections(); i++) {
            if (suppressed[i]) {
                continue;
            }
            Detection keep = sorted.get(i);
            kept.add(keep);
            for (int j = i + 1; j < sorted.size(); j++) {
                Detection other = sorted.get(j);
                if (!suppressed[j] && other.classId() == keep.classId() && keep.iou(other) > thresholds.iou()) {
                    suppressed[j] = true;
                }
            }
        }
        return kept;
    }

    private static List<Detection> toOriginal(List<Detection> detections, Letterbox.Geometry geometry) {
        List<Detection> mapped = new ArrayList<>(detections.size());
        for (Detection d : detections) {
            Detection original = new Detection(d.classId(), d.label(), d.score(), geometry.originalX(d.x1()),
                    geometry.originalY(d.y1()), geometry.originalX(d.x2()), geometry.originalY(d.y2()));
            if (original.width() > 0 && original.height() > 0) {
                mapped.add(original);
            }
        }
        return mapped;
    }
}
