package io.snapfind.embedder.rest;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.snapfind.support.problem.Problem;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.Response;

/**
 * The embedder's own wording of two framework errors, saying what to send; every other failure is mapped by
 * service-support's ProblemMappers (these types are more specific, so they win).
 */
public class EmbedderProblemMappers {

    @ServerExceptionMapper
    public Response unsupportedMediaType(NotSupportedException e) {
        return Problem.response(415, "Unsupported Media Type", "send multipart/form-data with one or more 'image' "
                + "parts, or application/json {\"images\": [\"<base64>\", ...]}");
    }

    @ServerExceptionMapper
    public Response unreadableBody(BadRequestException e) {
        return Problem.response(400, "Bad Request", "the request body cannot be read: " + e.getMessage());
    }
}
