package io.snapfind.support.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

import io.snapfind.support.problem.ProblemException;

/**
 * Guards an API with one shared secret sent in a header. The key is compared in constant time (both sides hashed
 * first, so not even its length leaks through response times) and is never logged or echoed.
 */
public final class ApiKeyCheck {

    private final String header;
    private final byte[] expectedDigest;
    private final String disabledTitle;
    private final String disabledDetail;

    /**
     * @param expected the configured key; empty or blank disables the API (every request answers 401)
     * @param disabledTitle and {@code disabledDetail} say so, naming the setting to configure
     */
    public ApiKeyCheck(String header, Optional<String> expected, String disabledTitle, String disabledDetail) {
        this.header = header;
        this.expectedDigest = expected.filter(key -> !key.isBlank()).map(ApiKeyCheck::digest).orElse(null);
        this.disabledTitle = disabledTitle;
        this.disabledDetail = disabledDetail;
    }

    public String header() {
        return header;
    }

    /** @throws ProblemException 401 when no key is configured or {@code presented} is not it */
    public void require(String presented) {
        if (expectedDigest == null) {
            throw new ProblemException(401, disabledTitle, disabledDetail);
        }
        if (presented == null || !MessageDigest.isEqual(expectedDigest, digest(presented))) {
            throw new ProblemException(401, "Unauthorized", "send a valid " + header + " header");
        }
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
