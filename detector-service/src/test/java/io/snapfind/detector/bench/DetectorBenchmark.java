package io.snapfind.detector.bench;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.smallrye.config.WithDefault;
import io.snapfind.contracts.CropsEvent;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.ProductEvent;
import io.snapfind.contracts.ProductImage;
import io.snapfind.detector.CropCutter;
import io.snapfind.detector.CropSettings;
import io.snapfind.detector.DetectionResult;
import io.snapfind.detector.ImageIntake;
import io.snapfind.detector.ProductProcessor;
import io.snapfind.detector.config.DetectorConfig;
import io.snapfind.detector.model.DetectorSpec;
import io.snapfind.detector.model.OnnxModel;
import io.snapfind.detector.model.OnnxDetector;
import io.snapfind.detector.model.YoloDecoding;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.fetch.FetchPolicy;
import io.snapfind.imaging.fetch.HostResolver;
import io.snapfind.imaging.fetch.SafeImageFetcher;

/**
 * D1: images per second through the detector's own path (decode from bytes, letterbox, DJL/ONNX Runtime inference,
 * decode and NMS), one image at a time as the Kafka consumer works, over the assets' photos and IKEA room scenes;
 * the whole per-image pipeline of the consumer, crops included ({@link ProductProcessor} as the consumer calls it,
 * Kafka excepted); and the raw ONNX Runtime figure for the same model (OrtSession.run on tensors prepared
 * beforehand).
 * A command, not a test: {@code detector-service/bench.sh [--model yolov8n|yolox-nano] [--passes N]
 * [--intra-op-threads N] [--inter-op-threads N] [--spinning true|false]}.
 */
