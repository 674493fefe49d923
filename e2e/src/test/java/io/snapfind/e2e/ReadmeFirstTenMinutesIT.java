package io.snapfind.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.snapfind.harness.FreePort;
import io.snapfind.harness.ProjectPaths;

/**
 * The README's "first ten minutes", run as a new user would type it, in the repository root: up, status, demo, a
 * search with curl, an import of one's own catalog, down. The one change: the demo imports 40 products instead of the
 * whole catalog, to keep the suite short, and the run directory is a fresh one under target ({@code SNAPFIND_RUN_DIR}).
 * The transcript is kept in target/readme-first-ten-minutes.log.
 */
class ReadmeFirstTenMinutesIT {

    private static final String BEGIN = "<!-- first-ten-minutes:begin";
    private static final String END = "<!-- first-ten-minutes:end";

    @Test
    void theFirstTenMinutesOfTheReadmeWork() throws Exception {
        Path root = ProjectPaths.root();
        for (int port : new int[] { 8080, 9092, 19530 }) {
            assertFalse(FreePort.isTaken(port), "port " + port + " is in use (a ./snapfind up?): this test starts "
                    + "the system on the default ports, as the README does");
        }
        String readme = Files.readString(root.resolve("README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "README.md marks the first ten minutes");
        String section = readme.substring(begin, end);
        String block = section.substring(section.indexOf("```bash\n") + 8, section.lastIndexOf("```"));
        assertTrue(block.contains("./snapfind demo "), block);
        String script = "set -euo pipefail\ntrap './snapfind down > /dev/null 2>&1 || true' EXIT\n"
                + block.replace("./snapfind demo ", "./snapfind demo --limit 40 ");

        Path log = Files.createDirectories(Path.of("target")).resolve("readme-first-ten-minutes.log").toAbsolutePath();
        // Its own run directory, so that a developer's .run keeps its index; the commands stay as written.
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SNAPFIND_RUN_DIR", Files.createTempDirectory(Path.of("target").toAbsolutePath(),
                "readme-run-").toString());
        Process bash = builder.start();
        boolean finished = bash.waitFor(15, TimeUnit.MINUTES);
        if (!finished) {
            bash.descendants().forEach(ProcessHandle::destroyForcibly);
            bash.destroyForcibly();
        }
        String transcript = Files.readString(log);
        assertTrue(finished, "the first ten minutes took more than 15:\n" + transcript);
        assertEquals(0, bash.exitValue(), transcript);
        assertTrue(transcript.contains("up and ready"), "status: " + transcript);
        assertTrue(transcript.contains("40 rows: 40 published, 40 indexed"), "demo: " + transcript);
        assertTrue(transcript.contains("\"results\":[{"), "the curl search: " + transcript);
        assertTrue(transcript.contains("2 rows: 2 published, 2 indexed"), "import: " + transcript);
        assertTrue(transcript.contains("snapfind stopped"), "down: " + transcript);
    }
}
