package io.snapfind.detector.api;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.snapfind.imaging.ImageRejected;
import jakarta.ws.rs.core.Response;

/** Maps failures to RFC 9457 application/problem+json bodies; never a stack trace. */
public class ProblemMappers {

    static final String PROBLEM_JSON = "application/problem+json";

    /** The body of every error response; {@code reason} is the machine-readable code, e.g. {@code too-many-pixels}. */
    public record Problem(String type, String title, int status, String detail, String reason) {
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.status(), e.title(), e.getMessage(), e.reason());
    }

    @ServerExceptionMapper
    public Response imageRejected(ImageRejected e) {
        return respond(e.httpStatus(), "Image rejected", e.getMessage(), e.code());
    }

    static Response respond(int status, String title, String detail, String reason) {
        return Response.status(status)
                .type(PROBLEM_JSON)
                .entity(new Problem("about:blank", title, status, detail, reason))
                .build();
    }
}
