package io.snapfind.detector.config;

import java.awt.image.BufferedImage;
import java.util.Map;

import org.eclipse.microprofile.health.Readiness;

import io.snapfind.detector.CropCutter;
import io.snapfind.detector.CropSettings;
import io.snapfind.detector.DetectionResult;
import io.snapfind.detector.Detector;
import io.snapfind.detector.ImageIntake;
import io.snapfind.detector.ProductProcessor;
import io.snapfind.detector.metrics.DetectorMetrics;
import io.snapfind.detector.model.DetectorModel;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.fetch.FetchPolicy;
import io.snapfind.imaging.fetch.HostResolver;
import io.snapfind.imaging.fetch.SafeImageFetcher;
import io.snapfind.imaging.pictures.PictureStore;
import io.snapfind.support.health.ModelReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The detector's bean wiring: builds the plain-Java domain objects from the configuration, once. */
@ApplicationScoped
public class DetectorBeans {

    @Produces
    @ApplicationScoped
    ImageDecoder imageDecoder(DetectorConfig config) {
        return new ImageDecoder(new ImageLimits(config.image().maxBytes(), config.image().maxPixels()));
    }

    @Produces
    @ApplicationScoped
    SafeImageFetcher imageFetcher(DetectorConfig config) {
        DetectorConfig.Fetch fetch = config.fetch();
        return new SafeImageFetcher(new FetchPolicy(fetch.allowLoopback(), fetch.connectTimeout(), fetch.readTimeout(),
                fetch.totalTimeout(), config.image().maxBytes(), fetch.maxRedirects(), fetch.userAgent()),
                HostResolver.SYSTEM);
    }

    @Produces
    @ApplicationScoped
    ImageIntake imageIntake(SafeImageFetcher fetcher, ImageDecoder decoder, DetectorConfig config) {
        return new ImageIntake(fetcher, decoder, config.fetch().retries(), config.fetch().retryPause());
    }

    @Produces
    @ApplicationScoped
    CropCutter cropCutter(DetectorConfig config) {
        DetectorConfig.Crops crops = config.crops();
        return new CropCutter(new CropSettings(crops.maxDetections(), crops.minArea(), crops.margin(), crops.maxSide(),
                crops.jpegQuality()));
    }

    /** The configured model, timed into {@code snapfind_detector_detection_seconds}. */
    @Produces
    @ApplicationScoped
    Detector detector(DetectorModel model, DetectorMetrics metrics) {
        Detector onnx = model.detector();
        return new Detector() {
            @Override
            public String name() {
                return onnx.name();
            }

            @Override
            public DetectionResult detect(BufferedImage image) {
                DetectionResult result = onnx.detect(image);
                metrics.detected(result.totalMillis());
                return result;
            }
        };
    }

    @Produces
    @ApplicationScoped
    ProductProcessor productProcessor(ImageIntake intake, Detector detector, CropCutter cutter, DetectorConfig config) {
        return new ProductProcessor(intake, detector, cutter, config.picturesDir().map(PictureStore::new));
    }

    /** Ready once the model has loaded and answered its warm-up inference. */
    @Produces
    @Readiness
    @ApplicationScoped
    ModelReadiness modelReadiness(DetectorModel model) {
        return new ModelReadiness("detector-model", () -> Map.of("model", model.detector().name(),
                "file", model.detector().model().file().getFileName().toString()));
    }
}
