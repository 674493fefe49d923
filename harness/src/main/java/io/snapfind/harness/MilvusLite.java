package io.snapfind.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;

/**
 * A Milvus Lite server ({@code milvus-lite server}, through {@code milvus_lite_server.py}) in a child process on
 * 127.0.0.1. Clients talk to it through the Milvus Java SDK over gRPC, exactly as to a Milvus cluster. It can be
 * stopped and started again on the same data directory and port, to test what happens while Milvus is away.
 */
public final class MilvusLite implements AutoCloseable {

    /**
     * Milvus Lite's flush budget for its in-memory table, in bytes ({@code MILVUS_LITE_MEMTABLE_MEMORY_LIMIT_BYTES}).
     * Its default (128 MB, about 12,000 rows of 2,560-d vectors) keeps a whole catalog unflushed, and every search
     * then converts each unflushed vector to Python floats: 150 ms for 720 rows, 1.8 s for 6,000, against 10 to
     * 30 ms once rows are flushed into HNSW-indexed segments. 256 KB (about 25 such rows) keeps that scan short at
     * the price of a flush every few products (an upsert of 3 rows 3.3 → 8.4 ms). Measured in BENCHMARKS.md
     * ("Milvus Lite's in-memory table"); an environment that sets the variable keeps its own value.
     */
    static final String MEMTABLE_LIMIT_VARIABLE = "MILVUS_LITE_MEMTABLE_MEMORY_LIMIT_BYTES";
    static final String MEMTABLE_LIMIT_BYTES = Integer.toString(256 * 1024);

    private final Path executable;
    private final Path dataDir;
    private final int port;
    private final Path logFile;
    private ChildProcess process;

    private MilvusLite(Path executable, Path dataDir, int port, Path logFile) {
        this.executable = executable;
        this.dataDir = dataDir;
        this.port = port;
        this.logFile = logFile;
    }

    public static MilvusLite start(Path dataDir, int port, Path logFile, Duration readyWithin) {
        Path executable = ProjectPaths.milvusLiteExecutable();
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("Milvus Lite is not installed at " + executable
                    + ": run scripts/install-milvus-lite.sh (or set SNAPFIND_MILVUS_LITE)");
        }
        MilvusLite milvus = new MilvusLite(executable, dataDir, port, logFile);
        milvus.startAgain(readyWithin);
        return milvus;
    }

    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** A client for this server; the caller closes it. */
    public MilvusClientV2 client() {
        return new MilvusClientV2(ConnectConfig.builder().uri(uri()).connectTimeoutMs(2000).build());
    }

    /** Stops the server, keeping its data directory, as an outage would. */
    public synchronized void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    /** Starts the server again on the same data directory and port and waits until it answers. */
    public synchronized void startAgain(Duration readyWithin) {
        if (isRunning()) {
            return;
        }
        if (FreePort.isTaken(port)) {
            throw new IllegalStateException("Milvus port " + port + " on 127.0.0.1 is already in use");
        }
        process = ChildProcess.start("milvus-lite", List.of(python().toString(), serverScript().toString(), "server",
                "--data-dir", dataDir.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port)),
                Map.of("PYTHONUNBUFFERED", "1", MEMTABLE_LIMIT_VARIABLE,
                        System.getenv().getOrDefault(MEMTABLE_LIMIT_VARIABLE, MEMTABLE_LIMIT_BYTES)),
                logFile);
        awaitReady(readyWithin);
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * The interpreter of the Milvus Lite installation: {@code python3} beside its {@code milvus-lite} executable, as
     * in every virtualenv.
     */
    private Path python() {
        Path python = executable.resolveSibling("python3");
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException("No python3 beside the Milvus Lite executable " + executable
                    + ": the harness runs Milvus Lite's server with that interpreter (scripts/install-milvus-lite.sh "
                    + "installs both into .venv-milvus)");
        }
        return python;
    }

    /**
     * {@code milvus_lite_server.py}, written next to the log file once per start: Milvus Lite's own server with its
     * calls on a collection made one at a time (why: the file's docstring).
     */
    private Path serverScript() {
        Path script = logFile.toAbsolutePath().resolveSibling("milvus_lite_server.py");
        try (InputStream source = MilvusLite.class.getResourceAsStream("milvus_lite_server.py")) {
            if (source == null) {
                throw new IllegalStateException("milvus_lite_server.py is missing from the harness's classpath");
            }
            Files.createDirectories(script.getParent());
            Files.copy(source, script, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + script, e);
        }
        return script;
    }

    private void awaitReady(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            process.requireAlive();
            if (FreePort.isTaken(port)) {
                try {
                    MilvusClientV2 client = client();
                    try {
                        client.listCollections();
                        return;
                    } finally {
                        client.close();
                    }
                } catch (Exception e) {
                    last = e;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Milvus Lite", e);
            }
        }
        stop();
        throw new IllegalStateException("Milvus Lite did not become ready on " + uri() + " within " + within
                + " (" + last + "); see " + logFile);
    }
}
