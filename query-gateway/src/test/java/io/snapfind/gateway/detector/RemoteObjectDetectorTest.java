package io.snapfind.gateway.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionException;

import org.jboss.resteasy.reactive.ClientWebApplicationException;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.snapfind.gateway.Detections;
import io.snapfind.gateway.detector.DetectorClient.DetectResponse;

class RemoteObjectDetectorTest {

    @Test
    void aRefusedPhotoIsTheDetectorsVerdictNotAnOutage() {
        Throwable refused = assertThrows(CompletionException.class, () -> new RemoteObjectDetector(
                (crops, image) -> Uni.createFrom().failure(new ClientWebApplicationException(422)))
                .detect(new byte[] { 1 }, 8).toCompletableFuture().join()).getCause();
        assertInstanceOf(DetectorRefusedImage.class, refused, "neither retried nor counted by the circuit breaker");

        Throwable down = assertThrows(CompletionException.class, () -> new RemoteObjectDetector(
                (crops, image) -> Uni.createFrom().failure(new ClientWebApplicationException(503)))
                .detect(new byte[] { 1 }, 8).toCompletableFuture().join()).getCause();
        assertInstanceOf(ClientWebApplicationException.class, down, "an outage stays an outage");
    }

    @Test
    void cropsComeBackAsBytesNextToTheirObjects() {
        byte[] jpeg = { 9, 8, 7 };
        DetectResponse.Box box = new DetectResponse.Box(1, 2, 30, 40);
        Detections detections = new RemoteObjectDetector((crops, image) -> Uni.createFrom().item(new DetectResponse(
                100, 50, List.of(new DetectResponse.Detection("chair", 0.9f, box, box,
                        Base64.getEncoder().encodeToString(jpeg)),
                        new DetectResponse.Detection("cup", 0.3f, box, null, null)))))
                .detect(new byte[] { 1 }, 1).toCompletableFuture().join();
        assertEquals(2, detections.objects().size());
        assertArrayEquals(jpeg, detections.crops().get(0));
        assertNull(detections.crops().get(1));
    }
}
