package io.snapfind.gateway.embedder;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import io.snapfind.contracts.VectorFrame;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;

/** Reads the embedder's binary answer ({@link VectorFrame}) for {@link EmbedderClient}. */
@Consumes(VectorFrame.MEDIA_TYPE)
public class VectorFrameReader implements MessageBodyReader<VectorFrame> {

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == VectorFrame.class;
    }

    @Override
    public VectorFrame readFrom(Class<VectorFrame> type, Type genericType, Annotation[] annotations,
            MediaType mediaType, MultivaluedMap<String, String> headers, InputStream body) throws IOException {
        try {
            return VectorFrame.decode(body.readAllBytes());
        } catch (IllegalArgumentException e) {
            throw new ProcessingException("the embedder's vector frame is unreadable: " + e.getMessage(), e);
        }
    }
}
