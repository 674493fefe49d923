package io.snapfind.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.snapfind.contracts.ProductImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.fetch.FetchPolicy;
import io.snapfind.imaging.fetch.SafeImageFetcher;

/** Transient fetch failures are retried, permanent ones are not, against a loopback server. */
class ImageIntakeTest {

    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;
    private String base;
    private final ImageIntake intake = new ImageIntake(
            new SafeImageFetcher(FetchPolicy.DEFAULT.withAllowLoopback(true)), new ImageDecoder(ImageLimits.DEFAULT),
            2, Duration.ofMillis(10));

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] dog = DetectorTestImages.dog();
        server.createContext("/flaky.jpg", exchange -> respond(exchange, requests.get() < 2 ? 503 : 200, dog));
        server.createContext("/down.jpg", exchange -> respond(exchange, 502, dog));
        server.createContext("/missing.jpg", exchange -> respond(exchange, 404, dog));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aServerThatRecoversIsFetchedOnTheThirdAttempt() throws Exception {
        assertEquals(768, intake.obtain(ProductImage.ofUrl("a", base + "/flaky.jpg")).width());
        assertEquals(3, requests.get());
    }

    @Test
    void aServerThatStaysDownIsGivenUpAfterTheRetriesWithTheAttemptsInTheReason() {
        IntakeFailure failure = assertThrows(IntakeFailure.class,
                () -> intake.obtain(ProductImage.ofUrl("a", base + "/down.jpg")));
        assertEquals("http-status", failure.reason());
        assertTrue(failure.detail().contains("502") && failure.detail().contains("after 3 attempts"), failure.detail());
        assertEquals(3, requests.get());
    }

    @Test
    void aPermanentRefusalIsNotRetried() {
        IntakeFailure failure = assertThrows(IntakeFailure.class,
                () -> intake.obtain(ProductImage.ofUrl("a", base + "/missing.jpg")));
        assertEquals("http-status", failure.reason());
        assertEquals(1, requests.get());
    }

    private void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        requests.incrementAndGet();
        exchange.getResponseHeaders().add("Content-Type", "image/jpeg");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
