package io.snapfind.gateway.embedder;

import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.snapfind.gateway.CropEmbedder;
import jakarta.enterprise.context.ApplicationScoped;

/** Calls the embedder service; embedding has no side effects, so one retry is safe. */
@ApplicationScoped
public class RemoteCropEmbedder implements CropEmbedder {

    private final EmbedderClient client;

    RemoteCropEmbedder(@RestClient EmbedderClient client) {
        this.client = client;
    }

    @Override
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 50)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS)
    @AsynchronousNonBlocking
    public CompletionStage<Embeddings> embed(List<byte[]> jpegs) {
        Base64.Encoder base64 = Base64.getEncoder();
        return client.embed(new EmbedderClient.EmbedRequest(jpegs.stream().map(base64::encodeToString).toList()))
                .map(response -> {
                    if (response.vectors().size() != jpegs.size()) {
                        throw new IllegalStateException("the embedder returned " + response.vectors().size()
                                + " vectors for " + jpegs.size() + " images");
                    }
                    return new Embeddings(response.modelId(), response.vectors());
                })
                .subscribeAsCompletionStage();
    }
}
