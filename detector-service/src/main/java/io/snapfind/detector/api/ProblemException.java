package io.snapfind.detector.api;

/** An HTTP error that becomes an application/problem+json body. */
public class ProblemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String title;
    private final String reason;

    public ProblemException(int status, String title, String reason, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String reason() {
        return reason;
    }
}
