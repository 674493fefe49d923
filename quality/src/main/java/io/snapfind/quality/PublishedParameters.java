package io.snapfind.quality;

import java.util.Map;
import java.util.OptionalLong;

/** Parameter counts of the models, as published for their architectures, for the quality-versus-size chart. */
final class PublishedParameters {

    /**
     * Parameters each catalogue model's vector depends on (quantisation does not change the count): torchvision's
     * MobileNetV2 has 3,504,872 parameters, of which the 1280 → 1000 classifier holds 1,281,000, so the 1280-d pooled
     * features depend on 2,223,872; ResNet50 v1 has 25,557,032. The EfficientNet-Lite counts are the initializers
     * of the files scripts/build-models.sh writes (batch norm folded into the convolutions, so a little under the
     * published counts, which include the batch-norm statistics); the 1280 → 1000 classifier's 1,281,000 are left out
     * for the pooled features.
     */
    private static final Map<String, Long> BY_MODEL = Map.of(
            "mobilenetv2", 2_223_872L,
            "mobilenetv2-logits", 3_504_872L,
            "resnet50", 25_557_032L,
            "efficientnet-lite0", 3_350_002L,
            "efficientnet-lite0-logits", 4_631_002L,
            "efficientnet-lite1", 4_108_850L,
            "efficientnet-lite1-logits", 5_389_850L,
            "efficientnet-lite2", 4_782_026L,
            "efficientnet-lite2-logits", 6_063_026L);

    /** YOLOv8n (Ultralytics), run once per image in the crop modes. */
    static final long YOLOV8N = 3_151_904L;

    private PublishedParameters() {
    }

    /** The published parameter count of catalogue model {@code id}, when known. */
    static OptionalLong of(String id) {
        Long count = BY_MODEL.get(id);
        return count == null ? OptionalLong.empty() : OptionalLong.of(count);
    }
}
