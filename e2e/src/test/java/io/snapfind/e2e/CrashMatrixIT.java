package io.snapfind.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.snapfind.e2e.bench.CrashMatrixBenchmark;

/**
 * The crash matrix of {@code e2e/bench.sh crash} in short: 80 products (20 with two images, 8 updated to another
 * image, 7 deleted) while the detector, the embedder and the indexer are killed with SIGKILL, Milvus Lite is restarted
 * and the Kafka broker is killed and restarted; afterwards the index holds exactly the newest version of every product.
 */
class CrashMatrixIT {

    @Test
    void everyFaultLeavesTheIndexExactlyAsTheNewestEventsSay() throws Exception {
        CrashMatrixBenchmark.Outcome outcome = CrashMatrixBenchmark.run(80,
                Files.createTempDirectory(Path.of("target"), "crash-"));
        assertEquals(List.of("kill -9 detector-service", "kill -9 embedder-service", "kill -9 indexer-service",
                "milvus restarted", "kill -9 kafka"), outcome.faults());
        assertEquals(73, outcome.liveProducts());
        assertEquals(7, outcome.deletedProducts());
        assertEquals(0, outcome.lost(), "images or crops of live products missing from the index");
        assertEquals(0, outcome.duplicated(), "rows the newest events do not call for");
    }
}
