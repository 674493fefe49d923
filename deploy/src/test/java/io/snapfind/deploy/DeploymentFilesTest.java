package io.snapfind.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.snapfind.harness.ProjectPaths;

/**
 * The compose file follows the Compose Specification, so a broken edit is caught without Docker; the Kubernetes
 * overlays are checked by DeploymentManifestsTest and DeploymentConsistencyTest.
 */
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
}
