package io.snapfind.imaging.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.fetch.FetchRefused.Reason;

/**
 * HTTPS over the pinned connection: TCP goes to the checked 127.0.0.1, while SNI and the certificate check use the
 * URL's name. The server's certificate, made by keytool for this test, names images.test only.
 */
class PinnedTlsTest {

    private static final char[] PASSWORD = "test-only".toCharArray();

    @TempDir
    static Path keys;

    private static HttpsServer server;
    private static SSLContext clientTls;
    private static byte[] dogJpeg;
    private static final List<String> serverNamesSeen = new CopyOnWriteArrayList<>();

    private final List<InetSocketAddress> connections = new CopyOnWriteArrayList<>();

    private static final HostResolver RESOLVER = host -> {
        String literal = Map.of("images.test", "127.0.0.1", "impostor.test", "127.0.0.1").get(host);
        if (literal == null) {
            throw new UnknownHostException(host);
        }
        return List.of(AddressRules.literal(literal).orElseThrow());
    };

    @BeforeAll
    static void startServer() throws Exception {
        dogJpeg = Files.readAllBytes(ProjectPaths.asset("photos/dog.jpg"));
        KeyStore keyStore = certificateFor("images.test");
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keyManagers.getKeyManagers(), null, null);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("test-ca", keyStore.getCertificate("server"));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trustManagers.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = serverTls.getDefaultSSLParameters();
                parameters.setSNIMatchers(List.of(new RecordingMatcher()));
                params.setSSLParameters(parameters);
            }
        });
        server.createContext("/dog.jpg", exchange -> {
            exchange.sendResponseHeaders(200, dogJpeg.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(dogJpeg);
            }
        });
        server.createContext("/to-http", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://images.test:" + server.getAddress().getPort()
                    + "/dog.jpg");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    @BeforeEach
    void clear() {
        connections.clear();
        serverNamesSeen.clear();
    }

    private SafeImageFetcher fetcher() {
        FetchPolicy policy = FetchPolicy.DEFAULT.withAllowLoopback(true)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(10));
        return new SafeImageFetcher(policy, RESOLVER, target -> {
            connections.add(target);
            if (!target.getAddress().isLoopbackAddress()) {
                throw new AssertionError("the fetcher tried to connect to " + target);
            }
        }, clientTls);
    }

    @Test
    void verifiesTheCertificateAgainstTheUrlsNameOnThePinnedAddress() throws FetchRefused {
        FetchedImage image = fetcher().fetch("https://images.test:" + server.getAddress().getPort() + "/dog.jpg");
        assertArrayEquals(dogJpeg, image.bytes());
        assertEquals(List.of("images.test"), serverNamesSeen, "SNI carries the name, not the pinned IP");
        assertEquals(1, connections.size());
        assertTrue(connections.get(0).getAddress().isLoopbackAddress());
    }

    @Test
    void refusesACertificateForAnotherName() {
        int port = server.getAddress().getPort();
        for (String url : List.of("https://impostor.test:" + port + "/dog.jpg", "https://127.0.0.1:" + port + "/dog.jpg")) {
            FetchRefused refused = assertThrows(FetchRefused.class, () -> fetcher().fetch(url), url);
            assertEquals(Reason.TLS_FAILED, refused.reason(), url + ": " + refused.getMessage());
        }
    }

    @Test
    void refusesARedirectFromHttpsToHttp() {
        String url = "https://images.test:" + server.getAddress().getPort() + "/to-http";
        FetchRefused refused = assertThrows(FetchRefused.class, () -> fetcher().fetch(url));
        assertEquals(Reason.SCHEME_NOT_ALLOWED, refused.reason(), refused.getMessage());
        assertTrue(refused.getMessage().contains("https to http"), refused.getMessage());
        assertEquals(1, connections.size(), "only the https hop was connected");
    }

    /** A self-signed certificate for {@code name} only, from the JDK's keytool. */
    private static KeyStore certificateFor(String name) throws IOException, GeneralSecurityException,
            InterruptedException {
        Path file = keys.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + name, "-ext", "SAN=dns:" + name, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + new String(output));
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    /** Accepts every name and remembers what the client asked for. */
    private static final class RecordingMatcher extends SNIMatcher {
        RecordingMatcher() {
            super(StandardConstants.SNI_HOST_NAME);
        }

        @Override
        public boolean matches(SNIServerName serverName) {
            serverNamesSeen.add(new String(serverName.getEncoded(), StandardCharsets.US_ASCII));
            return true;
        }
    }
}
