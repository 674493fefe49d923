package io.snapfind.imaging.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.fetch.FetchRefused.Reason;

/**
 * What the fetcher must keep doing whatever HTTP client it runs on: connect only to the address it checked (a DNS
 * answer that changes afterwards is never used), stop reading at the limits, refuse malformed HTTP, and send
 * nothing the URL's user info or a server's challenge asks for. A raw socket server on 127.0.0.1 answers byte for
 * byte what each test needs; nothing leaves loopback.
 */
@Timeout(30) // a fetcher that drains an endless body would otherwise hang the build
class PinnedFetchTest {

    private static final long MAX_BYTES = 64 * 1024;
    private static final String HEAD_200 = "HTTP/1.1 200 OK\r\n";

    private static byte[] dogJpeg;
    private static RawServer server;

    private final List<InetSocketAddress> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger rebindLookups = new AtomicInteger();

    /** rebind.test first resolves to loopback, then, as a rebinding attacker's DNS would, to a private address. */
    private final HostResolver resolver = host -> {
        String literal = switch (host) {
        case "images.test" -> "127.0.0.1";
        case "rebind.test" -> rebindLookups.incrementAndGet() == 1 ? "127.0.0.1" : "10.0.0.1";
        default -> throw new UnknownHostException(host + " is not in the test resolver's table");
        };
        return List.of(AddressRules.literal(literal).orElseThrow());
    };

    private final PinnedAddresses.ConnectWatcher loopbackOnly = target -> {
        connections.add(target);
        if (!target.getAddress().isLoopbackAddress()) {
            throw new AssertionError("the fetcher tried to connect to " + target);
        }
    };

