package io.snapfind.gateway.api;

import java.net.ConnectException;

import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.jboss.resteasy.reactive.ClientWebApplicationException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.milvus.v2.exception.MilvusClientException;
import io.snapfind.contracts.ContractViolation;
import io.snapfind.gateway.search.ModelMismatchException;
import io.snapfind.gateway.search.SearchService;
import io.vertx.core.http.HttpClosedException;
import jakarta.ws.rs.ProcessingException;
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

    @ServerExceptionMapper
    public Response modelMismatch(ModelMismatchException e) {
        return respond(503, "Search unavailable", e.getMessage(), null);
    }

    /** The detector or embedder service is down, slow or shed by the circuit breaker (after the retry). */
    @ServerExceptionMapper
    public Response serviceDown(FaultToleranceException e) {
        return respond(503, "Search unavailable", "a search service is unavailable, retry shortly: " + e.getMessage(),
                null);
    }

    /** The REST client's connection failures arrive wrapped or, from Vert.x directly, as they are. */
    @ServerExceptionMapper({ ProcessingException.class, ConnectException.class, HttpClosedException.class })
    public Response serviceUnreachable(Exception e) {
        return respond(503, "Search unavailable", "a search service cannot be reached, retry shortly: "
                + e.getMessage(), null);
    }

    /** A search service answered with an error: its own outage is ours (503), anything else a bad gateway. */
    @ServerExceptionMapper
    public Response serviceFailed(ClientWebApplicationException e) {
        int status = e.getResponse().getStatus();
        return status >= 500
                ? respond(503, "Search unavailable", "a search service answered " + status + ", retry shortly", null)
                : respond(502, "Search failed", "a search service refused the request with " + status, null);
    }

    private static Response respond(int status, String title, String detail, String field) {
        return Response.status(status)
                .type(PROBLEM_JSON)
                .entity(new Problem("about:blank", title, status, detail, field))
                .build();
    }
}
