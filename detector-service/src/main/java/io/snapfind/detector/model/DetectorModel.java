package io.snapfind.detector.model;

import io.quarkus.runtime.Startup;
import io.snapfind.detector.config.DetectorConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/** The configured detector, loaded once at start-up; start-up fails with the file's name if it cannot be loaded. */
@Startup
@ApplicationScoped
public class DetectorModel {

    private final OnnxDetector detector;

    DetectorModel(DetectorConfig config) {
        DetectorSpec spec = DetectorSpec.named(config.model());
        this.detector = OnnxDetector.load(spec, config.modelsDir(), config.modelsDir().resolve(config.labelsFile()),
                new YoloDecoding.Thresholds(config.confidence(), config.iou(), config.maxDetections()),
                new OnnxModel.RuntimeSettings(config.intraOpThreads(), config.interOpThreads(), config.ortSpinning()));
    }

    public OnnxDetector detector() {
        return detector;
    }

    @PreDestroy
    void close() {
        detector.close();
    }
}
