package io.snapfind.detector;

/**
 * Why one product image could not be turned into crops. {@code stage} is the step that failed ({@code fetch},
 * {@code decode} or {@code detect}) and {@code reason} a kebab-case code such as {@code address-not-allowed} or
 * {@code too-many-pixels}; both go to the dead letter and the failure metric.
 */
public final class IntakeFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final String stage;
    private final String reason;

    public IntakeFailure(String stage, String reason, String detail, Throwable cause) {
        super(detail, cause);
        this.stage = stage;
        this.reason = reason;
    }

    public String stage() {
        return stage;
    }

    public String reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
