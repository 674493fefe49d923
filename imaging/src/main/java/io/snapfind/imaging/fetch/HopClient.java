package io.snapfind.imaging.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.BasicHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.HttpsSupport;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

import io.snapfind.imaging.fetch.FetchRefused.Reason;
import io.snapfind.imaging.fetch.PinnedAddresses.ConnectWatcher;

/**
 * One GET for one hop of a fetch, through Apache HttpClient held to what the fetcher checked: its DNS answers are
 * the hop's checked addresses ({@link PinnedAddresses}), while Host, SNI and the certificate check use the name.
 * Each hop gets a client of its own that is closed afterwards, so no connection, cookie or credential outlives the
 * check it was made under. The client follows no redirects, retries nothing, decompresses nothing, authenticates
 * nowhere and uses no proxy; the body is read here, never more than one byte past the limit.
 */
final class HopClient {

    /** Where to send the request: the URL as given, and the checked addresses its host resolved to. */
    record Target(URI uri, boolean https, String host, int port, List<InetAddress> addresses) {
    }

    /** A status with, for redirects, the Location and, for 200, the body. */
    record Response(int status, String location, byte[] body) {
    }

    private static final int MAX_LINE_BYTES = 8 * 1024;
    private static final int MAX_HEADERS = 100;

    private final FetchPolicy policy;
    private final ConnectWatcher watcher;
    private final TlsSocketStrategy tls;

    HopClient(FetchPolicy policy, ConnectWatcher watcher, SSLContext tlsContext) {
        this.policy = policy;
        this.watcher = watcher;
        // The JDK's own RFC 2818 check and HttpClient's verifier, both against the URL's name, never the pinned IP.
        DefaultClientTlsStrategy strategy = new DefaultClientTlsStrategy(tlsContext, HostnameVerificationPolicy.BOTH,
                HttpsSupport.getDefaultHostnameVerifier());
        // HttpClient keeps an IPv6 literal's brackets, which the certificate check would compare as a DNS name.
        this.tls = (socket, name, port, attachment, context) -> strategy.upgrade(socket,
                PinnedAddresses.unbracketed(name), port, attachment, context);
    }

    Response execute(Target target, long deadlineNanos) throws FetchRefused {
        long remaining = remainingMillis(deadlineNanos);
        if (remaining <= 0) {
            throw new FetchRefused(Reason.TIMEOUT, "the fetch exceeded its total time limit");
        }
        HttpGet request = request(target.uri());
        // A server dripping a byte now and then never trips the read timeout; this closes the socket at the deadline.
        CompletableFuture<Void> watchdog = new CompletableFuture<>();
        watchdog.orTimeout(remaining, TimeUnit.MILLISECONDS).whenComplete((done, late) -> {
            if (late != null) {
                request.cancel();
            }
        });
        CloseableHttpClient client = client(target, remaining);
        try {
            return read(client.executeOpen(null, request, null), deadlineNanos);
        } catch (IOException e) {
            throw refusal(target, e, deadlineNanos);
        } finally {
            watchdog.complete(null);
            // Aborting rather than closing the response: a polite close drains the rest of the body, unbounded.
            request.cancel();
            client.close(CloseMode.IMMEDIATE);
        }
    }

