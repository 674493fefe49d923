package io.snapfind.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.snapfind.contracts.Box;
import io.snapfind.contracts.CropIds;
import io.snapfind.contracts.CropVector;
import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.contracts.Topics;
import io.snapfind.contracts.VectorsEvent;
import io.snapfind.deploy.LocalSystem;
import io.snapfind.deploy.catalog.KafkaDeadLetters;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.fetch.FetchPolicy;
import io.snapfind.imaging.fetch.FetchRefused;
import io.snapfind.imaging.fetch.SafeImageFetcher;

/**
 * The abuse suite (issue 15): hostile inputs against the real stack (Kafka, Milvus Lite, the four services), each with
 * the outcome it must get, while every service's heap is sampled. The two SSRF forms a loopback-only machine cannot
 * stage through the stack (a redirect and a DNS name leading inside) run against the same fetcher in process, with a
 * loopback test server and a test resolver. Writes {@code target/abuse-suite.md}: the table and the
 * {@code R-poison-handled} and {@code R-heap-peak-mb} lines of RELIABILITY.md.
 */
class AbuseSuiteIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec CODEC = new EventCodec();
    private static final String KEY = "abuse-key";
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\".*} ([0-9.eE+]+)$");

    /** HTTP/1.1, as curl and most clients send an upload (an h2c upgrade would end an oversized one with GOAWAY). */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String[]> rows = new ArrayList<>();
    private int handled;
    private String gateway;

    /** One input: what it is, what it must get, what it got. */
    private void record(String input, String expected, String observed) {
        boolean ok = expected.equals(observed);
        handled += ok ? 1 : 0;
        rows.add(new String[] { input, expected, observed, ok ? "yes" : "NO" });
        System.out.println((ok ? "  ok  " : "  FAIL") + " " + input + ": expected " + expected + ", got " + observed);
    }

    @Test
    void everyHostileInputGetsItsExpectedOutcomeAndNoServiceFallsOver() throws Exception {
        Path runDir = Files.createTempDirectory(Path.of("target"), "abuse-");
        Path dog = ProjectPaths.asset("photos/dog.jpg");
        byte[] jpeg = Files.readAllBytes(dog);
        try (LocalSystem system = LocalSystem.start(ProjectPaths.root(), ProjectPaths.requireAssets().resolve("models"),
                runDir, LocalSystem.Ports.free(), KEY, List.of("snapfind.gateway.fetch.enabled=true"),
                Duration.ofMinutes(3), System.out::println);
                HeapSampler heap = new HeapSampler(system)) {
            gateway = system.gatewayUrl();
            Instant start = Instant.now().minusSeconds(2);

            // The search API
            record("malformed JSON search", "400", status(post("/v1/search", "application/json",
                    "{\"image\": \"".getBytes(StandardCharsets.UTF_8))));
            record("wrong type: image as an array", "400", status(post("/v1/search", "application/json",
                    "{\"image\": [\"x\"]}".getBytes(StandardCharsets.UTF_8))));
            record("50 MB image", "413/closed", refusedAtTheLimit(() -> post("/v1/search",
                    "application/octet-stream", jpegPadded(jpeg, 50 << 20))));
            record("decompression bomb: a real 20000 x 20000 PNG of " + pngBomb(20000).length / 1024 + " KB", "413",
                    status(post("/v1/search", "application/octet-stream", pngBomb(20000))));
            record("truncated JPEG", "422", status(post("/v1/search", "application/octet-stream",
                    java.util.Arrays.copyOf(jpeg, jpeg.length / 2))));
            record("SVG named .jpg", "415", status(multipart("/v1/search", "chair.jpg", "image/jpeg",
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>"
                            .getBytes(StandardCharsets.UTF_8))));
            record("HTML named .jpg", "415", status(multipart("/v1/search", "chair.jpg", "image/jpeg",
                    "<!doctype html><html><body>not a chair</body></html>".getBytes(StandardCharsets.UTF_8))));
            record("oversized multipart body (40 MB part)", "413/closed", refusedAtTheLimit(() -> multipart(
                    "/v1/search", "big.jpg", "image/jpeg", jpegPadded(jpeg, 40 << 20))));
            for (String[] url : List.of(new String[] { "private", "http://10.0.0.1/a.jpg" },
                    new String[] { "loopback", "http://127.0.0.1:" + system.kafka().port() + "/" },
                    new String[] { "cloud metadata", "http://169.254.169.254/latest/meta-data/" },
                    new String[] { "IPv4-mapped IPv6 loopback", "http://[::ffff:127.0.0.1]/a.jpg" },
                    new String[] { "NAT64 of the metadata address", "http://[64:ff9b::a9fe:a9fe]/a.jpg" },
                    new String[] { "IPv6 unique local (AWS metadata)", "http://[fd00:ec2::254]/a.jpg" },
                    new String[] { "a DNS name for loopback", "http://localhost:" + system.kafka().port() + "/" })) {
                record("imageUrl, " + url[0], "422 address-not-allowed", fetchOutcome(url[1]));
            }
            record("imageUrl, not http", "422 scheme-not-allowed", fetchOutcome("file:///etc/passwd"));
            record("slow upload (10 s) while others search", "200, others 200", slowUpload(jpeg, dog));
            record("100 concurrent 39-megapixel uploads", "only 200/429/503, all alive", concurrentUploads(system));
            record("  ... and search served again after the burst", "200 within 60 s", recovered(dog));

            // The ingest API and the topics
            record("malformed JSON ingest", "400", status(postWithKey("/v1/products",
                    "{\"productId\": ".getBytes(StandardCharsets.UTF_8))));
            record("ingest without the key", "401", status(post("/v1/products", "application/json",
                    "{}".getBytes(StandardCharsets.UTF_8))));
            String privateImage = "abuse-private-url";
            postWithKey("/v1/products", JSON.writeValueAsBytes(Map.of("productId", privateImage, "category", "pet",
                    "title", "Dog", "images", List.of(Map.of("imageId", "inside", "url", "http://10.0.0.1/dog.jpg"),
                            Map.of("imageId", "good", "bytes", Base64.getEncoder().encodeToString(jpeg))))));
            String html = "abuse-html-bytes";
            postWithKey("/v1/products", JSON.writeValueAsBytes(Map.of("productId", html, "category", "pet",
                    "title", "Not a dog", "images", List.of(Map.of("imageId", "page", "bytes", Base64.getEncoder()
                            .encodeToString("<html>no</html>".getBytes(StandardCharsets.UTF_8)))))));
            String many = "abuse-33-images";
            List<Map<String, String>> images = new ArrayList<>();
            for (int i = 0; i < 33; i++) {
                images.add(Map.of("imageId", "i" + i, "url", "https://images.example.com/" + i + ".jpg"));
            }
            postWithKey("/v1/products", JSON.writeValueAsBytes(Map.of("productId", many, "category", "pet",
                    "title", "Many", "images", images)));
            try (KafkaProducer<String, byte[]> producer = producer(system)) {
                producer.send(new ProducerRecord<>(Topics.CATALOG_PRODUCTS, "abuse-not-json",
                        "\u0000\u0001 not json".getBytes(StandardCharsets.UTF_8))).get();
                producer.send(new ProducerRecord<>(Topics.CATALOG_PRODUCTS, "abuse-schema-99", ("{\"schemaVersion\":99,"
                        + "\"type\":\"UPSERT\",\"productId\":\"abuse-schema-99\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}")
                        .getBytes(StandardCharsets.UTF_8))).get();
                Box box = new Box(0, 0, 64, 64);
                producer.send(new ProducerRecord<>(Topics.IMAGES_VECTORS, "abuse-dimension", CODEC.encode(
                        VectorsEvent.vectors("abuse-dimension", "pet", "Short vector", Map.of(), "a", List.of("a"),
                                activeModel(), 2, List.of(new CropVector(CropIds.of("abuse-dimension", "a", box), box,
                                        "image", 1f, new float[] { 1f, 0f })), Instant.now())))).get();
            }
            Map<String, String> letters = deadLetters(system, start, List.of(privateImage, html, many,
                    "abuse-not-json", "abuse-schema-99", "abuse-dimension"));
            record("product image URL to a private address", "dead letter address-not-allowed",
                    letters.getOrDefault(privateImage, "none"));
            record("  ... and the product's other image", "indexed", awaitIndexed(privateImage));
            record("HTML bytes as a product image", "dead letter not-an-image", letters.getOrDefault(html, "none"));
            record("33 images in one product", "dead letter too-many-images", letters.getOrDefault(many, "none"));
            record("non-JSON bytes on catalog.products", "dead letter malformed-event",
                    letters.getOrDefault("abuse-not-json", "none"));
            record("unknown schemaVersion on catalog.products", "dead letter unknown-schema-version",
                    letters.getOrDefault("abuse-schema-99", "none"));
            record("vectors of the wrong dimension on images.vectors", "dead letter dimension-mismatch",
                    letters.getOrDefault("abuse-dimension", "none"));
            record("every service alive and ready after the suite", "ready", allReady(system));

            // What a loopback-only machine cannot stage through the stack: the fetcher's own rules, in process.
            record("redirect to a private address (loopback test server)", "refused address-not-allowed",
                    redirectToPrivate());
            record("DNS name resolving to a private address (test resolver)", "refused address-not-allowed",
                    refusal(new SafeImageFetcher(FetchPolicy.DEFAULT, host -> List.of(
                            InetAddress.getByAddress(host, new byte[] { 10, 1, 2, 3 }))), "http://images.shop.test/a.jpg"));

            heap.stop();
            writeReport(heap);
        }
        assertEquals(rows.size(), handled, "every hostile input gets its expected outcome (see target/abuse-suite.md)");
    }

    // ---- the requests

    private HttpResponse<String> post(String path, String type, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(gateway + path)).header("Content-Type", type)
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postWithKey(String path, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(gateway + path)).header("Content-Type", "application/json")
                .header("X-API-Key", KEY).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> multipart(String path, String filename, String type, byte[] content)
            throws IOException, InterruptedException {
        String boundary = "abuse-" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + filename
                + "\"\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return post(path, "multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    private interface Call {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }

    /**
     * A body over the server's limit is answered 413 and the connection closed as soon as the limit is crossed; a
     * client still sending may see only the close. Either way the body was refused without being read whole.
     */
    private static String refusedAtTheLimit(Call call) throws InterruptedException {
        try {
            int code = call.send().statusCode();
            return code == 413 ? "413/closed" : Integer.toString(code);
        } catch (IOException closedWhileSending) {
            return "413/closed";
        }
    }

    private static String status(HttpResponse<String> response) {
        return Integer.toString(response.statusCode());
    }

    private String fetchOutcome(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = post("/v1/search", "application/json",
                JSON.writeValueAsBytes(Map.of("imageUrl", url)));
        String detail = JSON.readTree(response.body()).path("detail").asText();
        return response.statusCode() + " " + detail.replaceAll(":.*", "");
    }

    /** A photo trickled at about 25 KB/s over 10 s on a raw socket, while three normal searches run. */
    private String slowUpload(byte[] jpeg, Path dog) throws Exception {
        URI uri = URI.create(gateway);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> slow = pool.submit(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
                    socket.setSoTimeout(120_000);
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /v1/search HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Type: "
                            + "application/octet-stream\r\nContent-Length: " + jpeg.length + "\r\nConnection: close"
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    int chunk = Math.max(1, jpeg.length / 40);
                    for (int at = 0; at < jpeg.length; at += chunk) {
                        out.write(jpeg, at, Math.min(chunk, jpeg.length - at));
                        out.flush();
                        Thread.sleep(250);
                    }
                    InputStream in = socket.getInputStream();
                    String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                    return Integer.parseInt(statusLine.substring(9, 12));
                }
            });
            Thread.sleep(1000);
            List<Integer> others = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                int code = post("/v1/search", "application/octet-stream", Files.readAllBytes(dog)).statusCode();
                boolean prompt = System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20);
                others.add(prompt ? code : -code);
            }
            int slowCode = slow.get(2, TimeUnit.MINUTES);
            return slowCode + ", others " + (others.stream().allMatch(c -> c == 200) ? "200" : others.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    /** 100 uploads of a 39-megapixel JPEG at once, half searching the whole photo and half its objects. */
    private String concurrentUploads(LocalSystem system) throws Exception {
        byte[] huge = largeJpeg(7680, 5120);
        ExecutorService pool = Executors.newFixedThreadPool(100);
        Map<Integer, Integer> codes = new ConcurrentHashMap<>();
        Map<String, Integer> refusals = new ConcurrentHashMap<>();
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String mode = i % 2 == 0 ? "whole" : "objects";
                calls.add(pool.submit(() -> {
                    int code;
                    try {
                        HttpResponse<String> answer = post("/v1/search?mode=" + mode, "application/octet-stream", huge);
                        code = answer.statusCode();
                        if (code != 200) {
                            refusals.merge(code + " " + JSON.readTree(answer.body()).path("detail").asText()
                                    .replaceAll("[0-9]+", "N"), 1, Integer::sum);
                        }
                    } catch (IOException e) {
                        code = -1;
                    }
                    codes.merge(code, 1, Integer::sum);
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("  100 concurrent " + huge.length / 1024 + " KB uploads: answers " + codes + ", refusals "
                + refusals);
        boolean onlyExpected = codes.keySet().stream().allMatch(code -> code == 200 || code == 429 || code == 503);
        String alive = allReady(system);
        return (onlyExpected ? "only 200/429/503" : "answers " + codes) + ", " + (alive.equals("ready") ? "all alive"
                : alive);
    }

    // ---- the checks

    private String awaitIndexed(String productId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/products/"
                    + productId)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (status.statusCode() == 200 && JSON.readTree(status.body()).path("indexed").asBoolean()) {
                return "indexed";
            }
            Thread.sleep(500);
        }
        return "not indexed after 2 min";
    }

    /** The reason of the first dead letter of each product, waiting up to 2 minutes for all of them. */
    private static Map<String, String> deadLetters(LocalSystem system, Instant since, List<String> products)
            throws InterruptedException {
        Map<String, String> reasons = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        try (KafkaDeadLetters letters = new KafkaDeadLetters(system.kafka().bootstrapServers(), since,
                System.out::println)) {
            while (reasons.size() < products.size() && System.nanoTime() < deadline) {
                for (DeadLetter letter : letters.poll()) {
                    String product = letter.productId() != null ? letter.productId() : letter.key();
                    if (products.contains(product)) {
                        reasons.putIfAbsent(product, "dead letter " + letter.reason());
                    }
                }
                Thread.sleep(200);
            }
        }
        return reasons;
    }

    private String allReady(LocalSystem system) throws IOException, InterruptedException {
        List<String> down = new ArrayList<>();
        for (String service : List.of("query-gateway", "detector-service", "embedder-service", "indexer-service")) {
            int code = http.send(HttpRequest.newBuilder(URI.create(system.serviceUrl(service) + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
            if (code != 200) {
                down.add(service + " " + code);
            }
        }
        return down.isEmpty() ? "ready" : "not ready: " + down;
    }

    /** Searches the dog photo until it is answered 200 (the circuit breakers close again after their delay). */
    private String recovered(Path photo) throws IOException, InterruptedException {
        long started = System.nanoTime();
        while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60)) {
            if (post("/v1/search", "application/octet-stream", Files.readAllBytes(photo)).statusCode() == 200) {
                System.out.println("  served again " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
                        + " ms after the burst");
                return "200 within 60 s";
            }
            Thread.sleep(500);
        }
        return "still refused after 60 s";
    }

    private String activeModel() throws IOException, InterruptedException {
        HttpResponse<String> answer = post("/v1/search", "application/octet-stream",
                Files.readAllBytes(ProjectPaths.asset("photos/dog.jpg")));
        return JSON.readTree(answer.body()).path("modelId").asText();
    }

    private static String redirectToPrivate() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://10.0.0.1/dog.jpg");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
        try {
            return refusal(new SafeImageFetcher(FetchPolicy.DEFAULT.withAllowLoopback(true)),
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/dog.jpg");
        } finally {
            server.stop(0);
        }
    }

    private static String refusal(SafeImageFetcher fetcher, String url) {
        try {
            fetcher.fetch(url);
            return "fetched";
        } catch (FetchRefused e) {
            return "refused " + e.code();
        }
    }

    // ---- the inputs

    /** A valid JPEG followed by zeros up to {@code size} bytes (decoders stop at the end-of-image marker). */
    private static byte[] jpegPadded(byte[] jpeg, int size) {
        return java.util.Arrays.copyOf(jpeg, size);
    }

    /** A real, complete PNG of side × side black pixels: a few hundred KB that would decode to side² bytes. */
    private static byte[] pngBomb(int side) throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(idat, new Deflater(9))) {
            byte[] row = new byte[side + 1];
            for (int y = 0; y < side; y++) {
                deflate.write(row);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' });
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(side).putInt(side).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(typeBytes);
        png.writeBytes(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** The dog photo scaled to width × height, as a camera JPEG of that size. */
    private static byte[] largeJpeg(int width, int height) throws IOException {
        BufferedImage source = ImageIO.read(ProjectPaths.asset("photos/dog.jpg").toFile());
        BufferedImage large = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = large.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(source, 0, 0, width, height, null);
        g.dispose();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.85f);
            writer.write(null, new IIOImage(large, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static KafkaProducer<String, byte[]> producer(LocalSystem system) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafka().bootstrapServers());
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    // ---- the report

    private void writeReport(HeapSampler heap) throws IOException {
        StringBuilder report = new StringBuilder("| input | expected | observed | as expected |\n|---|---|---|---|\n");
        for (String[] row : rows) {
            report.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        report.append("\nHeap peak per service (MB, sampled every 250 ms from /q/metrics): ").append(heap.peaksMb())
                .append("\n\nR-poison-handled: ").append(handled).append('/').append(rows.size())
                .append("\nR-heap-peak-mb: ").append(heap.peakMb()).append('\n');
        Path file = ProjectPaths.root().resolve("e2e/target/abuse-suite.md");
        Files.writeString(file, report.toString());
        System.out.println(report);
    }

    /** Samples every service's used heap (all heap pools) from its Prometheus endpoint, keeping each one's peak. */
    private static final class HeapSampler implements AutoCloseable {
        private final Map<String, Double> peaks = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        HeapSampler(LocalSystem system) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            thread = new Thread(() -> {
                while (running) {
                    for (String service : List.of("query-gateway", "detector-service", "embedder-service",
                            "indexer-service")) {
                        try {
                            String metrics = client.send(HttpRequest.newBuilder(URI.create(system.serviceUrl(service)
                                    + "/q/metrics")).timeout(Duration.ofSeconds(2)).GET().build(),
                                    HttpResponse.BodyHandlers.ofString()).body();
                            double used = 0;
                            for (String line : metrics.split("\n")) {
                                Matcher matcher = HEAP.matcher(line);
                                if (matcher.matches()) {
                                    used += Double.parseDouble(matcher.group(1));
                                }
                            }
                            peaks.merge(service, used, Math::max);
                        } catch (IOException e) {
                            // busy or restarting: the next sample counts
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        Map<String, Long> peaksMb() {
            Map<String, Long> mb = new LinkedHashMap<>();
            peaks.forEach((service, bytes) -> mb.put(service, Math.round(bytes / (1 << 20))));
            return mb;
        }

        long peakMb() {
            return peaksMb().values().stream().mapToLong(Long::longValue).max().orElse(0);
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5000);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
