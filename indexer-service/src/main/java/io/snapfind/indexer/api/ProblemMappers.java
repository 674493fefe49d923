package io.snapfind.indexer.api;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.snapfind.indexer.AdminException;
import io.snapfind.indexer.CollectionMismatchException;
import io.snapfind.indexer.IndexRejectedException;
import io.snapfind.indexer.IndexUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/** Maps failures to RFC 9457 problem+json bodies; never a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    static final String PROBLEM_JSON = "application/problem+json";

    /** The body of every error response. */
    public record Problem(String type, String title, int status, String detail) {
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.status().getStatusCode(), e.title(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response admin(AdminException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> respond(404, "Not found", e.getMessage());
            case CONFLICT -> respond(409, "Conflict", e.getMessage());
            case INVALID -> respond(400, "Invalid request", e.getMessage());
        };
    }

    @ServerExceptionMapper
    public Response mismatch(CollectionMismatchException e) {
        return respond(409, "Collection does not fit the model", e.getMessage());
    }

    @ServerExceptionMapper
    public Response unavailable(IndexUnavailableException e) {
        return respond(503, "Milvus unavailable", e.getMessage());
    }

    @ServerExceptionMapper
    public Response rejected(IndexRejectedException e) {
        return respond(502, "Milvus refused the request", e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        return respond(status, known == null ? "Error" : known.getReasonPhrase(), e.getMessage());
    }

    /** Anything else is a bug or an unreachable dependency: logged here, never shown to the caller in detail. */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("Request failed", e);
        return respond(500, "Internal error", "the indexer could not answer; see its log");
    }

    static Response respond(int status, String title, String detail) {
        return Response.status(status)
                .type(PROBLEM_JSON)
                .entity(new Problem("about:blank", title, status, detail))
                .build();
    }
}
