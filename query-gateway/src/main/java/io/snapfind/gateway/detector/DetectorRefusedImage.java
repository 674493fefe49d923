package io.snapfind.gateway.detector;

/**
 * The detector answered 4xx: this photo (or this request) is unusable, the detector itself is fine. Neither retried
 * nor counted by the circuit breaker, so a few bad uploads cannot switch object detection off for everyone.
 */
public final class DetectorRefusedImage extends RuntimeException {

    public DetectorRefusedImage(int status, Throwable cause) {
        super("the detector refused the photo with " + status, cause);
    }
}
