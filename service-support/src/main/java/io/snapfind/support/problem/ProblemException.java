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

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, null, null);
    }

    public ProblemException(Response.StatusType status, String title, String detail) {
        this(status.getStatusCode(), title, detail, null, null);
    }

    public ProblemException(int status, String title, String detail, String field, String reason) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
        this.reason = reason;
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
}