    @BeforeAll
    static void startServer() throws IOException {
        dogJpeg = Files.readAllBytes(ProjectPaths.asset("photos/dog.jpg"));
        server = new RawServer();
        server.on("/dog.jpg", out -> {
            out.write((HEAD_200 + "Content-Length: " + dogJpeg.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(dogJpeg);
        });
        server.on("/to-self", out -> ascii(out, "HTTP/1.1 302 Found\r\nLocation: http://rebind.test:" + server.port()
                + "/dog.jpg\r\nContent-Length: 0\r\n\r\n"));
        server.on("/endless", out -> {
            ascii(out, HEAD_200 + "Transfer-Encoding: chunked\r\n\r\n");
            endless(out);
        });
        server.on("/redirect-endless", out -> {
            ascii(out, "HTTP/1.1 302 Found\r\nLocation: /missing\r\nTransfer-Encoding: chunked\r\n\r\n");
            endless(out);
        });
        server.on("/missing", out -> ascii(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
        server.on("/slow-drip", out -> {
            ascii(out, HEAD_200 + "Content-Length: 1000\r\n\r\n");
            for (byte b : Arrays.copyOf(dogJpeg, 1000)) {
                out.write(b);
                out.flush();
                Thread.sleep(1_500);
            }
        });
        server.on("/auth", out -> ascii(out, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\n"
                + "Content-Length: 0\r\n\r\n"));
        Map.of("status-line", "I am not HTTP\r\n\r\n",
                "nothing", "",
                "two-lengths", HEAD_200 + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcd",
                "transfer-encoding", HEAD_200 + "Transfer-Encoding: gzip\r\n\r\nabcd",
                "short-body", HEAD_200 + "Content-Length: 100\r\n\r\nonly this",
                "chunk-size", HEAD_200 + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n",
                "unterminated-chunks", HEAD_200 + "Transfer-Encoding: chunked\r\n\r\n4\r\nabcd",
                "no-location", "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n",
                "two-locations", "HTTP/1.1 302 Found\r\nLocation: /a\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n",
                "long-header", HEAD_200 + "X-Long: " + "x".repeat(9_000) + "\r\n\r\n")
                .forEach((name, raw) -> server.on("/bad/" + name, out -> ascii(out, raw)));
    }

    @AfterAll
    static void stopServer() throws IOException {
        server.close();
    }

    @BeforeEach
    void clear() {
        connections.clear();
        rebindLookups.set(0);
        server.requests.clear();
    }

    private SafeImageFetcher fetcher(Duration read, Duration total, long maxBytes) {
        FetchPolicy policy = FetchPolicy.DEFAULT.withAllowLoopback(true).withMaxBytes(maxBytes)
                .withTimeouts(Duration.ofSeconds(2), read, total);
        return new SafeImageFetcher(policy, resolver, loopbackOnly);
    }

    private SafeImageFetcher fetcher(Duration read, Duration total) {
        return fetcher(read, total, MAX_BYTES);
    }

    private SafeImageFetcher fetcher() {
        return fetcher(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @Test
    void connectsToTheCheckedAddressNotToALaterDnsAnswer() throws FetchRefused, UnknownHostException {
        String url = "http://rebind.test:" + server.port() + "/dog.jpg";
        FetchedImage image = fetcher(Duration.ofSeconds(2), Duration.ofSeconds(5), dogJpeg.length).fetch(url);
        assertArrayEquals(dogJpeg, image.bytes());
        assertEquals(1, rebindLookups.get(), "the name was resolved once, for the check, and never again");
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 }), server.port())),
                connections);
    }

    @Test
    void eachHopChecksItsOwnAnswer() {
        assertRefused(Reason.ADDRESS_NOT_ALLOWED, fetcher(), "http://rebind.test:" + server.port() + "/to-self");
        assertEquals(2, rebindLookups.get());
        assertEquals(1, connections.size(), "the redirect to the rebound name was refused before connecting");
    }

    @Test
    void stopsReadingAtTheLimitOfAnEndlessBody() {
        long start = System.nanoTime();
        assertRefused(Reason.TOO_LARGE, fetcher(Duration.ofSeconds(8), Duration.ofSeconds(8)), url("/endless"));
        // A polite close would drain the rest of the body first; an endless one only ends at the deadline.
        assertTrue(elapsedMillis(start) < 5_000, "took " + elapsedMillis(start) + " ms");
    }

    @Test
    void neverReadsTheBodyOfARedirect() {
        long start = System.nanoTime();
        assertRefused(Reason.HTTP_STATUS, fetcher(Duration.ofSeconds(8), Duration.ofSeconds(8)),
                url("/redirect-endless"));
        assertTrue(elapsedMillis(start) < 5_000, "took " + elapsedMillis(start) + " ms");
        assertEquals(2, connections.size());
    }

    @Test
    void theTotalDeadlineCutsASlowDripShorterThanTheReadTimeout() {
        long start = System.nanoTime();
        assertRefused(Reason.TIMEOUT, fetcher(Duration.ofSeconds(10), Duration.ofSeconds(2)), url("/slow-drip"));
        // Each byte arrives inside both the read timeout and the time left, so only a deadline that closes the
        // socket ends this at 2 s rather than at the read that returns after it (3 s).
        assertTrue(elapsedMillis(start) < 2_600, "took " + elapsedMillis(start) + " ms");
    }

    @Test
    void sendsTheNameAsHostAndNoCredentialsFromTheUrl() {
        assertRefused(Reason.HTTP_STATUS, fetcher(), "http://user:secret@images.test:" + server.port() + "/auth?q=1#frag");
        assertEquals(1, server.requests.size(), "a 401 challenge is not answered: " + server.requests);
        List<String> request = server.requests.get(0);
        assertEquals("GET /auth?q=1 HTTP/1.1", request.get(0));
        assertTrue(request.contains("host: images.test:" + server.port()), request.toString());
        assertTrue(request.contains("user-agent: " + FetchPolicy.DEFAULT.userAgent().toLowerCase(Locale.ROOT)),
                request.toString());
        assertTrue(request.contains("accept-encoding: identity"), request.toString());
        assertTrue(request.stream().noneMatch(line -> line.startsWith("authorization") || line.startsWith("cookie")),
                request.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = { "status-line", "nothing", "two-lengths", "transfer-encoding", "short-body", "chunk-size",
            "unterminated-chunks", "no-location", "two-locations", "long-header" })
    void refusesMalformedResponses(String name) {
        assertRefused(Reason.BAD_RESPONSE, fetcher(), url("/bad/" + name));
        assertEquals(1, server.requests.size(), "not retried");
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private static void assertRefused(Reason expected, SafeImageFetcher fetcher, String url) {
        FetchRefused refused = assertThrows(FetchRefused.class, () -> fetcher.fetch(url), url);
        assertEquals(expected, refused.reason(), url + ": " + refused.getMessage());
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void ascii(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Chunked, the framing whose polite close reads on to the last chunk, which never comes. */
    private static void endless(OutputStream out) throws IOException {
        byte[] block = Arrays.copyOf(dogJpeg, 16 * 1024);
        while (true) {
            ascii(out, "4000\r\n"); // until the fetcher hangs up
            out.write(block);
            ascii(out, "\r\n");
        }
    }

    /** One response per connection, chosen by path; records each request's line and lower-cased headers. */
    private static final class RawServer implements AutoCloseable {

        interface Answer {
            void write(OutputStream out) throws IOException, InterruptedException;
        }

        final List<List<String>> requests = new CopyOnWriteArrayList<>();
        private final Map<String, Answer> answers = new ConcurrentHashMap<>();
        private final ServerSocket socket;

        RawServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "raw-http-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        void on(String path, Answer answer) {
            answers.put(path, answer);
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    Thread handler = new Thread(() -> handle(client), "raw-http-handler");
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void handle(Socket client) {
            try (Socket open = client) {
                BufferedReader in = new BufferedReader(new InputStreamReader(open.getInputStream(),
                        StandardCharsets.US_ASCII));
                List<String> request = new ArrayList<>();
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    request.add(request.isEmpty() ? line : line.toLowerCase(Locale.ROOT));
                }
                requests.add(request);
                String path = request.isEmpty() ? "" : request.get(0).split(" ")[1].split("\\?")[0];
                Answer answer = answers.getOrDefault(path, out -> ascii(out, "HTTP/1.1 404 Not Found\r\n\r\n"));
                OutputStream out = open.getOutputStream();
                answer.write(out);
                out.flush();
            } catch (IOException | InterruptedException | RuntimeException hungUp) {
                // the fetcher closed the connection, as it should when it has seen enough
            }
        }

        @Override
        public void close() throws IOException {
            socket.close(); // handlers are daemons, ended by their peers hanging up
        }
    }
}
