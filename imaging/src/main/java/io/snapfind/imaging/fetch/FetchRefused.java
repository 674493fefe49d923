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
    private final int httpStatus;

    public FetchRefused(Reason reason, String message) {
        this(reason, message, 0);
    }

    /** An {@link Reason#HTTP_STATUS} refusal with the status the server answered. */
    public FetchRefused(Reason reason, String message, int httpStatus) {
        super(message);
        this.reason = reason;
        this.httpStatus = httpStatus;
    }

    public FetchRefused(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.httpStatus = 0;
    }

    /**
     * Whether the same fetch may succeed later: a broken or timed-out connection, a 5xx, a 429 or a 408. Refusals of
     * the URL itself (address, scheme, size, content) and other statuses will not change by asking again.
     */
    public boolean isTransient() {
        return reason == Reason.CONNECTION_FAILED || reason == Reason.TIMEOUT
                || reason == Reason.HTTP_STATUS && (httpStatus >= 500 || httpStatus == 429 || httpStatus == 408);
    }

    public Reason reason() {
        return reason;
    }

    public String code() {
        return reason.code();
    }
}
