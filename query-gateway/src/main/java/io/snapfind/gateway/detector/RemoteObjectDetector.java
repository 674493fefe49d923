package io.snapfind.gateway.detector;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.ClientWebApplicationException;

import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.snapfind.gateway.DetectedObject;
import io.snapfind.gateway.Detections;
import io.snapfind.gateway.ObjectDetector;
import io.snapfind.gateway.Region;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Calls the detector service. Detection has no side effects, so one retry is safe; the circuit breaker stops calling
 * a detector that keeps failing, and the search degrades to the whole image meanwhile. A 4xx answer is about the
 * photo, not the detector: it is neither retried nor counted (the gateway's own decoding then explains the error).
 */
@ApplicationScoped
public class RemoteObjectDetector implements ObjectDetector {

    private final DetectorClient client;

    RemoteObjectDetector(@RestClient DetectorClient client) {
        this.client = client;
    }

    @Override
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 50, abortOn = DetectorRefusedImage.class)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS,
            skipOn = DetectorRefusedImage.class)
    @AsynchronousNonBlocking
    public CompletionStage<Detections> detect(byte[] image, int crops) {
        return client.detect(crops, image)
                .onFailure(RemoteObjectDetector::isRefusal)
                .transform(failure -> new DetectorRefusedImage(
                        ((ClientWebApplicationException) failure).getResponse().getStatus(), failure))
                .map(response -> {
                    List<DetectedObject> objects = new ArrayList<>();
                    List<byte[]> cropBytes = new ArrayList<>();
                    for (DetectorClient.DetectResponse.Detection d : response.detections()) {
                        objects.add(new DetectedObject(d.label(), d.score(),
                                new Region(d.box().x1(), d.box().y1(), d.box().x2(), d.box().y2())));
                        cropBytes.add(d.crop() == null ? null : Base64.getDecoder().decode(d.crop()));
                    }
                    return new Detections(response.width(), response.height(), objects, cropBytes);
                })
                .subscribeAsCompletionStage();
    }

    private static boolean isRefusal(Throwable failure) {
        return failure instanceof ClientWebApplicationException e && e.getResponse().getStatus() < 500;
    }
}
