package io.snapfind.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.snapfind.harness.ProjectPaths;

/** The deployment files parse and follow their schemas, so a broken edit is caught without Docker or a cluster. */
class DeploymentFilesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SERVICES = Set.of("detector-service", "embedder-service", "indexer-service",
            "query-gateway");

    @Test
    void composeFileFollowsTheComposeSpecification() throws IOException {
        JsonNode compose = YAML.readTree(ProjectPaths.root().resolve("deploy/docker-compose.yml").toFile());
        Path schemaFile = ProjectPaths.asset("schemas/compose-spec.json");
        // The schema's $id is relative ("compose_spec.json"), so it needs the file's own location as its base.
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(SchemaLocation.of(schemaFile.toUri().toString()), new ObjectMapper().readTree(schemaFile.toFile()));
        assertEquals(List.of(), schema.validate(compose));
        for (String service : SERVICES) {
            assertTrue(compose.path("services").has(service), "compose runs " + service);
        }
    }

    @Test
    void everyServiceHasAKubernetesDeploymentWithHealthProbes() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(ProjectPaths.root().resolve("deploy/k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
                    YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
                }
            }
        }
        for (String service : SERVICES) {
            JsonNode deployment = documents.stream()
                    .filter(d -> d.path("kind").asText().equals("Deployment")
                            && d.path("metadata").path("name").asText().equals(service))
                    .findFirst().orElseThrow(() -> new AssertionError("no Deployment for " + service));
            JsonNode container = deployment.at("/spec/template/spec/containers/0");
            assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText(), service);
            assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText(), service);
            assertTrue(documents.stream().anyMatch(d -> d.path("kind").asText().equals("Service")
                    && d.path("metadata").path("name").asText().equals(service)), "a Service for " + service);
        }
    }
}
