package io.snapfind.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.snapfind.harness.ProjectPaths;

/** A fusion of the catalogue, as the tools extract it, is what the embedder's fusion serves. */
class FrozenBackboneTest {

    private static final String FUSION = "efficientnet-lite0+mobilenetv2";

    @Test
    void aFusionIsItsMembersUnitVectorsScaledAndConcatenated() {
        Path assets = ProjectPaths.requireAssets();
        List<Path> images = List.of(assets.resolve("photos/dog.jpg"), assets.resolve("photos/eagle.jpg"));
        float[][] fused;
        float[][] lite0;
        float[][] mobilenet;
        try (FrozenBackbone fusion = FrozenBackbone.open(assets, FUSION, 1);
                FrozenBackbone first = FrozenBackbone.open(assets, "efficientnet-lite0", 1);
                FrozenBackbone second = FrozenBackbone.open(assets, "mobilenetv2", 1)) {
            assertEquals(FUSION, fusion.modelId());
            assertEquals(2560, fusion.dimension());
            fused = fusion.features(images, false);
            lite0 = first.features(images, false);
            mobilenet = second.features(images, false);
        }
        double scale = 1 / Math.sqrt(2);
        for (int i = 0; i < images.size(); i++) {
            assertEquals(2560, fused[i].length);
            double norm = 0;
            for (int d = 0; d < 1280; d++) {
                assertEquals(lite0[i][d] * scale, fused[i][d], 1e-6, "first member, value " + d);
                assertEquals(mobilenet[i][d] * scale, fused[i][1280 + d], 1e-6, "second member, value " + d);
            }
            for (float v : fused[i]) {
                norm += v * v;
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-4);
        }
    }

    @Test
    void aHeadIsNotTrainedOnAFusion() {
        Path assets = ProjectPaths.requireAssets();
        try (FrozenBackbone fusion = FrozenBackbone.open(assets, FUSION, 1)) {
            TrainingOptions options = new TrainingOptions() {
            };
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> options.trainingFeatures(fusion, assets));
            assertTrue(refused.getMessage().contains("one of its members"), refused.getMessage());
        }
    }
}
