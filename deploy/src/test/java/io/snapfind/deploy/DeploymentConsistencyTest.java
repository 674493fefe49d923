package io.snapfind.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.snapfind.harness.ProjectPaths;

/**
 * The deployment files agree with the services' own configuration: images, ports, environment variable names,
 * topics, consumer groups, health and metrics paths (ManifestConsistency). Each check is shown to fail on a copy of
 * the valid fixture broken in one place.
 */
class DeploymentConsistencyTest {

    private static final Path COMPOSE = ProjectPaths.root().resolve("deploy/docker-compose.yml");
    private static ManifestConsistency consistency;
    private static List<JsonNode> fixture;

    @BeforeAll
    static void read() throws IOException {
        String version = System.getProperty("snapfind.version");
        assertTrue(version != null, "the snapfind.version system property (deploy/pom.xml's surefire settings)");
        consistency = new ManifestConsistency(version);
        fixture = ManifestTools.render(ProjectPaths.root().resolve("deploy/src/test/resources/k8s/valid"));
    }

    static List<Path> overlays() throws IOException {
        return DeploymentManifestsTest.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyOverlayAgreesWithTheServices(Path overlay) throws IOException {
        List<JsonNode> objects = ManifestTools.render(overlay);
        assertEquals(List.of(), consistency.kubernetesProblems(objects), overlay.toString());
        for (String module : ServiceConfiguration.MODULES) {
            // The service's own Deployment, named after it (a re-index adds others of the same image).
            JsonNode deployment = objects.stream().filter(o -> o.path("kind").asText().equals("Deployment")
                    && o.at("/metadata/name").asText().equals(module)
                    && o.at("/spec/template/spec/containers/0/image").asText().matches("snapfind/" + module
                            + "(-cuda)?:.*"))
                    .findFirst().orElseThrow(() -> new AssertionError(overlay + " has no Deployment of " + module));
            JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
            assertTrue(objects.stream().anyMatch(o -> o.path("kind").asText().equals("Service")
                    && !o.at("/spec/selector").isEmpty() && selects(o.at("/spec/selector"), podLabels)),
                    overlay + " has no Service for " + module);
        }
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        for (var it = selector.fields(); it.hasNext();) {
            var label = it.next();
            if (!labels.path(label.getKey()).asText().equals(label.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    @Test
    void theComposeFileAgreesWithTheServices() throws IOException {
        assertEquals(List.of(), consistency.composeProblems(compose()));
    }

    @Test
    void theValidFixtureAgrees() {
        assertEquals(List.of(), consistency.kubernetesProblems(fixture));
    }

    @Test
    void aWrongImageIsReported() {
        assertReported("is not tagged", o -> container(o, "embedder-service").put("image",
                "snapfind/embedder-service:0.0.9"));
        assertReported("is not snapfind/<service>:<tag>", o -> container(o, "embedder-service").put("image",
                "snapfind/embeder-service:0.1.0"));
    }

    @Test
    void aWrongPortIsReported() {
        assertReported("containerPort 9082 is not embedder-service's quarkus.http.port 8082",
                o -> ((ObjectNode) container(o, "embedder-service").path("ports").get(0)).put("containerPort", 9082));
    }

    @Test
    void aMisspeltEnvironmentVariableIsReported() {
        // SNAPFIND_EMBEDDER_BUILT_MODELS_DIR is valid only through EmbedderConfig (a key with no line in
        // application.properties); one letter less must fail.
        assertReported("environment variable SNAPFIND_EMBEDDER_BUILT_MODEL_DIR sets no configuration key", o ->
                ((ObjectNode) container(o, "embedder-service").path("env").get(1))
                        .put("name", "SNAPFIND_EMBEDDER_BUILT_MODEL_DIR"));
        assertReported("ConfigMap snapfind-config: environment variable SNAPFIND_MILVUS_URL", o ->
                ((ObjectNode) named(o, "ConfigMap", "snapfind-config").path("data")).put("SNAPFIND_MILVUS_URL", "x"));
    }

    @Test
    void aWrongProbeIsReported() {
        assertReported("readinessProbe path /q/health is not /q/health/ready", o -> ((ObjectNode) container(o,
                "embedder-service").at("/readinessProbe/httpGet")).put("path", "/q/health"));
        assertReported("livenessProbe port 8080 is not the HTTP port 8082", o -> ((ObjectNode) container(o,
                "embedder-service").at("/livenessProbe/httpGet")).put("port", 8080));
        assertReported("no livenessProbe", o -> container(o, "indexer-service").remove("livenessProbe"));
    }

    @Test
    void aWrongTopicIsReported() {
        assertReported("images.crop is not a topic of the contracts", o -> ((ObjectNode) named(o, "KafkaTopic",
                "images-crops").path("spec")).put("topicName", "images.crop"));
        assertReported("the Kafka cluster has no KafkaTopic for [images.vectors.dlq]",
                o -> o.removeIf(t -> t.at("/metadata/name").asText().equals("images.vectors.dlq")));
        assertReported("topic images.vector is not a topic of the contracts", o -> trigger(o).put("topic",
                "images.vector"));
    }

    @Test
    void aWrongConsumerGroupIsReported() {
        assertReported("consumerGroup embedder is not embedder-service's consumer group", o -> trigger(o)
                .put("consumerGroup", "embedder"));
    }

    @Test
    void aWrongMetricsPathIsReported() {
        assertReported("path /metrics is not the services' metrics path", o -> ((ObjectNode) named(o,
                "ServiceMonitor", "snapfind").at("/spec/endpoints/0")).put("path", "/metrics"));
    }

    @Test
    void aBrokenComposeFileIsReported() throws IOException {
        ObjectNode wrongPort = compose();
        ((ArrayNode) wrongPort.at("/services/query-gateway/ports")).removeAll().add("8080:8090");
        assertContains(consistency.composeProblems(wrongPort), "container port 8080:8090 is not query-gateway's");

        ObjectNode misspelt = compose();
        ((ObjectNode) misspelt.at("/services/detector-service/environment")).put("SNAPFIND_DETECTOR_MODEL_DIR", "x");
        assertContains(consistency.composeProblems(misspelt), "SNAPFIND_DETECTOR_MODEL_DIR sets no configuration key");

        ObjectNode missingTopic = compose();
        ArrayNode command = (ArrayNode) missingTopic.at("/services/kafka-topics/command");
        command.set(0, command.get(0).asText().replace(" images.vectors.dlq", ""));
        assertContains(consistency.composeProblems(missingTopic), "compose service kafka-topics creates");
    }

    private static void assertReported(String expected, Consumer<List<JsonNode>> breakIt) {
        List<JsonNode> broken = new java.util.ArrayList<>();
        fixture.forEach(o -> broken.add(o.deepCopy()));
        breakIt.accept(broken);
        assertContains(consistency.kubernetesProblems(broken), expected);
    }

    private static void assertContains(List<String> problems, String expected) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), "expected \"" + expected + "\" in "
                + problems);
    }

    private static JsonNode named(List<JsonNode> objects, String kind, String name) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)
                && o.at("/metadata/name").asText().equals(name)).findFirst().orElseThrow();
    }

    private static ObjectNode container(List<JsonNode> objects, String deployment) {
        return (ObjectNode) named(objects, "Deployment", deployment).at("/spec/template/spec/containers/0");
    }

    private static ObjectNode trigger(List<JsonNode> objects) {
        return (ObjectNode) named(objects, "ScaledObject", "embedder-service").at("/spec/triggers/0/metadata");
    }

    private static ObjectNode compose() throws IOException {
        return (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
    }
}
