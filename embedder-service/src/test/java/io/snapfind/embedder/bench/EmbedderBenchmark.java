package io.snapfind.embedder.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.snapfind.embedder.BatchingQueue;
import io.snapfind.embedder.Embedder;
import io.snapfind.embedder.EmbedderTestImages;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.model.ModelCatalog;
import io.snapfind.embedder.model.OnnxImageModel;
import io.snapfind.embedder.model.Preprocessor;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;

/**
 * Throughput and latency of the embedder on CPU, against two baselines on the same images and model:
 * <ol>
 *   <li><b>raw</b>: plain ONNX Runtime Java loops ({@code OrtSession.run}) over tensors preprocessed beforehand,
 *       one loop on ONNX Runtime's default threading or two loops of one intra-op thread each, at every batch
 *       size: the engine's limit, with no decoding at all; the best of all of them is the ratio's baseline;</li>
 *   <li><b>raw pipeline</b>: the same loops, each decoding and preprocessing its own batch first, with the faster
 *       per image of the JDK's ImageIO JPEG reader and the project's {@link ImageDecoder} (both followed by the
 *       same {@link Preprocessor}, so every tensor, and so every vector, is the service's);</li>
 *   <li><b>naive</b>: the service's own code one image at a time (decode, preprocess, infer, wait, next), one
 *       predictor with ONNX Runtime's default threading;</li>
 *   <li><b>service</b>: the pipeline as deployed (parallel decoding, micro-batching, a predictor pool), driven by
 *       enough concurrent callers to keep it busy, for each batch size and thread split.</li>
 * </ol>
 * The service, naive and raw-pipeline figures include JPEG decoding and preprocessing; the raw ones do not. Every configuration
 * is warmed up with one pass, then timed {@code repeats} times; the best pass counts and the median is shown.
 *
 * <p>Usage: {@code EmbedderBenchmark [images=256] [repeats=5] [batches=1,8,32]}
 */
public final class EmbedderBenchmark {

    private static final String MODEL_FILE = "models/mobilenet_v2_uint8_embed.onnx";

    private record Result(String path, String config, int batch, double imagesPerSecond, double medianPerSecond,
            double latencyMs, double meanBatch) {
    }

    private final List<byte[]> jpegs;
    private final int repeats;
    private final ModelSpec spec;
    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

