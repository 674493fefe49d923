package io.snapfind.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One Kafka broker and one Milvus Lite server per test JVM, started on first use on free loopback ports in a
 * temporary directory and stopped when the JVM exits. Starting them once keeps the suite fast; tests isolate
 * themselves with their own topic, group and collection names.
 */
public final class SharedInfrastructure {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    private static KafkaBroker kafka;
    private static MilvusLite milvus;
    private static Path workDir;

    private SharedInfrastructure() {
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null || !kafka.isAlive()) {
            Path dir = workDir().resolve("kafka");
            kafka = KafkaBroker.start(dir, FreePort.find(), dir.resolve("kafka.log"), READY_WITHIN);
            SnapfindTopics.create(kafka);
        }
        return kafka;
    }

    public static synchronized MilvusLite milvus() {
        if (milvus == null) {
            Path dir = workDir().resolve("milvus");
            milvus = MilvusLite.start(dir.resolve("data"), FreePort.find(), dir.resolve("milvus.log"), READY_WITHIN);
        }
        return milvus;
    }

    private static Path workDir() {
        if (workDir == null) {
            try {
                Path target = Path.of("target");
                workDir = Files.createTempDirectory(Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir")),
                        "snapfind-infra-");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create a work directory for the test infrastructure", e);
            }
        }
        return workDir;
    }
}
