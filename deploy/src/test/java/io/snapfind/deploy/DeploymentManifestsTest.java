package io.snapfind.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.snapfind.harness.ProjectPaths;

/**
 * Every Kubernetes overlay renders with kustomize and every object it renders follows its schema: the Kubernetes API
 * schemas, the Strimzi, KEDA and prometheus-operator CRD schemas (deploy/validation), unknown fields rejected as
 * {@code kubectl apply} does, an object of any other kind rejected. The Milvus Operator's CRD is served by no package
 * registry: Milvus objects are checked only against the fields the operator's documentation gives.
 */
class DeploymentManifestsTest {

    static final Path K8S = ProjectPaths.root().resolve("deploy/k8s");
    private static final Path FIXTURES = ProjectPaths.root().resolve("deploy/src/test/resources/k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Each directory under deploy/k8s/overlays. */
    static List<Path> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml"))).sorted().toList();
        }
    }

    @Test
    void theOverlaysExist() throws IOException {
        List<String> names = overlays().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("dev", "prod-gpu")), "overlays dev and prod-gpu, found " + names);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyOverlayRendersAndEveryObjectFollowsItsSchema(Path overlay) throws IOException {
        List<JsonNode> objects = ManifestTools.render(overlay);
        assertFalse(objects.isEmpty(), overlay + " renders no object");
        assertEquals(List.of(), problems(objects), overlay.toString());
    }

    @Test
    void theFixtureWithOneObjectOfEachKindPasses() throws IOException {
        List<JsonNode> objects = ManifestTools.render(FIXTURES.resolve("valid"));
        List<String> kinds = objects.stream().map(o -> o.path("kind").asText()).distinct().toList();
        assertTrue(kinds.containsAll(List.of("Deployment", "Service", "ConfigMap", "Secret", "PersistentVolumeClaim",
                "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "Kafka",
                "KafkaNodePool", "KafkaTopic", "ScaledObject", "Milvus")), kinds.toString());
        assertEquals(List.of(), problems(objects));
    }

    @Test
    void everyBrokenObjectIsReported() throws IOException {
        List<JsonNode> broken = readAll(FIXTURES.resolve("broken-schema.yaml"));
        List<String> problems = problems(broken);
        for (JsonNode object : broken) {
            String name = object.at("/metadata/name").asText();
            assertTrue(problems.stream().anyMatch(p -> p.contains(" " + name + ": ")),
                    "no problem reported for " + name + " in " + problems);
        }
    }

    @Test
    void aKustomizationThatDoesNotBuildFails() {
        AssertionError failure = assertThrows(AssertionError.class,
                () -> ManifestTools.render(FIXTURES.resolve("broken-render")));
        assertTrue(failure.getMessage().contains("missing.yaml"), failure.getMessage());
    }

    private static List<String> problems(List<JsonNode> objects) throws IOException {
        List<JsonNode> milvus = objects.stream().filter(o -> o.path("apiVersion").asText().startsWith("milvus.io/"))
                .toList();
        List<String> problems = new ArrayList<>(ManifestTools.schemaProblems(
                objects.stream().filter(o -> !milvus.contains(o)).toList()));
        for (JsonNode object : milvus) {
            milvusSchema().validate(object).forEach(error -> problems.add(object.path("apiVersion").asText() + " "
                    + object.path("kind").asText() + " " + object.at("/metadata/name").asText() + ": " + error
                    + " (checked against the documented fields only, not the Milvus CRD schema)"));
        }
        return problems;
    }

    private static Schema milvusSchema() throws IOException {
        Path file = ProjectPaths.root().resolve("deploy/validation/milvus-v1beta1.schema.json");
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(SchemaLocation.of(file.toUri().toString()), new ObjectMapper().readTree(file.toFile()));
    }

    static List<JsonNode> readAll(Path yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml.toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        return documents;
    }
}
