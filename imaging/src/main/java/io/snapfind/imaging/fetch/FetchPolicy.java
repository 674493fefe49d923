package io.snapfind.imaging.fetch;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits of one image fetch.
 *
 * @param allowLoopback  lets 127.0.0.0/8 and ::1 through (tests against a local server only; never in production)
 * @param connectTimeout the longest a TCP connect (and TLS handshake) may take, per address tried
 * @param readTimeout    the longest the server may stay silent while we wait for bytes
 * @param totalTimeout   the longest the whole fetch may take, redirects included (defeats slow-drip servers)
 * @param maxBytes       the largest body accepted; enforced while streaming, whatever Content-Length says
 * @param maxRedirects   how many redirects are followed, each one re-checked like the first URL
 * @param userAgent      sent as User-Agent so site owners can recognise the fetcher
 */
public record FetchPolicy(boolean allowLoopback, Duration connectTimeout, Duration readTimeout, Duration totalTimeout,
        long maxBytes, int maxRedirects, String userAgent) {

    public static final FetchPolicy DEFAULT = new FetchPolicy(false, Duration.ofSeconds(3), Duration.ofSeconds(10),
            Duration.ofSeconds(30), 20L * 1024 * 1024, 3, "Snapfind-ImageFetcher/1.0");

    public FetchPolicy {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        requirePositive(totalTimeout, "totalTimeout");
        if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes must be in 1.." + (Integer.MAX_VALUE - 8) + ", got " + maxBytes);
        }
        if (maxRedirects < 0) {
            throw new IllegalArgumentException("maxRedirects must not be negative, got " + maxRedirects);
        }
        if (userAgent == null || userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c > 0x7E)) {
            throw new IllegalArgumentException("userAgent must be printable ASCII");
        }
    }

    public FetchPolicy withAllowLoopback(boolean allow) {
        return new FetchPolicy(allow, connectTimeout, readTimeout, totalTimeout, maxBytes, maxRedirects, userAgent);
    }

    public FetchPolicy withMaxBytes(long bytes) {
        return new FetchPolicy(allowLoopback, connectTimeout, readTimeout, totalTimeout, bytes, maxRedirects, userAgent);
    }

    public FetchPolicy withTimeouts(Duration connect, Duration read, Duration total) {
        return new FetchPolicy(allowLoopback, connect, read, total, maxBytes, maxRedirects, userAgent);
    }

    public FetchPolicy withMaxRedirects(int redirects) {
        return new FetchPolicy(allowLoopback, connectTimeout, readTimeout, totalTimeout, maxBytes, redirects, userAgent);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero() || duration.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be positive and below 24 days, got " + duration);
        }
    }
}
