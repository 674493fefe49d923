package io.snapfind.embedder.api;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/** Maps failures to RFC 9457 problem+json bodies; never a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    static final String PROBLEM_JSON = "application/problem+json";

    /** The body of every error response; {@code field} is absent when the whole request is at fault. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Problem(String type, String title, int status, String detail, String field) {
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.status(), e.title(), e.getMessage(), e.field());
    }

    /** Framework errors: unsupported media type (415), unparsable JSON (400), unknown path (404), … */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type != null ? type.getReasonPhrase() : "HTTP " + status;
        String detail = switch (status) {
            case 415 -> "send multipart/form-data with one or more 'image' parts, or application/json "
                    + "{\"images\": [\"<base64>\", ...]}";
            case 400 -> "the request body cannot be read: " + e.getMessage();
            default -> e.getMessage();
        };
        return respond(status, title, detail, null);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("Unexpected failure in a request", e);
        return respond(500, "Internal error", "the embedder failed unexpectedly; see its log", null);
    }

    static Response respond(int status, String title, String detail, String field) {
        Response.ResponseBuilder response = Response.status(status);
        if (status == 503) {
            response.header("Retry-After", "1");
        }
        return response
                .type(PROBLEM_JSON)
                .entity(new Problem("about:blank", title, status, detail, field))
                .build();
    }
}
