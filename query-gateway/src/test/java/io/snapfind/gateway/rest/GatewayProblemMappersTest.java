package io.snapfind.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.resteasy.reactive.ClientWebApplicationException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.junit.jupiter.api.Test;

import io.snapfind.support.problem.Problem;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;

class GatewayProblemMappersTest {

    private final GatewayProblemMappers mappers = new GatewayProblemMappers();

    @Test
    void aSearchServiceThatIsDownOrSlowIsA503() {
        assertProblem(503, mappers.serviceDown(new CircuitBreakerOpenException("circuit open")));
        assertProblem(503, mappers.serviceDown(new TimeoutException("3 s")));
        assertProblem(503, mappers.serviceUnreachable(new ProcessingException("Connection refused")));
        assertProblem(503, mappers.serviceUnreachable(new java.net.ConnectException("Connection refused")));
        // A service that stops while a request is in flight resets the connection: a plain IOException, no runtime
        // one. Which exceptions reach serviceUnreachable is its annotation's list, so that list is what is checked.
        assertProblem(503, mappers.serviceUnreachable(new java.io.IOException("Connection reset")));
        Class<?>[] mapped = assertDoesNotThrow(() -> GatewayProblemMappers.class
                .getMethod("serviceUnreachable", Exception.class)).getAnnotation(ServerExceptionMapper.class).value();
        for (Class<?> failure : List.of(java.io.IOException.class, java.net.ConnectException.class,
                java.net.SocketException.class, ProcessingException.class)) {
            assertTrue(Arrays.stream(mapped).anyMatch(type -> type.isAssignableFrom(failure)), failure + " is mapped");
        }
        assertProblem(503, mappers.serviceFailed(new ClientWebApplicationException(503)));
    }

    @Test
    void aSearchServiceRefusingTheGatewaysRequestIsABadGateway() {
        assertProblem(502, mappers.serviceFailed(new ClientWebApplicationException(400)));
    }

    private static void assertProblem(int status, Response response) {
        assertEquals(status, response.getStatus());
        assertEquals(Problem.MEDIA_TYPE, response.getMediaType().toString());
        assertEquals(status, ((Problem) response.getEntity()).status());
    }
}
