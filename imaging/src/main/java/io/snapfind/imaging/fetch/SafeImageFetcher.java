package io.snapfind.imaging.fetch;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.net.ssl.SSLContext;

import io.snapfind.imaging.ImageFormat;
import io.snapfind.imaging.fetch.FetchRefused.Reason;
import io.snapfind.imaging.fetch.HopClient.Response;
import io.snapfind.imaging.fetch.HopClient.Target;
import io.snapfind.imaging.fetch.PinnedAddresses.ConnectWatcher;

/**
 * Downloads an image from a URL that someone else chose, without becoming a tool for reaching the inside of the
 * network (SSRF). For the URL and for every redirect hop it:
 * <ol>
 * <li>accepts only absolute http and https URLs with a host;</li>
 * <li>resolves the host (IP literals are parsed, never looked up) and refuses it if <em>any</em> address is
 * loopback, private, carrier-grade NAT, link-local, a cloud metadata endpoint, multicast, unspecified or reserved,
 * IPv6 forms embedding such an IPv4 address included ({@link AddressRules});</li>
 * <li>connects to one of exactly those checked addresses, so a second DNS answer cannot redirect the connection
 * (DNS rebinding), while Host, SNI and the certificate check use the name ({@link HopClient});</li>
 * <li>bounds connect, read and total time, and stops reading past the byte limit whatever Content-Length says;</li>
 * <li>follows 301/302/303/307/308 itself, up to the policy's limit, each hop checked as above.</li>
 * </ol>
 * The body is accepted only if its magic bytes are those of a supported image format. Thread-safe; each fetch
 * blocks its calling thread, so call it from a worker thread.
 */
public final class SafeImageFetcher {

    private final FetchPolicy policy;
    private final HostResolver resolver;
    private final HopClient http;

    public SafeImageFetcher(FetchPolicy policy) {
        this(policy, HostResolver.SYSTEM);
    }

    public SafeImageFetcher(FetchPolicy policy, HostResolver resolver) {
        this(policy, resolver, ConnectWatcher.NONE);
    }

    /** For tests: a watcher that sees every connect attempt. */
    SafeImageFetcher(FetchPolicy policy, HostResolver resolver, ConnectWatcher watcher) {
        this(policy, resolver, watcher, defaultTls());
    }

    /** For tests: also the TLS context, to trust a test certificate. */
    SafeImageFetcher(FetchPolicy policy, HostResolver resolver, ConnectWatcher watcher, SSLContext tls) {
        this.policy = policy;
        this.resolver = resolver;
        this.http = new HopClient(policy, watcher, tls);
    }

    public FetchPolicy policy() {
        return policy;
    }

    public FetchedImage fetch(String url) throws FetchRefused {
        long deadline = System.nanoTime() + policy.totalTimeout().toNanos();
        URI current = parse(url);
        for (int redirects = 0;; redirects++) {
            Target target = admit(current);
            Response response = http.execute(target, deadline);
            if (response.location() != null) {
                if (redirects >= policy.maxRedirects()) {
                    throw new FetchRefused(Reason.TOO_MANY_REDIRECTS, "more than " + policy.maxRedirects()
                            + " redirects, starting from " + describe(parse(url)));
                }
                current = redirectTarget(current, response.location());
                continue;
            }
            if (response.status() != 200) {
                throw new FetchRefused(Reason.HTTP_STATUS, describe(current) + " answered HTTP " + response.status(),
                        response.status());
            }
            byte[] body = response.body();
            if (body.length == 0) {
                throw new FetchRefused(Reason.EMPTY, describe(current) + " returned an empty body");
            }
            Optional<ImageFormat> format = ImageFormat.sniff(body);
            if (format.isEmpty()) {
                throw new FetchRefused(Reason.NOT_AN_IMAGE, describe(current)
                        + " returned content that is not a JPEG, PNG, GIF, BMP or WebP image");
            }
            return new FetchedImage(body, format.get(), current);
        }
    }

    /** Checks scheme, host and every resolved address, before any connection is made. */
    private Target admit(URI uri) throws FetchRefused {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchRefused(Reason.SCHEME_NOT_ALLOWED,
                    "only http and https URLs are fetched, not '" + (scheme.isEmpty() ? "(none)" : scheme) + ":'");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new FetchRefused(Reason.INVALID_URL, "the URL has no valid host name");
        }
        int port = uri.getPort() == -1 ? (scheme.equals("https") ? 443 : 80) : uri.getPort();
        List<InetAddress> addresses = resolve(host);
        for (InetAddress address : addresses) {
            Optional<String> why = AddressRules.whyForbidden(address, policy.allowLoopback());
            if (why.isPresent()) {
                // The address is named (it is ours to know), the response body never is.
                String what = AddressRules.isLiteral(host) ? host + " is" : host + " resolves to "
                        + address.getHostAddress() + ",";
                throw new FetchRefused(Reason.ADDRESS_NOT_ALLOWED, what + " a " + why.get() + " address");
            }
        }
        return new Target(uri, scheme.equals("https"), host, port, addresses);
    }

    private List<InetAddress> resolve(String host) throws FetchRefused {
        Optional<InetAddress> literal;
        try {
            literal = AddressRules.literal(host);
        } catch (UnknownHostException e) {
            throw new FetchRefused(Reason.INVALID_URL, host + " is not a valid IP address", e);
        }
        if (literal.isPresent()) {
            return List.of(literal.get());
        }
        try {
            List<InetAddress> addresses = resolver.resolve(host);
            if (addresses == null || addresses.isEmpty()) {
                throw new UnknownHostException(host + " has no addresses");
            }
            return List.copyOf(addresses);
        } catch (UnknownHostException e) {
            throw new FetchRefused(Reason.UNKNOWN_HOST, "cannot resolve " + host + ": " + e.getMessage(), e);
        }
    }

    private static URI parse(String url) throws FetchRefused {
        if (url == null || url.isBlank()) {
            throw new FetchRefused(Reason.INVALID_URL, "no URL");
        }
        try {
            URI uri = new URI(url.trim());
            if (!uri.isAbsolute() || uri.isOpaque()) {
                // Opaque URIs (mailto:, jar:) are refused by scheme; relative ones have nothing to fetch.
                if (uri.getScheme() != null) {
                    throw new FetchRefused(Reason.SCHEME_NOT_ALLOWED,
                            "only http and https URLs are fetched, not '" + uri.getScheme() + ":'");
                }
                throw new FetchRefused(Reason.INVALID_URL, "not an absolute URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new FetchRefused(Reason.INVALID_URL, "not a valid URL: " + e.getReason());
        }
    }

    private static URI redirectTarget(URI from, String location) throws FetchRefused {
        URI target;
        try {
            target = from.resolve(new URI(location.trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new FetchRefused(Reason.BAD_RESPONSE, "the redirect Location is not a valid URL");
        }
        // A redirect from https to http would send the rest of the fetch in clear text, open to anyone on the path.
        if ("https".equalsIgnoreCase(from.getScheme()) && "http".equalsIgnoreCase(target.getScheme())) {
            throw new FetchRefused(Reason.SCHEME_NOT_ALLOWED, "a redirect from https to http is not followed ("
                    + describe(target) + ")");
        }
        return target;
    }

    /** scheme://host:port/path without query or user info, which may carry tokens. */
    private static String describe(URI uri) {
        String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
        return uri.getScheme() + "://" + uri.getHost() + port + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }
}
