package io.snapfind.gateway.health;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** The readiness endpoints of the services search calls, at the addresses search uses. */
final class ServiceHealthClients {

    private ServiceHealthClients() {
    }

    @RegisterRestClient(configKey = "embedder")
    @Path("/q/health/ready")
    interface Embedder {
        @GET
        Uni<Response> ready();
    }

    @RegisterRestClient(configKey = "detector")
    @Path("/q/health/ready")
    interface Detector {
        @GET
        Uni<Response> ready();
    }
}
