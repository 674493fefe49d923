package io.snapfind.gateway.api;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.snapfind.contracts.ContractViolation;
import jakarta.ws.rs.core.Response;

/** Maps failures to RFC 9457 problem+json bodies; never a stack trace. */
public class ProblemMappers {

    static final String PROBLEM_JSON = "application/problem+json";

    /** The body of every error response. */
    public record Problem(String type, String title, int status, String detail, String field) {
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.status().getStatusCode(), e.title(), e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response contractViolation(ContractViolation e) {
        return respond(422, "Invalid product", e.getMessage(), e.field());
    }

    private static Response respond(int status, String title, String detail, String field) {
        return Response.status(status)
                .type(PROBLEM_JSON)
                .entity(new Problem("about:blank", title, status, detail, field))
                .build();
    }
}
