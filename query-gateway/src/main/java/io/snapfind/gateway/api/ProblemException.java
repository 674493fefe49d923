package io.snapfind.gateway.api;

import jakarta.ws.rs.core.Response;

/** An HTTP error that becomes an application/problem+json body. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;

    public ProblemException(Response.Status status, String title, String detail) {
        this(status.getStatusCode(), title, detail);
    }

    /** For statuses JAX-RS has no constant for, such as 422. */
    public ProblemException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
