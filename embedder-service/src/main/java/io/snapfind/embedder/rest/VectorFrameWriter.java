package io.snapfind.embedder.rest;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import io.snapfind.contracts.VectorFrame;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;

/** {@code POST /v1/embed}'s answer as a binary {@link VectorFrame}, for a client whose {@code Accept} asks for it. */
@Provider
@Produces(VectorFrame.MEDIA_TYPE)
public class VectorFrameWriter implements MessageBodyWriter<EmbedResource.EmbedResponse> {

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == EmbedResource.EmbedResponse.class;
    }

    @Override
    public void writeTo(EmbedResource.EmbedResponse response, Class<?> type, Type genericType, Annotation[] annotations,
            MediaType mediaType, MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        out.write(new VectorFrame(response.modelId(), response.dimension(), response.vectors()).encode());
    }
}
