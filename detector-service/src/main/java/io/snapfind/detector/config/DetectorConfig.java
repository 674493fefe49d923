package io.snapfind.detector.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Settings under {@code snapfind.detector}; each is documented once, in detector-service/README.md. */
@ConfigMapping(prefix = "snapfind.detector")
public interface DetectorConfig {

    /** Catalogue name of the detector: {@code yolov8n} or {@code yolox-nano}. */
    @WithDefault("yolov8n")
    String model();

    /** Folder holding the ONNX detector models and the label file. */
    Path modelsDir();

    /** COCO class names, one per line in class-id order, inside {@link #modelsDir()}. */
    @WithDefault("coco80.names")
    String labelsFile();

    /** Minimum class score (YOLOX: objectness × class score) for a detection. */
    @WithDefault("0.25")
    float confidence();

    /** IoU above which a lower-scored box of the same class is suppressed. */
    @WithDefault("0.45")
    float iou();

    /** Most detections kept per image after NMS. */
    @WithDefault("100")
    int maxDetections();

    /** ONNX Runtime threads inside one operator; 0 lets ONNX Runtime choose (one per physical core). */
    @WithDefault("0")
    int intraOpThreads();

    /** ONNX Runtime threads across operators; 0 lets ONNX Runtime choose. */
    @WithDefault("0")
    int interOpThreads();

    /** Whether idle ONNX Runtime threads busy-wait for work; off leaves the cores to decoding and Kafka. */
    @WithDefault("false")
    boolean ortSpinning();

    Crops crops();

    Image image();

    /** The detections {@code /v1/detect} runs at once (DetectionSlots). */
    Slots slots();

    interface Slots {
        /** Detections at once; each holds a decoded photo of up to 160 MB. */
        @WithDefault("2")
        int count();

        /** How long a request waits for a slot before it is refused with 503 {@code overloaded}. */
        @WithName("wait")
        @WithDefault("3s")
        Duration waitFor();
    }

    Fetch fetch();

    /**
     * Directory where the crops' JPEGs are kept for the gateway to show (the same directory as
     * {@code snapfind.gateway.pictures-dir}); none stores no pictures.
     */
    Optional<Path> picturesDir();

    /** How long publishing one record's output to Kafka may take before the record is retried. */
    @WithDefault("60s")
    Duration publishTimeout();

    /**
     * Images one product may have: each is fetched and detected in turn on the ordered consumer, so an upsert with
     * more is dead-lettered whole (reason {@code too-many-images}) and the index keeps the previous version.
     */
    @WithDefault("32")
    int maxImagesPerProduct();

    interface Crops {
        /** Detection crops per image at most, best score first; the whole-image crop 0 comes on top. */
        @WithDefault("5")
        int maxDetections();

        /** Smallest detection turned into a crop, as a fraction of the image area. */
        @WithDefault("0.01")
        double minArea();

        /** Padding around each detection, as a fraction of its width and height per side. */
        @WithDefault("0.05")
        double margin();

        /** Crops are scaled down to at most this many pixels on their longer side before JPEG encoding. */
        @WithDefault("640")
        int maxSide();

        /** JPEG quality of the crops, 0..1. */
        @WithDefault("0.9")
        float jpegQuality();
    }

    interface Image {
        /** Largest encoded image accepted, inline, uploaded or fetched (bytes); enforced while downloading. */
        @WithDefault("20971520")
        long maxBytes();

        /** Largest image accepted, in pixels (width × height), read from the header before decoding. */
        @WithDefault("40000000")
        long maxPixels();
    }

    interface Fetch {
        /** Lets URL images on 127.0.0.0/8 and ::1 through. For tests only: never enable it in production. */
        @WithDefault("false")
        boolean allowLoopback();

        /** TCP connect (and TLS handshake) limit per address. */
        @WithDefault("3s")
        Duration connectTimeout();

        /** Longest silence while waiting for response bytes. */
        @WithDefault("10s")
        Duration readTimeout();

        /** Longest one fetch may take, redirects included. */
        @WithDefault("30s")
        Duration totalTimeout();

        /** Redirects followed at most, each re-checked. */
        @WithDefault("3")
        int maxRedirects();

        /** More attempts after a transient fetch failure (timeout, broken connection, 5xx, 429, 408); 0 turns retries off. */
        @WithDefault("2")
        int retries();

        /** Pause before the first retry; each further retry waits twice as long. */
        @WithDefault("1s")
        Duration retryPause();

        /** User-Agent header of image requests. */
        @WithDefault("Snapfind-ImageFetcher/1.0")
        String userAgent();
    }
}
