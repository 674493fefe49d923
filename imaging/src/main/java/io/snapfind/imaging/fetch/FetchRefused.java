package io.snapfind.imaging.fetch;

import java.util.Locale;

/** Why an image URL was not fetched; {@link #code()} is the reason used in metrics, dead letters and HTTP errors. */
public final class FetchRefused extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** Not a parseable absolute URL with a host. */
        INVALID_URL,
        /** Anything but http and https (file, gopher, ftp, jar, ...). */
        SCHEME_NOT_ALLOWED,
        /** The host name does not resolve. */
        UNKNOWN_HOST,
        /** The host is, or resolves to, a loopback, private, link-local, multicast, metadata or reserved address. */
        ADDRESS_NOT_ALLOWED,
        /** No resolved address accepted the connection, or the connection broke. */
        CONNECTION_FAILED,
        /** Connect, read or total time limit exceeded. */
        TIMEOUT,
        /** The TLS handshake or certificate check failed. */
        TLS_FAILED,
        /** The server's answer is not well-formed HTTP/1.x. */
        BAD_RESPONSE,
        /** A status other than 200 or a followed redirect. */
        HTTP_STATUS,
        /** More redirects than the policy allows. */
        TOO_MANY_REDIRECTS,
        /** The body is (or declares to be) larger than the policy allows. */
        TOO_LARGE,
        /** The body is empty. */
        EMPTY,
        /** The body does not start with the magic bytes of a supported image format. */
        NOT_AN_IMAGE;

        /** Kebab-case, e.g. {@code address-not-allowed}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public FetchRefused(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public FetchRefused(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public String code() {
        return reason.code();
    }
}
