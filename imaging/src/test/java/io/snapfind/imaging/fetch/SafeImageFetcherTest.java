package io.snapfind.imaging.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.ImageFormat;
import io.snapfind.imaging.fetch.FetchRefused.Reason;

/**
 * The fetcher against a real HTTP server on 127.0.0.1. Every other address appears only as a literal or in the
 * test resolver's table, and a recording connector proves that refusals happen before any connection: this test
 * never sends a packet anywhere but loopback.
 */
class SafeImageFetcherTest {

    private static final long MAX_BYTES = 256 * 1024;

    private static HttpServer server;
    private static ExecutorService handlers;
    private static byte[] dogJpeg;
    private static String base;

    private final List<InetSocketAddress> connections = new CopyOnWriteArrayList<>();

    /** Lets loopback through only; anything else would be a bug in the fetcher and fails the test loudly. */
    private final PinnedAddresses.ConnectWatcher loopbackOnly = target -> {
        connections.add(target);
        if (!target.getAddress().isLoopbackAddress()) {
            throw new AssertionError("the fetcher tried to connect to " + target);
        }
    };

    /** Names used by the tests; every other name is unknown, so no test ever asks real DNS. */
    private static final HostResolver TEST_RESOLVER = host -> {
        Map<String, String> table = Map.of(
                "images.test", "127.0.0.1",
                "internal.test", "10.0.0.1",
                "mixed.test", "127.0.0.1,10.0.0.1",
                "metadata.test", "169.254.169.254");
        String addresses = table.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host + " is not in the test resolver's table");
        }
        List<InetAddress> resolved = new java.util.ArrayList<>();
        for (String literal : addresses.split(",")) {
            resolved.add(AddressRules.literal(literal).orElseThrow());
        }
        return resolved;
    };

    @BeforeAll
    static void startServer() throws IOException {
        dogJpeg = Files.readAllBytes(ProjectPaths.asset("photos/dog.jpg"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/dog.jpg", exchange -> respond(exchange, 200, dogJpeg, true));
        server.createContext("/dog-chunked", exchange -> respond(exchange, 200, dogJpeg, false));
        server.createContext("/text", exchange -> respond(exchange, 200,
                "hello, I am not an image".getBytes(StandardCharsets.UTF_8), true));
        server.createContext("/empty", exchange -> respond(exchange, 200, new byte[0], true));
        server.createContext("/missing", exchange -> respond(exchange, 404, "no".getBytes(StandardCharsets.UTF_8), true));
        server.createContext("/huge-declared", exchange -> {
            exchange.sendResponseHeaders(200, MAX_BYTES * 10);
            exchange.close();
        });
        server.createContext("/huge-chunked", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] block = Arrays.copyOf(dogJpeg, 64 * 1024);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 100; i++) {
                    out.write(block);
                }
            } catch (IOException expected) {
                // the fetcher hangs up once it has seen too much
            }
        });
        server.createContext("/silent", exchange -> {
            sleep(3_000);
            respond(exchange, 200, dogJpeg, true);
        });
        server.createContext("/drip", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (byte b : Arrays.copyOf(dogJpeg, 40)) {
                    out.write(b);
                    out.flush();
                    sleep(150);
                }
            } catch (IOException expected) {
                // the fetcher gives up on the total deadline
            }
        });
        server.createContext("/to-dog", exchange -> redirect(exchange, 302, "/dog.jpg"));
        server.createContext("/to-named-dog", exchange -> redirect(exchange, 307,
                "http://images.test:" + server.getAddress().getPort() + "/dog.jpg"));
        server.createContext("/to-private", exchange -> redirect(exchange, 302, "http://10.0.0.1/secret.jpg"));
        server.createContext("/to-metadata", exchange -> redirect(exchange, 301,
                "http://169.254.169.254/latest/meta-data/"));
        server.createContext("/to-file", exchange -> redirect(exchange, 302, "file:///etc/passwd"));
        server.createContext("/loop", exchange -> redirect(exchange, 302, "/loop"));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
        handlers.shutdownNow();
    }

    @BeforeEach
    void clear() {
        connections.clear();
    }

    private SafeImageFetcher fetcher(boolean allowLoopback) {
        FetchPolicy policy = FetchPolicy.DEFAULT.withAllowLoopback(allowLoopback).withMaxBytes(MAX_BYTES)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(700), Duration.ofSeconds(2));
        return new SafeImageFetcher(policy, TEST_RESOLVER, loopbackOnly);
    }

    @Test
    void fetchesAnImageByContentLengthAndByChunks() throws FetchRefused {
        for (String path : List.of("/dog.jpg", "/dog-chunked")) {
            FetchedImage image = fetcher(true).fetch(base + path);
            assertArrayEquals(dogJpeg, image.bytes(), path);
            assertEquals(ImageFormat.JPEG, image.format());
        }
    }

    @Test
    void followsRedirectsAndRechecksEachHop() throws FetchRefused {
        assertArrayEquals(dogJpeg, fetcher(true).fetch(base + "/to-dog").bytes());
        FetchedImage viaName = fetcher(true).fetch(base + "/to-named-dog");
        assertEquals("images.test", viaName.finalUrl().getHost());
        assertEquals(4, connections.size(), "one connection per hop, each to the checked loopback address");
    }

    @Test
    void refusesLoopbackUnlessAllowed() {
        assertRefused(Reason.ADDRESS_NOT_ALLOWED, fetcher(false), base + "/dog.jpg");
        assertRefused(Reason.ADDRESS_NOT_ALLOWED, fetcher(false), "http://images.test/dog.jpg");
        assertTrue(connections.isEmpty(), "refused before connecting");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/x.jpg", "http://127.1.2.3:8080/x.jpg", "http://10.0.0.1/x.jpg",
            "http://172.16.5.4/x.jpg", "http://192.168.1.1/x.jpg", "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/x.jpg", "http://0.0.0.0/x.jpg", "http://224.0.0.1/x.jpg",
            "http://255.255.255.255/x.jpg", "http://[::1]/x.jpg", "http://[::]/x.jpg", "http://[fe80::1]/x.jpg",
            "http://[fd00:ec2::254]/latest/meta-data/", "http://[fc00::1]/x.jpg", "http://[::ffff:127.0.0.1]/x.jpg",
            "http://[::ffff:a9fe:a9fe]/x.jpg", "http://[64:ff9b::a00:1]/x.jpg", "http://[2002:a00:1::]/x.jpg",
            "https://internal.test/x.jpg", "http://metadata.test/x.jpg", "http://mixed.test/x.jpg" })
    void refusesInternalAddressesBeforeConnecting(String url) {
        assertRefused(Reason.ADDRESS_NOT_ALLOWED, fetcher(false), url);
        assertTrue(connections.isEmpty(), "no connection attempted for " + url);
    }

    @Test
    void loopbackAllowanceDoesNotOpenTheRest() {
        for (String url : List.of("http://10.0.0.1/x.jpg", "http://169.254.169.254/", "http://internal.test/x.jpg",
                "http://mixed.test/x.jpg")) {
            assertRefused(Reason.ADDRESS_NOT_ALLOWED, fetcher(true), url);
        }
        assertTrue(connections.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = { "file:///etc/passwd", "gopher://127.0.0.1:70/_x", "ftp://example.test/a.jpg",
            "jar:file:/x.jar!/a.jpg", "data:image/png;base64,AAAA", "//images.test/dog.jpg" })
    void refusesOtherSchemes(String url) {
        FetchRefused refused = assertThrows(FetchRefused.class, () -> fetcher(true).fetch(url));
        assertTrue(refused.reason() == Reason.SCHEME_NOT_ALLOWED || refused.reason() == Reason.INVALID_URL,
                url + " -> " + refused.code());
        assertTrue(connections.isEmpty());
    }

    @Test
    void refusesARedirectToAPrivateAddressOrAnotherScheme() {
        assertRefused(Reason.ADDRESS_NOT_ALLOWED, fetcher(true), base + "/to-private");
        assertRefused(Reason.ADDRESS_NOT_ALLOWED, fetcher(true), base + "/to-metadata");
        assertRefused(Reason.SCHEME_NOT_ALLOWED, fetcher(true), base + "/to-file");
        assertTrue(connections.stream().allMatch(target -> target.getAddress().isLoopbackAddress()),
                "only the first hop, on loopback, was contacted: " + connections);
    }

    @Test
    void stopsAfterTheRedirectLimit() {
        assertRefused(Reason.TOO_MANY_REDIRECTS, fetcher(true), base + "/loop");
        assertEquals(FetchPolicy.DEFAULT.maxRedirects() + 1, connections.size());
    }

    @Test
    void enforcesTheSizeLimitWithAndWithoutContentLength() {
        assertRefused(Reason.TOO_LARGE, fetcher(true), base + "/huge-declared");
        assertRefused(Reason.TOO_LARGE, fetcher(true), base + "/huge-chunked");
    }

    @Test
    void refusesWhatIsNotAnImageWhateverTheHeadersSay() {
        assertRefused(Reason.NOT_AN_IMAGE, fetcher(true), base + "/text");
        assertRefused(Reason.EMPTY, fetcher(true), base + "/empty");
        assertRefused(Reason.HTTP_STATUS, fetcher(true), base + "/missing");
    }

    @Test
    void boundsReadAndTotalTime() {
        long start = System.nanoTime();
        assertRefused(Reason.TIMEOUT, fetcher(true), base + "/silent");
        assertRefused(Reason.TIMEOUT, fetcher(true), base + "/drip");
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis < 5_000, "both gave up on their limits, took " + elapsedMillis + " ms");
    }

    @Test
    void refusesNamesThatDoNotResolveAndInvalidLiterals() {
        assertRefused(Reason.UNKNOWN_HOST, fetcher(true), "http://nowhere.test/x.jpg");
        assertRefused(Reason.INVALID_URL, fetcher(true), "http://999.1.1.1/x.jpg");
    }

    @Test
    void httpsVerifiesTlsOnThePinnedConnection() throws Exception {
        // A server that answers plain HTTP at once: the TLS handshake must fail, not hang or fall back.
        try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (Socket client = plain.accept()) {
                    client.getOutputStream().write("HTTP/1.1 200 OK\r\n\r\nplain".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the fetcher hangs up
                }
            });
            answer.start();
            assertRefused(Reason.TLS_FAILED, fetcher(true), "https://images.test:" + plain.getLocalPort() + "/dog.jpg");
            answer.join(2_000);
        }
    }

    private static void assertRefused(Reason expected, SafeImageFetcher fetcher, String url) {
        FetchRefused refused = assertThrows(FetchRefused.class, () -> fetcher.fetch(url), url);
        assertEquals(expected, refused.reason(), url + ": " + refused.getMessage());
        assertEquals(expected.code(), refused.code());
    }

    private static void respond(HttpExchange exchange, int status, byte[] body, boolean withLength) throws IOException {
        exchange.sendResponseHeaders(status, withLength ? (body.length == 0 ? -1 : body.length) : 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
