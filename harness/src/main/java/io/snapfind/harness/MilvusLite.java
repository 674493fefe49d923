package io.snapfind.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;

/**
 * A Milvus Lite server ({@code milvus-lite server}) in a child process on 127.0.0.1. Clients talk to it through
 * the Milvus Java SDK over gRPC, exactly as to a Milvus cluster. It can be stopped and started again on the same
 * data directory and port, to test what happens while Milvus is away.
 */
public final class MilvusLite implements AutoCloseable {

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
        process = ChildProcess.start("milvus-lite", List.of(executable.toString(), "server",
                "--data-dir", dataDir.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port)),
                Map.of("PYTHONUNBUFFERED", "1"), logFile);
        awaitReady(readyWithin);
    }

    @Override
    public void close() {
        stop();
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