public final class DetectorBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        DetectorSpec spec = DetectorSpec.named(options.getOrDefault("model", "yolov8n"));
        int passes = Integer.parseInt(options.getOrDefault("passes", "5"));
        int intra = Integer.parseInt(options.getOrDefault("intra-op-threads", "0"));
        int inter = Integer.parseInt(options.getOrDefault("inter-op-threads", "0"));
        OnnxModel.RuntimeSettings runtime = new OnnxModel.RuntimeSettings(intra, inter,
                Boolean.parseBoolean(options.getOrDefault("spinning", "false")));

        List<byte[]> images = images();
        Path models = ProjectPaths.asset("models");
        ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
        System.out.printf("model=%s images=%d passes=%d %s cpus=%d%n", spec.id(), images.size(), passes, runtime,
                Runtime.getRuntime().availableProcessors());

        double servicePerSecond;
        double pipelinePerSecond;
        List<float[]> tensors = new ArrayList<>();
        try (OnnxDetector detector = OnnxDetector.load(spec, models, models.resolve("coco80.names"),
                new YoloDecoding.Thresholds(0.25f, 0.45f, 100), runtime)) {
            for (byte[] image : images) { // warm-up, and the tensors for the raw loop
                DecodedImage decoded = decoder.decode(image);
                detector.detect(decoded.image());
                float[] tensor = new float[3 * spec.inputSize() * spec.inputSize()];
                spec.preprocess(decoded.image(), tensor);
                tensors.add(tensor);
            }
            double[] decode = new double[passes * images.size()];
            double[] preprocess = new double[decode.length];
            double[] inference = new double[decode.length];
            double[] postprocess = new double[decode.length];
            int detections = 0;
            int n = 0;
            long start = System.nanoTime();
            for (int pass = 0; pass < passes; pass++) {
                for (byte[] image : images) {
                    long t0 = System.nanoTime();
                    DecodedImage decoded = decoder.decode(image);
                    decode[n] = (System.nanoTime() - t0) / 1e6;
                    DetectionResult result = detector.detect(decoded.image());
                    preprocess[n] = result.preprocessMillis();
                    inference[n] = result.inferenceMillis();
                    postprocess[n] = result.postprocessMillis();
                    detections += result.detections().size();
                    n++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            servicePerSecond = n / seconds;
            System.out.printf("service path: %d images in %.2f s, %d detections; median ms: decode %.1f, letterbox %.1f,"
                    + " inference %.1f, decode+NMS %.2f%n", n, seconds, detections, median(decode), median(preprocess),
                    median(inference), median(postprocess));
            pipelinePerSecond = pipeline(detector, decoder, images, passes);
        }

        double rawPerSecond = raw(models.resolve(spec.file()), spec.inputSize(), tensors, passes, runtime);
        System.out.printf("D1-images-per-s: %.2f%n", servicePerSecond);
        System.out.printf("D1-pipeline-images-per-s: %.2f%n", pipelinePerSecond);
        System.out.printf("D1-raw-images-per-s: %.2f%n", rawPerSecond);
    }

    /**
     * What the Kafka consumer does per record, the broker excepted: parse the catalog event (one inline image), run
     * the service's own {@link ProductProcessor} (decode, detect, cut and JPEG-encode crop 0, the whole image, and
     * the best detections, with the service's default {@link CropSettings}), and serialise each CropsEvent as it is
     * published. No picture store, as by default.
     */
    private static double pipeline(OnnxDetector detector, ImageDecoder decoder, List<byte[]> images, int passes)
            throws ReflectiveOperationException {
        ImageIntake intake = new ImageIntake(new SafeImageFetcher(FetchPolicy.DEFAULT, HostResolver.SYSTEM), decoder);
        CropSettings crops = serviceCropSettings();
        ProductProcessor processor = new ProductProcessor(intake, detector, new CropCutter(crops), Optional.empty());
        EventCodec codec = new EventCodec();
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            records.add(codec.encode(ProductEvent.upsert("bench-" + i, "bench", "bench " + i, Map.of(),
                    List.of(ProductImage.ofBytes("main", images.get(i))), Instant.now())));
        }
        for (byte[] record : records) { // warm-up
            consume(processor, codec, record);
        }
        double[] each = new double[passes * records.size()];
        long cropCount = 0;
        long cropBytes = 0;
        int n = 0;
        long start = System.nanoTime();
        for (int pass = 0; pass < passes; pass++) {
            for (byte[] record : records) {
                long t0 = System.nanoTime();
                List<CropsEvent> events = consume(processor, codec, record);
                each[n++] = (System.nanoTime() - t0) / 1e6;
                for (CropsEvent event : events) {
                    cropCount += event.crops().size();
                    cropBytes += event.crops().stream().mapToLong(crop -> crop.jpeg().length).sum();
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("pipeline (event parse + ProductProcessor + CropsEvent encode, %s): %d images in %.2f s; "
                + "%.2f crops per image (whole image included), %.0f KB of crop JPEGs per image; median %.1f ms%n",
                crops, n, seconds, (double) cropCount / n, cropBytes / 1024.0 / n, median(each));
        return n / seconds;
    }

    private static List<CropsEvent> consume(ProductProcessor processor, EventCodec codec, byte[] record) {
        ProductProcessor.Outcome outcome = processor.process(codec.decodeProduct(record));
        if (!outcome.failures().isEmpty()) {
            throw new IllegalStateException("the pipeline refused an image: " + outcome.failures());
        }
        for (CropsEvent event : outcome.events()) {
            codec.encode(event);
        }
        return outcome.events();
    }

    /** The service's crop settings as deployed by default: DetectorConfig.Crops' own defaults, read, not copied. */
    private static CropSettings serviceCropSettings() throws ReflectiveOperationException {
        return new CropSettings(Integer.parseInt(cropDefault("maxDetections")),
                Double.parseDouble(cropDefault("minArea")), Double.parseDouble(cropDefault("margin")),
                Integer.parseInt(cropDefault("maxSide")), Float.parseFloat(cropDefault("jpegQuality")));
    }

    private static String cropDefault(String setting) throws ReflectiveOperationException {
        return DetectorConfig.Crops.class.getMethod(setting).getAnnotation(WithDefault.class).value();
    }

    /** OrtSession.run alone, on the same model, thread settings and (already letterboxed) images. */
    private static double raw(Path model, int size, List<float[]> tensors, int passes,
            OnnxModel.RuntimeSettings runtime) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = runtime.toSessionOptions()) {
            try (OrtSession session = env.createSession(model.toString(), options)) {
                String input = session.getInputNames().iterator().next();
                long[] shape = { 1, 3, size, size };
                for (float[] tensor : tensors) {
                    run(env, session, input, tensor, shape);
                }
                double[] each = new double[passes * tensors.size()];
                int n = 0;
                long start = System.nanoTime();
                for (int pass = 0; pass < passes; pass++) {
                    for (float[] tensor : tensors) {
                        long t0 = System.nanoTime();
                        run(env, session, input, tensor, shape);
                        each[n++] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("raw ONNX Runtime: %d runs in %.2f s; median %.1f ms%n", n, seconds, median(each));
                return n / seconds;
            }
        }
    }

    private static void run(OrtEnvironment env, OrtSession session, String input, float[] tensor, long[] shape)
            throws OrtException {
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(tensor), shape);
                OrtSession.Result out = session.run(Map.of(input, in))) {
            ((OnnxTensor) out.get(0)).getFloatBuffer(); // read the output as the service does
        }
    }

    /** The 8 smoke-test photos and the 11 IKEA room scenes. */
    private static List<byte[]> images() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("photos", "datasets/ikea-interior/images/room_scenes")) {
            try (Stream<Path> listing = Files.list(ProjectPaths.asset(dir))) {
                listing.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        List<byte[]> images = new ArrayList<>();
        for (Path file : files) {
            images.add(Files.readAllBytes(file));
        }
        return images;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
