package io.snapfind.deploy;

import java.nio.file.Path;
import java.util.List;

/** One Snapfind service as the launcher runs it: a Quarkus fast-jar in its own JVM. */
record ServiceSpec(String name, String module, int port, String heap, List<String> settings) {

    Path jar(Path root) {
        return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }
}
