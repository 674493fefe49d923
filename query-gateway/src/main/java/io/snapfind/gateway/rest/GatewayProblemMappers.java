package io.snapfind.gateway.rest;

import java.io.IOException;

import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.jboss.resteasy.reactive.ClientWebApplicationException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.snapfind.contracts.ContractViolation;
import io.snapfind.gateway.MatchExplainer;
import io.snapfind.gateway.ModelMismatchException;
import io.snapfind.gateway.SearchService;
import io.snapfind.gateway.SearchUnavailableException;
import io.snapfind.support.problem.Problem;
import io.vertx.core.http.HttpClosedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;

/** The gateway's own failures as problem+json; the shared ones are mapped by service-support's ProblemMappers. */
public class GatewayProblemMappers {

    @ServerExceptionMapper
    public Response contractViolation(ContractViolation e) {
        return respond(422, "Invalid product", e.getMessage(), e.field());
    }

    @ServerExceptionMapper
    public Response rejectedImage(SearchService.RejectedImageException e) {
        return respond(e.rejection().httpStatus(), "Unusable image", e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response busy(SearchService.BusyException e) {
        return Problem.response(503, "Search busy", e.getMessage(), null, "overloaded");
    }

    @ServerExceptionMapper
    public Response notIndexed(SearchService.NotIndexedException e) {
        return respond(404, "Not indexed", e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response unexplainable(MatchExplainer.Unexplainable e) {
        return respond(e.status(), "Cannot explain", e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response indexDown(SearchUnavailableException e) {
        return respond(503, "Search unavailable", e.getMessage(), null);
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

    /**
     * The REST client's connection failures arrive wrapped or, from Vert.x directly, as they are: refused, closed, or
     * reset by a service that is stopping (the embedder during a re-index switch). The resources turn the caller's
     * own unreadable uploads into 400s before anything is sent, so an IOException here is a service's.
     */
    @ServerExceptionMapper({ ProcessingException.class, IOException.class, HttpClosedException.class })
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
        return Problem.response(status, title, detail, field, null);
    }
}
