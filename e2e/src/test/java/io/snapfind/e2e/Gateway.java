package io.snapfind.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small HTTP client for the gateway, as a catalog system and a shopper would use it. */
public final class Gateway {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Gateway(String url, String apiKey) {
        this.url = url;
        this.apiKey = apiKey;
    }

    /** Publishes a product with one inline image; returns once the broker has it. */
    public void upsert(String productId, String category, String title, Path image) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("productId", productId, "category", category, "title", title,
                "images", List.of(Map.of("imageId", "main",
                        "bytes", Base64.getEncoder().encodeToString(Files.readAllBytes(image))))));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/products"))
                .header("X-API-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("ingest of " + productId + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Whether the gateway reports the product as searchable. */
    public boolean isIndexed(String productId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/products/" + productId))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 && JSON.readTree(response.body()).path("indexed").asBoolean();
    }

    /** Deletes a product; returns once the broker has the event. */
    public void delete(String productId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/products/" + productId))
                .header("X-API-Key", apiKey).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("delete of " + productId + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** The gateway's view of a product: indexed, rows, modelId, collection. */
    JsonNode status(String productId) throws IOException, InterruptedException {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url + "/v1/products/" + productId))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Searches with a photo sent as raw bytes, whatever the answer. */
    HttpResponse<String> trySearch(Path photo, String query) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/v1/search?" + query))
                .header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofFile(photo)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Searches with a photo sent as raw bytes. */
    public JsonNode search(Path photo, String query) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/search?" + query))
                .header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofFile(photo)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("search answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** A GET of a path of the gateway (e.g. a picture), whatever the answer. */
    HttpResponse<byte[]> get(String path, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).GET();
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** {@code POST /v1/explain} as the web page sends it: the photo, the result's query box and the hit. */
    HttpResponse<String> explain(Path photo, String box, String productId, String cropId)
            throws IOException, InterruptedException {
        String boundary = "snapfind-" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<String, String> fields = new LinkedHashMap<>();
        if (box != null) {
            fields.put("box", box);
        }
        fields.put("productId", productId);
        fields.put("cropId", cropId);
        for (Map.Entry<String, String> field : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"photo.jpg\""
                + "\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(photo));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(url + "/v1/explain"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