    private EmbedderBenchmark(int images, int repeats) {
        this.jpegs = EmbedderTestImages.mixed(images);
        this.repeats = repeats;
        ModelCatalog catalog = new ModelCatalog(ProjectPaths.asset("models"), Map.of("mobilenetv2",
                new ModelCatalog.Entry("mobilenet_v2_uint8_embed.onnx", null, "embedding", 1280, 224, 256,
                        new float[] { 0.485f, 0.456f, 0.406f }, new float[] { 0.229f, 0.224f, 0.225f },
                        ModelSpec.ChannelOrder.RGB)));
        this.spec = catalog.spec("mobilenetv2");
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        // DJL creates the process-wide OrtEnvironment itself and fails if one exists; the raw loop then shares it.
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int[] batches = args.length > 2
                ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] { 1, 8, 32 };
        new EmbedderBenchmark(images, repeats).run(batches);
        System.exit(0);
    }

    /** One configuration under test: loaded once, then timed pass by pass. */
    private interface Runner extends AutoCloseable {
        /** Runs every image once; returns {elapsed nanos, summed latency nanos over all images}. */
        long[] pass() throws Exception;

        @Override
        default void close() {
        }
    }

    private record Subject(String path, String config, int batch, Runner runner, AtomicLong batches,
            AtomicLong batched) {
    }

    private void run(int[] batches) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "Embedder benchmark: %d images (IKEA + grocery JPEGs), model %s, %d cores, "
                + "Java %s; every configuration warmed up, then %d timed passes interleaved round-robin so that "
                + "background load hits all alike; best pass counts%n%n", jpegs.size(), MODEL_FILE, cores,
                System.getProperty("java.version"), repeats);
        cpuBreakdown();
        Map<Integer, List<FloatBuffer>> rawInputs = rawInputs(batches);
        PixelPath pixels = fastestPixelPath();
        List<Subject> subjects = new ArrayList<>();
        // {loops, intra-op threads per loop (0: ONNX Runtime's default), spinning}: the same layouts with
        // tensors ready (raw) and decoding in the loops (raw pipeline).
        int[][] layouts = { { 1, 0, 1 }, { 1, 0, 0 }, { 2, 1, 0 } };
        for (PixelPath path : new PixelPath[] { null, pixels }) {
            for (int[] layout : layouts) {
                for (int batch : batches) {
                    subjects.add(raw(rawInputs.get(batch), batch, layout[0], layout[1], layout[2] == 1, path));
                }
            }
        }
        subjects.add(naive());
        // {inference workers, intra-op threads per worker, preprocessing threads}
        int[][] splits = { { 1, 0, cores }, { cores, 1, cores }, { cores, 1, Math.max(1, cores / 2) } };
        for (int batch : batches) {
            for (int[] split : splits) {
                subjects.add(service(batch, split[0], split[1], split[2]));
            }
        }
        double[][] rates = new double[subjects.size()][repeats];
        double[][] latencies = new double[subjects.size()][repeats];
        for (int pass = -1; pass < repeats; pass++) {
            for (int s = 0; s < subjects.size(); s++) {
                Subject subject = subjects.get(s);
                subject.batches().set(0);
                subject.batched().set(0);
                long[] timing = subject.runner().pass();
                if (pass >= 0) {
                    rates[s][pass] = jpegs.size() / (timing[0] / 1e9);
                    latencies[s][pass] = timing[1] / 1e6 / jpegs.size();
                }
            }
            System.out.printf(Locale.ROOT, "  pass %d of %d done%n", pass + 1, repeats);
        }
        List<Result> results = new ArrayList<>();
        for (int s = 0; s < subjects.size(); s++) {
            Subject subject = subjects.get(s);
            double meanBatch = subject.batches().get() == 0 ? subject.batch()
                    : (double) subject.batched().get() / subject.batches().get();
            results.add(result(subject.path(), subject.config(), subject.batch(), rates[s], latencies[s], meanBatch));
            subject.runner().close();
        }
        print(results);
    }

    /**
     * Where the CPU goes for one image, single-threaded and measured as thread CPU time (so other processes on the
     * machine distort it little): decoding, preprocessing and inference (DJL, one intra-op thread, batch 1).
     */
    private void cpuBreakdown() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Preprocessor preprocessor = new Preprocessor(spec);
        try (OnnxImageModel model = OnnxImageModel.load(spec, new OnnxImageModel.Options(1, "cpu"));
                OnnxImageModel.Session session = model.newSession()) {
            long[] best = { Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE };
            for (int pass = 0; pass < 3; pass++) {
                long[] total = new long[3];
                for (byte[] jpeg : jpegs) {
                    long start = threads.getCurrentThreadCpuTime();
                    DecodedImage image = decoder.decode(jpeg);
                    long decoded = threads.getCurrentThreadCpuTime();
                    float[] tensor = preprocessor.apply(image);
                    long preprocessed = threads.getCurrentThreadCpuTime();
                    session.run(tensor, 1);
                    long inferred = threads.getCurrentThreadCpuTime();
                    total[0] += decoded - start;
                    total[1] += preprocessed - decoded;
                    total[2] += inferred - preprocessed;
                }
                for (int i = 0; i < 3; i++) {
                    best[i] = Math.min(best[i], total[i]);
                }
            }
            double n = jpegs.size() * 1e6;
            System.out.printf(Locale.ROOT, "CPU per image, one thread (thread CPU time, best of 3 passes): decode "
                    + "%.2f ms, preprocess %.2f ms, inference %.2f ms%n%n", best[0] / n, best[1] / n, best[2] / n);
        } catch (io.snapfind.imaging.ImageRejected e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The images decoded and preprocessed beforehand, laid out in batches of each size in direct buffers, which
     * ONNX Runtime reads in place (off the heap, so the benchmark fits the service's 1 GiB heap).
     */
    private Map<Integer, List<FloatBuffer>> rawInputs(int[] batches) throws Exception {
        Preprocessor preprocessor = new Preprocessor(spec);
        float[][] tensors = new float[jpegs.size()][];
        for (int i = 0; i < jpegs.size(); i++) {
            tensors[i] = preprocessor.apply(decoder.decode(jpegs.get(i)));
        }
        Map<Integer, List<FloatBuffer>> inputs = new java.util.HashMap<>();
        for (int batch : batches) {
            List<FloatBuffer> buffers = new ArrayList<>();
            for (int start = 0; start < tensors.length; start += batch) {
                int count = Math.min(batch, tensors.length - start);
                FloatBuffer buffer = java.nio.ByteBuffer.allocateDirect(count * spec.pixelsPerImage() * Float.BYTES)
                        .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
                for (int i = 0; i < count; i++) {
                    buffer.put(tensors[start + i]);
                }
                buffers.add(buffer.flip());
            }
            inputs.put(batch, buffers);
        }
        return inputs;
    }

    /**
     * {@code loops} threads each running their share of the batches through one shared session: the prepared
     * {@code inputs}, or, with a {@code pipeline}, each batch decoded and preprocessed by its loop into the loop's
     * own direct buffer first (its latency then counts from the start of decoding).
     */
    private Subject raw(List<FloatBuffer> inputs, int batch, int loops, int intraOpThreads, boolean spinning,
            PixelPath pipeline) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (intraOpThreads > 0) {
            options.setIntraOpNumThreads(intraOpThreads);
        }
        // ONNX Runtime's idle pool threads busy-wait by default; on 2 shared cores that can cost more than it gains.
        options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
        OrtSession session = environment.createSession(spec.file().toString(), options);
        int perImage = spec.pixelsPerImage();
        int batchCount = inputs.size();
        List<FloatBuffer> own = new ArrayList<>();
        for (int t = 0; pipeline != null && t < loops; t++) {
            own.add(java.nio.ByteBuffer.allocateDirect(batch * perImage * Float.BYTES)
                    .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer());
        }
        Runner runner = new Runner() {
            @Override
            public long[] pass() throws Exception {
                AtomicInteger next = new AtomicInteger();
                AtomicLong latencyNanos = new AtomicLong();
                long start = System.nanoTime();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < loops; t++) {
                    FloatBuffer buffer = pipeline == null ? null : own.get(t);
                    Thread thread = new Thread(() -> {
                        float[] scratch = pipeline == null ? null : new float[perImage];
                        for (int i = next.getAndIncrement(); i < batchCount; i = next.getAndIncrement()) {
                            long begin = System.nanoTime();
                            FloatBuffer input;
                            if (pipeline == null) {
                                input = inputs.get(i).duplicate();
                            } else {
                                buffer.clear();
                                for (int j = i * batch; j < Math.min(jpegs.size(), (i + 1) * batch); j++) {
                                    pipeline.tensor(jpegs.get(j), buffer, scratch);
                                }
                                input = buffer.flip();
                            }
                            int count = input.remaining() / perImage;
                            runRaw(environment, session, input, count);
                            // Every image of a batch is ready when its batch is.
                            latencyNanos.addAndGet((System.nanoTime() - begin) * count);
                        }
                    });
                    threads.add(thread);
                    thread.start();
                }
                for (Thread thread : threads) {
                    thread.join();
                }
                return new long[] { System.nanoTime() - start, latencyNanos.get() };
            }

            @Override
            public void close() {
                try {
                    session.close();
                    options.close();
                } catch (OrtException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        String config = (loops == 1
                ? "1 loop, ORT default threads" + (spinning ? "" : ", no spinning")
                : loops + " loops × " + intraOpThreads + " intra-op thread")
                + (pipeline == null ? "" : ", " + pipeline.name() + " in the loop");
        return new Subject(pipeline == null ? "raw" : "raw-pipeline", config, batch, runner, new AtomicLong(),
                new AtomicLong());
    }

    /** JPEG bytes to one image's tensor, appended to {@code out}; {@code scratch} holds one tensor. */
    private interface PixelPath {
        String name();

        void tensor(byte[] jpeg, FloatBuffer out, float[] scratch);
    }

    /**
     * The faster per image, in thread CPU time (best of 3 passes, one thread), of the two JPEG decoders Java has
     * here, each followed by the service's {@link Preprocessor}: the JDK's own ImageIO JPEG reader (an RGB
     * BufferedImage), and the project's {@link ImageDecoder} (a plain JFIF file as YCbCr samples, converted only
     * where the crop needs them). A path whose tensors differ from the service's in any bit is not eligible.
     * libjpeg-turbo would be a third, but no Java binding of it is available offline here.
     */
    private PixelPath fastestPixelPath() throws IOException {
        Preprocessor preprocessor = new Preprocessor(spec);
        javax.imageio.spi.ImageReaderSpi jdkReader = null;
        for (java.util.Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg"); readers.hasNext();) {
            ImageReader reader = readers.next();
            if (reader.getClass().getName().equals("com.sun.imageio.plugins.jpeg.JPEGImageReader")) {
                jdkReader = reader.getOriginatingProvider();
            }
            reader.dispose();
        }
        javax.imageio.spi.ImageReaderSpi jdk = java.util.Objects.requireNonNull(jdkReader, "the JDK's JPEG reader");
        PixelPath imageIo = new PixelPath() {
            @Override
            public String name() {
                return "JDK ImageIO JPEG reader + Preprocessor";
            }

            @Override
            public void tensor(byte[] jpeg, FloatBuffer out, float[] scratch) {
                try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
                    ImageReader reader = jdk.createReaderInstance();
                    try {
                        reader.setInput(input, true, true);
                        BufferedImage image = reader.read(0);
                        preprocessor.apply(image, scratch, 0);
                    } finally {
                        reader.dispose();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                out.put(scratch);
            }
        };
        PixelPath project = new PixelPath() {
            @Override
            public String name() {
                return "ImageDecoder + Preprocessor";
            }

            @Override
            public void tensor(byte[] jpeg, FloatBuffer out, float[] scratch) {
                try {
                    for (float[] plane : preprocessor.planes(decoder.decode(jpeg))) {
                        out.put(plane);
                    }
                } catch (io.snapfind.imaging.ImageRejected e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int perImage = spec.pixelsPerImage();
        FloatBuffer out = java.nio.ByteBuffer.allocateDirect(perImage * Float.BYTES)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        float[] scratch = new float[perImage];
        List<FloatBuffer> serviceTensors = new ArrayList<>();
        for (byte[] jpeg : jpegs) {
            try {
                serviceTensors.add(FloatBuffer.wrap(preprocessor.apply(decoder.decode(jpeg))));
            } catch (io.snapfind.imaging.ImageRejected e) {
                throw new IllegalStateException(e);
            }
        }
        PixelPath fastest = null;
        double fastestMs = Double.MAX_VALUE;
        java.util.StringJoiner line = new java.util.StringJoiner("; ",
                "Raw pipeline, decode + preprocess CPU per image (one thread, best of 3): ", "");
        for (PixelPath path : List.of(imageIo, project)) {
            boolean same = true;
            long best = Long.MAX_VALUE;
            for (int pass = 0; pass < 3; pass++) {
                long total = 0;
                for (int i = 0; i < jpegs.size(); i++) {
                    out.clear();
                    long begin = threads.getCurrentThreadCpuTime();
                    path.tensor(jpegs.get(i), out, scratch);
                    total += threads.getCurrentThreadCpuTime() - begin;
                    if (pass == 0) {
                        same &= out.flip().equals(serviceTensors.get(i).duplicate());
                    }
                }
                best = Math.min(best, total);
            }
            double ms = best / 1e6 / jpegs.size();
            line.add(String.format(Locale.ROOT, "%s %.2f ms (tensors %s the service's)", path.name(), ms,
                    same ? "identical to" : "DIFFER from"));
            if (same && ms < fastestMs) {
                fastest = path;
                fastestMs = ms;
            }
        }
        if (fastest == null) {
            throw new IllegalStateException("no decoder gives the service's tensors: " + line);
        }
        System.out.printf(Locale.ROOT, "%s. The raw pipeline uses %s%n%n", line, fastest.name());
        return fastest;
    }

    private void runRaw(OrtEnvironment environment, OrtSession session, FloatBuffer input, int count) {
        int side = spec.inputSize();
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input,
                new long[] { count, 3, side, side });
                OrtSession.Result output = session.run(Map.of("input", tensor), Set.of(spec.outputName()))) {
            float[][] vectors = (float[][]) output.get(0).getValue();
            if (vectors.length != count) {
                throw new IllegalStateException("expected " + count + " vectors, got " + vectors.length);
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The service's code, one image at a time: no overlap, no batching. */
    private Subject naive() {
        OnnxImageModel model = OnnxImageModel.load(spec, new OnnxImageModel.Options(0, "cpu"));
        Embedder embedder = new Embedder(spec, decoder, List.of(model.newSession()),
                new Embedder.Settings(1, Duration.ZERO, 1, 1), BatchingQueue.Listener.NONE, Embedder.Listener.NONE);
        Runner runner = new Runner() {
            @Override
            public long[] pass() {
                long start = System.nanoTime();
                for (byte[] jpeg : jpegs) {
                    embedder.embed(jpeg).join();
                }
                long nanos = System.nanoTime() - start;
                return new long[] { nanos, nanos };
            }

            @Override
            public void close() {
                embedder.close();
                model.close();
            }
        };
        return new Subject("naive", "1 image at a time, ORT default threads", 1, runner, new AtomicLong(),
                new AtomicLong());
    }

    /** The pipeline as deployed, kept busy by enough concurrent callers to fill every worker's batches. */
    private Subject service(int maxBatch, int workers, int intraOpThreads, int preprocessThreads) {
        int callers = Math.max(4, 2 * maxBatch * workers);
        AtomicLong batches = new AtomicLong();
        AtomicLong batched = new AtomicLong();
        BatchingQueue.Listener counting = (size, nanos, failed) -> {
            batches.incrementAndGet();
            batched.addAndGet(size);
        };
        OnnxImageModel model = OnnxImageModel.load(spec, new OnnxImageModel.Options(intraOpThreads, "cpu"));
        List<OnnxImageModel.Session> sessions = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            sessions.add(model.newSession());
        }
        Embedder embedder = new Embedder(spec, decoder, sessions,
                new Embedder.Settings(maxBatch, Duration.ZERO, preprocessThreads, 4096), counting,
                Embedder.Listener.NONE);
        Runner runner = new Runner() {
            @Override
            public long[] pass() {
                AtomicInteger next = new AtomicInteger();
                AtomicLong latencyNanos = new AtomicLong();
                long start = System.nanoTime();
                List<CompletableFuture<Void>> chains = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    chains.add(caller(embedder, next, latencyNanos));
                }
                CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).join();
                return new long[] { System.nanoTime() - start, latencyNanos.get() };
            }

            @Override
            public void close() {
                embedder.close();
                model.close();
            }
        };
        String config = workers + " worker" + (workers > 1 ? "s" : "") + " × "
                + (intraOpThreads == 0 ? "ORT default" : intraOpThreads + " intra-op") + ", " + preprocessThreads
                + " preprocessing, " + callers + " callers";
        return new Subject("service", config, maxBatch, runner, batches, batched);
    }

    /** One closed-loop caller: submits the next image as soon as its previous one is embedded. */
    private CompletableFuture<Void> caller(Embedder embedder, AtomicInteger next, AtomicLong latencyNanos) {
        int index = next.getAndIncrement();
        if (index >= jpegs.size()) {
            return CompletableFuture.completedFuture(null);
        }
        long start = System.nanoTime();
        return embedder.embed(jpegs.get(index)).thenCompose(vector -> {
            latencyNanos.addAndGet(System.nanoTime() - start);
            return caller(embedder, next, latencyNanos);
        });
    }

    private static Result result(String path, String config, int batch, double[] rates, double[] latencies,
            double meanBatch) {
        int best = 0;
        for (int i = 1; i < rates.length; i++) {
            if (rates[i] > rates[best]) {
                best = i;
            }
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        Result result = new Result(path, config, batch, rates[best], sorted[sorted.length / 2], latencies[best],
                meanBatch);
        System.out.printf(Locale.ROOT, "  %-12s batch %-3d %-48s %7.1f img/s (median %7.1f)  %8.2f ms/image%n",
                path, batch, config, result.imagesPerSecond(), result.medianPerSecond(), result.latencyMs());
        return result;
    }

    private static void print(List<Result> results) {
        System.out.println();
        System.out.println("| path | batch | configuration | images/s (best) | images/s (median) | latency ms/image | mean batch |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %d | %s | %.1f | %.1f | %.2f | %.1f |%n", r.path(), r.batch(),
                    r.config(), r.imagesPerSecond(), r.medianPerSecond(), r.latencyMs(), r.meanBatch());
        }
        Result rawBest = best(results, "raw", "");
        Result rawOneLoopBest = best(results, "raw", "1 loop");
        Result pipelineBest = best(results, "raw-pipeline", "");
        Result pipelineInRawBestLayout = results.stream().filter(r -> r.path().equals("raw-pipeline")
                && r.batch() == rawBest.batch()
                && r.config().substring(0, r.config().lastIndexOf(", ")).equals(rawBest.config())).findFirst()
                .orElseThrow();
        Result naive = best(results, "naive", "");
        Result serviceBest = best(results, "service", "");
        System.out.println();
        System.out.printf(Locale.ROOT, "raw best, every batch and layout: %.1f img/s (batch %d, %s)%n",
                rawBest.imagesPerSecond(), rawBest.batch(), rawBest.config());
        System.out.printf(Locale.ROOT, "raw pipeline best: %.1f img/s (batch %d, %s); in the best raw layout: %.1f img/s%n",
                pipelineBest.imagesPerSecond(), pipelineBest.batch(), pipelineBest.config(),
                pipelineInRawBestLayout.imagesPerSecond());
        System.out.printf(Locale.ROOT, "naive: %.1f img/s%n", naive.imagesPerSecond());
        System.out.printf(Locale.ROOT, "service best: %.1f img/s (batch %d, %s)%n", serviceBest.imagesPerSecond(),
                serviceBest.batch(), serviceBest.config());
        System.out.printf(Locale.ROOT, "service best ÷ raw 1-loop best (the ratio before issue 16): %.2f (raw %.1f img/s, batch %d, %s)%n",
                serviceBest.imagesPerSecond() / rawOneLoopBest.imagesPerSecond(), rawOneLoopBest.imagesPerSecond(),
                rawOneLoopBest.batch(), rawOneLoopBest.config());
        System.out.printf(Locale.ROOT, "P1-raw-ratio: %.2f%n", serviceBest.imagesPerSecond() / rawBest.imagesPerSecond());
        System.out.printf(Locale.ROOT, "P1-pipeline-ratio: %.2f%n",
                serviceBest.imagesPerSecond() / pipelineBest.imagesPerSecond());
        System.out.printf(Locale.ROOT, "P1-naive-speedup: %.2f%n", serviceBest.imagesPerSecond() / naive.imagesPerSecond());
    }

    private static Result best(List<Result> results, String path, String configContains) {
        return results.stream()
                .filter(r -> r.path().equals(path) && r.config().contains(configContains))
                .max((a, b) -> Double.compare(a.imagesPerSecond(), b.imagesPerSecond()))
                .orElseThrow();
    }
}
