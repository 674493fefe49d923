package io.snapfind.imaging;

import java.util.Locale;

/** Why an input is not accepted as an image; {@link #code()} is the reason used in metrics and dead letters. */
public final class ImageRejected extends Exception {

    public enum Reason {
        EMPTY(422), TOO_LARGE(413), NOT_AN_IMAGE(415), UNSUPPORTED_FORMAT(415), TOO_MANY_PIXELS(413), CORRUPT(422);

        private final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }
    }

    private final Reason reason;

    public ImageRejected(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImageRejected(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Kebab-case reason, e.g. {@code not-an-image}. */
    public String code() {
        return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public int httpStatus() {
        return reason.httpStatus;
    }
}