    /** Path and query only from the URL: user info could carry credentials, the fragment is not sent. */
    private HttpGet request(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        HttpGet request = new HttpGet(URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + "://"
                + authority + path));
        request.addHeader("Accept", "image/*, */*;q=0.5");
        request.addHeader("Accept-Encoding", "identity");
        request.addHeader("Connection", "close");
        return request;
    }

    private CloseableHttpClient client(Target target, long remainingMillis) {
        Timeout connect = Timeout.ofMilliseconds(Math.min(policy.connectTimeout().toMillis(), remainingMillis));
        Timeout read = Timeout.ofMilliseconds(Math.min(policy.readTimeout().toMillis(), remainingMillis));
        PinnedAddresses pinned = new PinnedAddresses(target.host(), target.addresses(), target.port(), watcher);
        BasicHttpClientConnectionManager connections = new BasicHttpClientConnectionManager(
                new DefaultHttpClientConnectionOperator(pinned, DefaultSchemePortResolver.INSTANCE, pinned,
                        RegistryBuilder.<TlsSocketStrategy>create().register("https", tls).build()),
                ManagedHttpClientConnectionFactory.builder().http1Config(Http1Config.custom()
                        .setMaxLineLength(MAX_LINE_BYTES).setMaxHeaderCount(MAX_HEADERS).build()).build());
        connections.setConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect).setSocketTimeout(read)
                .build());
        connections.setTlsConfig(TlsConfig.custom().setHandshakeTimeout(connect).build());
        return HttpClients.custom()
                .setConnectionManager(connections)
                // Not the system-properties planner: a proxy would see the name and resolve it again itself.
                .setRoutePlanner(new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE))
                .setDefaultRequestConfig(RequestConfig.custom().setRedirectsEnabled(false)
                        .setAuthenticationEnabled(false).setContentCompressionEnabled(false)
                        .setProtocolUpgradeEnabled(false).setExpectContinueEnabled(false).setResponseTimeout(read)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .disableConnectionState()
                .setConnectionReuseStrategy((request, response, context) -> false)
                .setUserAgent(policy.userAgent())
                .build();
    }

    private Response read(ClassicHttpResponse response, long deadlineNanos) throws IOException, FetchRefused {
        int status = response.getCode();
        if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
            return new Response(status, location(response), null);
        }
        if (status != 200) {
            return new Response(status, null, null);
        }
        return new Response(status, null, body(response.getEntity(), deadlineNanos));
    }

    private static String location(ClassicHttpResponse response) throws FetchRefused {
        Header[] values = response.getHeaders("Location");
        if (values.length != 1 || values[0].getValue() == null || values[0].getValue().isEmpty()) {
            throw new FetchRefused(Reason.BAD_RESPONSE, "expected exactly one location header, got " + values.length);
        }
        return values[0].getValue();
    }

    private byte[] body(HttpEntity entity, long deadlineNanos) throws IOException, FetchRefused {
        if (entity == null) {
            return new byte[0];
        }
        long max = policy.maxBytes();
        long declared = entity.getContentLength();
        if (declared > max) {
            throw new FetchRefused(Reason.TOO_LARGE, "the server declares " + declared
                    + " bytes, more than the limit of " + max);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(declared >= 0 ? (int) declared : 64 * 1024);
        byte[] buffer = new byte[16 * 1024];
        InputStream in = entity.getContent();
        long total = 0;
        while (true) {
            if (remainingMillis(deadlineNanos) <= 0) {
                throw new FetchRefused(Reason.TIMEOUT, "the fetch exceeded its total time limit");
            }
            // Never ask for more than one byte past the limit: enough to tell "exactly max" from "too large".
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, max + 1 - total));
            if (n < 0) {
                return body.toByteArray();
            }
            total += n;
            if (total > max) {
                throw new FetchRefused(Reason.TOO_LARGE, "the body exceeds the limit of " + max + " bytes");
            }
            body.write(buffer, 0, n);
        }
    }

    private static FetchRefused refusal(Target target, IOException e, long deadlineNanos) {
        String host = target.host();
        if (remainingMillis(deadlineNanos) <= 0) {
            // Whatever the aborted socket threw, the cause is the deadline.
            return new FetchRefused(Reason.TIMEOUT, "the fetch exceeded its total time limit", e);
        }
        if (e instanceof ConnectTimeoutException) {
            return new FetchRefused(Reason.TIMEOUT, "could not connect to " + host + " in time", e);
        }
        if (e instanceof SocketTimeoutException) {
            return new FetchRefused(Reason.TIMEOUT, host + " stayed silent past the time limit", e);
        }
        if (e instanceof SSLException) {
            return new FetchRefused(Reason.TLS_FAILED, "TLS with " + host + " failed: " + e.getMessage(), e);
        }
        if (e instanceof ConnectException) {
            return new FetchRefused(Reason.CONNECTION_FAILED, "could not connect to " + host + ": " + e.getMessage(), e);
        }
        if (e instanceof NoHttpResponseException) {
            return new FetchRefused(Reason.BAD_RESPONSE, "the server closed the connection without a response", e);
        }
        if (e instanceof ClientProtocolException || e instanceof MessageConstraintException
                || e instanceof MalformedChunkCodingException || e instanceof ConnectionClosedException) {
            // Malformed status line or headers, bad framing, or a body shorter than it declared.
            String detail = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                    : e.getMessage();
            return new FetchRefused(Reason.BAD_RESPONSE, "malformed response from " + host + ": " + detail, e);
        }
        return new FetchRefused(Reason.CONNECTION_FAILED, "connection to " + host + " broke: " + e.getMessage(), e);
    }

    static long remainingMillis(long deadlineNanos) {
        return (deadlineNanos - System.nanoTime()) / 1_000_000L;
    }
}
