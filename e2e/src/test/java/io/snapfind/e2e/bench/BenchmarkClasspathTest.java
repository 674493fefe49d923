package io.snapfind.e2e.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.quality.ShopTheLook;

/**
 * The benchmarks run on this module's test classpath (e2e/bench.sh builds it with includeScope=test), which excludes
 * the transitive dependencies of the service and tool modules and names the few it needs. This runs what the
 * benchmarks need from them before a benchmark does, so a dependency left out fails the build, not a 20-minute run.
 */
class BenchmarkClasspathTest {

    @Test
    void theRoomsBenchmarkReadsTheDataSetAndTheEmbedderCatalogue() {
        ShopTheLook set = ShopTheLook.load(ProjectPaths.asset("datasets/ikea-shop-the-look"));
        assertEquals(2294, set.products().size());
        assertEquals(102, set.rooms().size());
        for (String model : EmbedderCatalogue.members(EmbedderCatalogue.defaultModelId())) {
            assertTrue(EmbedderCatalogue.load(ProjectPaths.asset("models")).spec(model).dimension() > 0, model);
        }
    }
}
