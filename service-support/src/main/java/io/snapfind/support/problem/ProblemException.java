package io.snapfind.support.problem;

import jakarta.ws.rs.core.Response;

/**
 * An HTTP error that becomes an application/problem+json body. {@code field} names the offending input and
 * {@code reason} is a machine-readable code (for example {@code too-many-pixels}); either may be null.
 */
public class ProblemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String title;
    private final String field;
    private final String reason;
    private final Long retryAfterSeconds;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, null, null);
    }

    public ProblemException(Response.StatusType status, String title, String detail) {
        this(status.getStatusCode(), title, detail, null, null);
    }

    public ProblemException(int status, String title, String detail, String field, String reason) {
        this(status, title, detail, field, reason, null);
    }

    private ProblemException(int status, String title, String detail, String field, String reason,
            Long retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A refusal that will pass later (429, 503): the answer says after how many seconds, as {@code Retry-After}. */
    public static ProblemException retryLater(int status, String title, String detail, String reason,
            long retryAfterSeconds) {
        return new ProblemException(status, title, detail, null, reason, Math.max(1, retryAfterSeconds));
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }

    /** Seconds after which the request may pass, or null when the problem does not say. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
