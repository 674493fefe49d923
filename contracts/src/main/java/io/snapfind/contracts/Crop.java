package io.snapfind.contracts;

/**
 * A detected region cut out of a product image as JPEG. The label is {@value #WHOLE_IMAGE} for the crop that
 * covers the whole image; cropId is expected to come from {@link CropIds#of}.
 */
public record Crop(String cropId, Box box, String label, float score, byte[] jpeg) {

    public static final String WHOLE_IMAGE = "image";

    public Crop {
        Check.nonBlank(cropId, "cropId");
        Check.present(box, "box");
        Check.nonBlank(label, "label");
        Check.score(score, "score");
        jpeg = Check.nonEmpty(jpeg, "jpeg");
    }

    @Override
    public byte[] jpeg() {
        return jpeg.clone();
    }
}
