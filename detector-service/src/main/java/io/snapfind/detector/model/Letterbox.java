package io.snapfind.detector.model;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Fits an image into the model's square input keeping its aspect ratio, pads the rest with grey 114 as both YOLO
 * trainings did, and writes the pixels as a float NCHW tensor. Plain Java: DJL's ONNX Runtime engine cannot run
 * NDArray image ops (see the assets MANIFEST).
 */
public final class Letterbox {

    /** Where the resized image sits and how its pixels are written. */
    public enum Style {
        /** Ultralytics: centred, RGB, scaled to 0..1. */
        CENTRED_RGB_UNIT,
        /** YOLOX: top-left, BGR, raw 0..255. */
        TOP_LEFT_BGR_RAW
    }

    /** How input coordinates map back to the original image. */
    public record Geometry(float scale, int left, int top, int width, int height) {

        public float originalX(float x) {
            return clamp((x - left) / scale, width);
        }

        public float originalY(float y) {
            return clamp((y - top) / scale, height);
        }

        private static float clamp(float value, int max) {
            return Math.max(0f, Math.min(max, value));
        }
    }

    private static final int PAD = 114;

    private Letterbox() {
    }

    /** Fills {@code tensor} (length 3·size²) and returns the geometry to undo the transform. */
    public static Geometry apply(BufferedImage image, int size, Style style, float[] tensor) {
        int width = image.getWidth();
        int height = image.getHeight();
        float scale = Math.min((float) size / width, (float) size / height);
        boolean centred = style == Style.CENTRED_RGB_UNIT;
        // Ultralytics rounds the resized size, YOLOX truncates it; follow each to match their verified outputs.
        int resizedW = Math.max(1, Math.min(size, centred ? Math.round(width * scale) : (int) (width * scale)));
        int resizedH = Math.max(1, Math.min(size, centred ? Math.round(height * scale) : (int) (height * scale)));
        int left = centred ? Math.round((size - resizedW) / 2f - 0.1f) : 0;
        int top = centred ? Math.round((size - resizedH) / 2f - 0.1f) : 0;

        BufferedImage canvas = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(new Color(PAD, PAD, PAD));
            g.fillRect(0, 0, size, size);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, left, top, resizedW, resizedH, null);
        } finally {
            g.dispose();
        }
        int[] pixels = ((DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
        int plane = size * size;
        if (tensor.length != 3 * plane) {
            throw new IllegalArgumentException("tensor must hold 3x" + size + "x" + size + " floats");
        }
        if (centred) {
            for (int i = 0; i < plane; i++) {
                int rgb = pixels[i];
                tensor[i] = ((rgb >> 16) & 0xFF) / 255f;
                tensor[plane + i] = ((rgb >> 8) & 0xFF) / 255f;
                tensor[2 * plane + i] = (rgb & 0xFF) / 255f;
            }
        } else {
            for (int i = 0; i < plane; i++) {
                int rgb = pixels[i];
                tensor[i] = rgb & 0xFF;
                tensor[plane + i] = (rgb >> 8) & 0xFF;
                tensor[2 * plane + i] = (rgb >> 16) & 0xFF;
            }
        }
        return new Geometry(scale, left, top, width, height);
    }
}
