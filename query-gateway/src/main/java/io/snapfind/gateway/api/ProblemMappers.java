package io.snapfind.gateway.api;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.milvus.v2.exception.MilvusClientException;
import io.snapfind.contracts.ContractViolation;
import io.snapfind.gateway.search.SearchService;
import jakarta.ws.rs.core.Response;

/** Maps failures to RFC 9457 problem+json bodies; never a stack trace. */
public class ProblemMappers {

    static final String PROBLEM_JSON = "application/problem+json";

    /** The body of every error response. */
    public record Problem(String type, String title, int status, String detail, String field) {
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.status(), e.title(), e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response contractViolation(ContractViolation e) {
        return respond(422, "Invalid product", e.getMessage(), e.field());
    }

    @ServerExceptionMapper
    public Response rejectedImage(SearchService.RejectedImageException e) {
        return respond(e.rejection().httpStatus(), "Unusable image", e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response dependencyDown(MilvusClientException e) {
        return respond(503, "Search unavailable", "the vector index cannot be reached: " + e.getMessage(), null);
    }

    private static Response respond(int status, String title, String detail, String field) {
        return Response.status(status)
                .type(PROBLEM_JSON)
                .entity(new Problem("about:blank", title, status, detail, field))
                .build();
    }
}
