package io.snapfind.imaging.fetch;

import java.net.URI;

import io.snapfind.imaging.ImageFormat;

/** The body of a successful fetch, its type as the magic bytes say, and the URL it finally came from. */
public record FetchedImage(byte[] bytes, ImageFormat format, URI finalUrl) {

    public FetchedImage {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }
}
