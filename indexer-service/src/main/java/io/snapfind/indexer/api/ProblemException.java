package io.snapfind.indexer.api;

import jakarta.ws.rs.core.Response;

/** An HTTP error that becomes an application/problem+json body. */
public class ProblemException extends RuntimeException {

    private final Response.Status status;
    private final String title;

    public ProblemException(Response.Status status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public Response.Status status() {
        return status;
    }

    public String title() {
        return title;
    }
}
