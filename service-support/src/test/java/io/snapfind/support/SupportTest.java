package io.snapfind.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.EventCodec;
import io.snapfind.support.deadletter.DeadLetterPublisher;
import io.snapfind.support.health.ModelReadiness;
import io.snapfind.support.problem.ProblemException;
import io.snapfind.support.security.ApiKeyCheck;

class SupportTest {

    private record Sent(String topic, String key, byte[] value) {
    }

    @Test
    void theApiKeyIsRequiredAndOnlyTheConfiguredOneIsAccepted() {
        ApiKeyCheck check = new ApiKeyCheck("X-API-Key", Optional.of("s3cret"), "Ingest disabled", "configure it");
        check.require("s3cret");
        for (String wrong : new String[] { null, "", "s3cre", "s3cret ", "S3CRET" }) {
            ProblemException refused = assertThrows(ProblemException.class, () -> check.require(wrong));
            assertEquals(401, refused.status());
            assertEquals("send a valid X-API-Key header", refused.getMessage(), "the key is never echoed");
        }
    }

    @Test
    void withoutAConfiguredKeyTheApiIsOff() {
        for (Optional<String> none : List.of(Optional.<String>empty(), Optional.of("  "))) {
            ApiKeyCheck check = new ApiKeyCheck("X-Admin-Key", none, "Admin API disabled", "set snapfind.x");
            ProblemException refused = assertThrows(ProblemException.class, () -> check.require("  "));
            assertEquals(401, refused.status());
            assertEquals("Admin API disabled", refused.title());
        }
    }

    @Test
    void aDeadLetterGoesToTheSourcesDlqKeyedLikeTheRecordWithItsOriginal() {
        List<Sent> sent = new ArrayList<>();
        DeadLetterPublisher publisher = new DeadLetterPublisher((topic, key, value) -> {
            sent.add(new Sent(topic, key, value));
            return CompletableFuture.completedFuture(null);
        });
        byte[] original = "{not json".getBytes();
        publisher.publishAll(List.of(letter(original)), Duration.ofSeconds(1));
        assertEquals(1, sent.size());
        assertEquals("catalog.products.dlq", sent.get(0).topic());
        assertEquals("p-1", sent.get(0).key());
        DeadLetter read = new EventCodec(2 * EventCodec.DEFAULT_MAX_PAYLOAD_BYTES).decodeDeadLetter(sent.get(0).value());
        assertArrayEquals(original, read.originalValue());
        assertEquals("malformed-event", read.reason());
    }

    @Test
    void anOriginalTooLargeForTheTopicIsLeftOutAndTheDetailSaysWhereItIs() {
        List<Sent> sent = new ArrayList<>();
        DeadLetterPublisher publisher = new DeadLetterPublisher((topic, key, value) -> {
            sent.add(new Sent(topic, key, value));
            return CompletableFuture.completedFuture(null);
        });
        publisher.publishAll(List.of(letter(new byte[15 * 1024 * 1024])), Duration.ofSeconds(5));
        assertTrue(sent.get(0).value().length < 20 * 1024 * 1024, "fits the 20 MiB record limit");
        DeadLetter read = new EventCodec(2 * EventCodec.DEFAULT_MAX_PAYLOAD_BYTES).decodeDeadLetter(sent.get(0).value());
        assertNull(read.originalValue());
        assertTrue(read.detail().contains("left out") && read.detail().contains("catalog.products/3@42"),
                read.detail());
    }

    @Test
    void aFailedSendIsReportedSoTheSourceIsNotCommitted() {
        DeadLetterPublisher publisher = new DeadLetterPublisher(
                (topic, key, value) -> CompletableFuture.failedFuture(new IllegalStateException("broker down")));
        DeadLetterPublisher.DeadLetterUnavailableException failure = assertThrows(
                DeadLetterPublisher.DeadLetterUnavailableException.class,
                () -> publisher.publishAll(List.of(letter(new byte[] { 1 })), Duration.ofSeconds(1)));
        assertTrue(failure.getMessage().contains("broker down"), failure.getMessage());
        DeadLetterPublisher never = new DeadLetterPublisher((topic, key, value) -> new CompletableFuture<>());
        assertThrows(DeadLetterPublisher.DeadLetterUnavailableException.class,
                () -> never.publishAll(List.of(letter(new byte[] { 1 })), Duration.ofMillis(50)));
    }

    @Test
    void modelReadinessIsUpWithWhatIsLoadedAndDownWhenItCannotSay() {
        HealthCheckResponse up = new ModelReadiness("test-model", () -> Map.of("model", "m", "dimension", 1280))
                .call();
        assertEquals(HealthCheckResponse.Status.UP, up.getStatus());
        assertEquals("m", up.getData().orElseThrow().get("model"));
        assertEquals(1280L, up.getData().orElseThrow().get("dimension"));
        HealthCheckResponse down = new ModelReadiness("test-model", () -> {
            throw new IllegalStateException("not loaded");
        }).call();
        assertEquals(HealthCheckResponse.Status.DOWN, down.getStatus());
        assertEquals("not loaded", down.getData().orElseThrow().get("error"));
    }

    private static DeadLetter letter(byte[] original) {
        return DeadLetter.of("detector.event", "malformed-event", "cannot parse", "catalog.products", 3, 42, "p-1",
                original, "p-1", null, Instant.parse("2026-12-01T00:00:00Z"));
    }
}
