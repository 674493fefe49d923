package io.snapfind.detector.rest;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Jackson refuses strings over 20 M characters by default, but a base64 image at the 20 MiB limit is about 28 M:
 * the image limit, not Jackson's, must decide. The HTTP body limit (quarkus.http.limits.max-body-size) still bounds it.
 */
@Singleton
public class JsonLimits implements ObjectMapperCustomizer {

    static final int MAX_STRING_CHARS = 32 * 1024 * 1024;

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.defaults().rebuild()
                .maxStringLength(MAX_STRING_CHARS).build());
    }
}
