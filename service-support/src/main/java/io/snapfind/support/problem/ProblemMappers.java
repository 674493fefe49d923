package io.snapfind.support.problem;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/**
 * The mappers every service shares: its own {@link ProblemException}s, framework errors (unknown path, wrong media
 * type, unreadable body) and, last, anything unexpected, which is logged here and never shown in detail. A service
 * maps its own domain exceptions in its {@code rest} package; the most specific exception type wins.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "service")
    String service;

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return Problem.response(e.status(), e.title(), e.getMessage(), e.field(), e.reason(), e.retryAfterSeconds());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.StatusType known = Response.Status.fromStatusCode(status);
        return Problem.response(status, known != null ? known.getReasonPhrase() : "HTTP " + status, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("Unexpected failure in a request", e);
        return Problem.response(500, "Internal error", "the " + service + " failed unexpectedly; see its log");
    }
}
