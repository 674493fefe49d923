package io.snapfind.indexer.rest;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.snapfind.indexer.AdminException;
import io.snapfind.indexer.CollectionMismatchException;
import io.snapfind.indexer.IndexRejectedException;
import io.snapfind.indexer.IndexUnavailableException;
import io.snapfind.support.problem.Problem;
import jakarta.ws.rs.core.Response;

/** The indexer's own failures as problem+json; the shared ones are mapped by service-support's ProblemMappers. */
public class IndexerProblemMappers {

    @ServerExceptionMapper
    public Response admin(AdminException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> Problem.response(404, "Not found", e.getMessage());
            case CONFLICT -> Problem.response(409, "Conflict", e.getMessage());
            case INVALID -> Problem.response(400, "Invalid request", e.getMessage());
        };
    }

    @ServerExceptionMapper
    public Response mismatch(CollectionMismatchException e) {
        return Problem.response(409, "Collection does not fit the model", e.getMessage());
    }

    @ServerExceptionMapper
    public Response unavailable(IndexUnavailableException e) {
        return Problem.response(503, "Milvus unavailable", e.getMessage());
    }

    @ServerExceptionMapper
    public Response rejected(IndexRejectedException e) {
        return Problem.response(502, "Milvus refused the request", e.getMessage());
    }
}
