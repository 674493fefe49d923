package io.snapfind.contracts;

import static io.snapfind.contracts.ContractViolation.invalid;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * One image of a product, either linked by an http(s) {@code url} or inlined as {@code bytes} (base64 in JSON).
 * Only the scheme is checked here; whether a host may be fetched (SSRF) is the fetching service's call.
 */
public record ProductImage(String imageId, String url, byte[] bytes) {

    public ProductImage {
        Check.nonBlank(imageId, "imageId");
        if (url != null && bytes != null) {
            throw invalid("url", "url and bytes are mutually exclusive");
        }
        if (url == null && bytes == null) {
            throw new ContractViolation("url", ContractViolation.Kind.MISSING_FIELD, "either url or bytes is required");
        }
        if (url != null) {
            requireHttpUrl(url);
        } else {
            bytes = Check.nonEmpty(bytes, "bytes");
        }
    }

    public static ProductImage ofUrl(String imageId, String url) {
        return new ProductImage(imageId, url, null);
    }

    public static ProductImage ofBytes(String imageId, byte[] bytes) {
        return new ProductImage(imageId, null, bytes);
    }

    @Override
    public byte[] bytes() {
        return bytes == null ? null : bytes.clone();
    }

    private static void requireHttpUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid("url", "not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw invalid("url", "must be an absolute http or https URL");
        }
        if (uri.getRawAuthority() == null) {
            throw invalid("url", "must name a host");
        }
    }
}
