package io.snapfind.gateway;

/** An object the detector found in the query photo. */
public record DetectedObject(String label, float score, Region box) {

    public static final String WHOLE_IMAGE = "image";
}
