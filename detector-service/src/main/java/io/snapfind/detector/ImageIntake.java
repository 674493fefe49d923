package io.snapfind.detector;

import io.snapfind.contracts.ProductImage;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageRejected;
import io.snapfind.imaging.fetch.FetchRefused;
import io.snapfind.imaging.fetch.SafeImageFetcher;

/**
 * Turns a product image reference into decoded pixels: inline bytes as they are, URLs through the SSRF-safe
 * fetcher; either way the bytes then pass the decoder's size, type and pixel checks. Blocking; thread-safe.
 */
public final class ImageIntake {

    public static final String STAGE_FETCH = "fetch";
    public static final String STAGE_DECODE = "decode";

    private final SafeImageFetcher fetcher;
    private final ImageDecoder decoder;

    public ImageIntake(SafeImageFetcher fetcher, ImageDecoder decoder) {
        this.fetcher = fetcher;
        this.decoder = decoder;
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
        try {
            return fetcher.fetch(url).bytes();
        } catch (FetchRefused e) {
            throw new IntakeFailure(STAGE_FETCH, e.code(), e.getMessage(), e);
        }
    }
}
