package io.snapfind.support.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

import jakarta.ws.rs.core.Response;

/**
 * The body of every error response (RFC 9457). {@code field} and {@code reason} are left out when absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field, String reason) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /**
     * A problem+json response; a 503 also says when to come back (1 s unless {@code retryAfterSeconds} says), so
     * clients back off instead of hammering.
     */
    public static Response response(int status, String title, String detail, String field, String reason,
            Long retryAfterSeconds) {
        Response.ResponseBuilder response = Response.status(status);
        if (retryAfterSeconds != null) {
            response.header("Retry-After", retryAfterSeconds.toString());
        } else if (status == 503) {
            response.header("Retry-After", "1");
        }
        return response.type(MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail, field, reason))
                .build();
    }

    public static Response response(int status, String title, String detail, String field, String reason) {
        return response(status, title, detail, field, reason, null);
    }

    public static Response response(int status, String title, String detail) {
        return response(status, title, detail, null, null);
    }
}
