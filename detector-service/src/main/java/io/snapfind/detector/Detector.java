package io.snapfind.detector;

import java.awt.image.BufferedImage;

/** Finds objects in an upright RGB image. Implementations are thread-safe. */
public interface Detector {

    /** The model's name in the catalogue, e.g. {@code yolov8n}. */
    String name();

    DetectionResult detect(BufferedImage image);
}
