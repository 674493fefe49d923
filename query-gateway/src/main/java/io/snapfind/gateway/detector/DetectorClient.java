package io.snapfind.gateway.detector;

import java.util.List;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The detector service's {@code POST /v1/detect}; its address is {@code quarkus.rest-client.detector.url}. */
@RegisterRestClient(configKey = "detector")
@Path("/v1/detect")
public interface DetectorClient {

    record DetectResponse(int width, int height, List<Detection> detections) {
        /** {@code cropBox} and {@code crop} (base64 JPEG) only for the detections whose crops were asked for. */
        public record Detection(String label, float score, Box box, Box cropBox, String crop) {
        }

        public record Box(int x1, int y1, int x2, int y2) {
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<DetectResponse> detect(@QueryParam("crops") int crops, byte[] image);
}
