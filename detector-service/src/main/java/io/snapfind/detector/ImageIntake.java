package io.snapfind.detector;

import java.time.Duration;

import io.snapfind.contracts.ProductImage;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageRejected;
import io.snapfind.imaging.fetch.FetchRefused;
import io.snapfind.imaging.fetch.SafeImageFetcher;

/**
 * Turns a product image reference into decoded pixels: inline bytes as they are, URLs through the SSRF-safe
 * fetcher; either way the bytes then pass the decoder's size, type and pixel checks. A fetch that fails for a
 * reason that may pass (timeout, broken connection, 5xx, 429) is tried again after a doubling pause before the image
 * is given up. Blocking; thread-safe.
 */
public final class ImageIntake {

    public static final String STAGE_FETCH = "fetch";
    public static final String STAGE_DECODE = "decode";

    private static final System.Logger LOG = System.getLogger(ImageIntake.class.getName());

    private final SafeImageFetcher fetcher;
    private final ImageDecoder decoder;
    private final int retries;
    private final Duration firstPause;

    public ImageIntake(SafeImageFetcher fetcher, ImageDecoder decoder) {
        this(fetcher, decoder, 0, Duration.ZERO);
    }

    /** {@code retries} more attempts after a transient fetch failure, pausing {@code firstPause}, then twice as long. */
    public ImageIntake(SafeImageFetcher fetcher, ImageDecoder decoder, int retries, Duration firstPause) {
        if (retries < 0 || firstPause.isNegative()) {
            throw new IllegalArgumentException("retries and pause must not be negative");
        }
        this.fetcher = fetcher;
        this.decoder = decoder;
        this.retries = retries;
        this.firstPause = firstPause;
    }

    public DecodedImage obtain(ProductImage image) throws IntakeFailure {
        return decode(image.url() != null ? fetch(image.url()) : image.bytes());
    }

    /** Decodes bytes that arrived directly (inline or uploaded). */
    public DecodedImage decode(byte[] bytes) throws IntakeFailure {
        try {
            return decoder.decode(bytes);
        } catch (ImageRejected e) {
            throw new IntakeFailure(STAGE_DECODE, e.code(), e.getMessage(), e);
        }
    }

    private byte[] fetch(String url) throws IntakeFailure {
        Duration pause = firstPause;
        for (int attempt = 1;; attempt++) {
            try {
                return fetcher.fetch(url).bytes();
            } catch (FetchRefused e) {
                if (!e.isTransient() || attempt > retries) {
                    String tries = attempt > 1 ? " (after " + attempt + " attempts)" : "";
                    throw new IntakeFailure(STAGE_FETCH, e.code(), e.getMessage() + tries, e);
                }
                int failed = attempt;
                Duration wait = pause;
                LOG.log(System.Logger.Level.INFO, () -> String.format("Fetch attempt %d failed (%s: %s); retrying in %d ms",
                        failed, e.code(), e.getMessage(), wait.toMillis()));
                sleep(pause);
                pause = pause.multipliedBy(2);
            }
        }
    }

    private static void sleep(Duration pause) throws IntakeFailure {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntakeFailure(STAGE_FETCH, "interrupted", "interrupted while waiting to retry a fetch", e);
        }
    }
}
