package io.snapfind.deploy.catalog;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@link CatalogImport.Gateway} over the gateway's HTTP API: {@code POST /v1/products}, {@code GET /v1/products/{id}}. */
public final class HttpGateway implements CatalogImport.Gateway {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HttpGateway(String url, String apiKey) {
        this.url = url.replaceAll("/+$", "");
        this.apiKey = apiKey;
    }

    @Override
    public CatalogImport.Published publish(CatalogImport.Upsert upsert) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/products"))
                .timeout(Duration.ofSeconds(30)).header("X-API-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(upsert))).build(),
                HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status == 202) {
            return CatalogImport.Published.accepted(Instant.parse(JSON.readTree(response.body()).path("occurredAt")
                    .asText()));
        }
        return CatalogImport.Published.refused(status, problem(response.body()), status == 503 || status == 429
                || status >= 500 && status != 501);
    }

    @Override
    public Optional<CatalogImport.Indexed> status(String productId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/products/"
                + URLEncoder.encode(productId, StandardCharsets.UTF_8).replace("+", "%20")))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("status of " + productId + " answered HTTP " + response.statusCode());
        }
        JsonNode status = JSON.readTree(response.body());
        if (!status.path("indexed").asBoolean()) {
            return Optional.empty();
        }
        Map<String, String> metadata = new HashMap<>();
        status.path("metadata").fields().forEachRemaining(f -> metadata.put(f.getKey(), f.getValue().asText()));
        return Optional.of(new CatalogImport.Indexed(Instant.parse(status.path("occurredAt").asText()), metadata));
    }

    /** A problem+json answer as "title: detail (field)", or the body's first line. */
    private static String problem(String body) {
        try {
            JsonNode problem = JSON.readTree(body);
            String detail = problem.path("title").asText("") + ": " + problem.path("detail").asText("");
            return problem.hasNonNull("field") ? detail + " (" + problem.path("field").asText() + ")" : detail;
        } catch (JsonProcessingException e) {
            return body == null ? "" : body.lines().findFirst().orElse("");
        }
    }
}
