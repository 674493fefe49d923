package io.snapfind.detector.rest;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.snapfind.imaging.ImageRejected;
import io.snapfind.support.problem.Problem;
import jakarta.ws.rs.core.Response;

/** The detector's own failures as problem+json; the shared ones are mapped by service-support's ProblemMappers. */
public class DetectorProblemMappers {

    /** {@code reason} is the machine-readable code, e.g. {@code too-many-pixels}. */
    @ServerExceptionMapper
    public Response imageRejected(ImageRejected e) {
        return Problem.response(e.httpStatus(), "Image rejected", e.getMessage(), null, e.code());
    }
}
