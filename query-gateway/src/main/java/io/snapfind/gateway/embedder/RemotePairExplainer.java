package io.snapfind.gateway.embedder;

import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.snapfind.gateway.MatchExplainer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Calls the embedder's explain endpoint. No retry and no circuit breaker of its own: an explanation is asked for by
 * a person, one at a time, and the first one waits for the embedder to load its feature-map session.
 */
@ApplicationScoped
public class RemotePairExplainer implements MatchExplainer.PairExplainer {

    private final ExplainClient client;

    RemotePairExplainer(@RestClient ExplainClient client) {
        this.client = client;
    }

    @Override
    @Timeout(value = 20, unit = ChronoUnit.SECONDS)
    @AsynchronousNonBlocking
    public CompletionStage<MatchExplainer.PairExplanation> explain(byte[] query, byte[] match) {
        Base64.Encoder base64 = Base64.getEncoder();
        return client.explain(new ExplainClient.ExplainRequest(base64.encodeToString(query), base64.encodeToString(match)))
                .subscribeAsCompletionStage();
    }
}
