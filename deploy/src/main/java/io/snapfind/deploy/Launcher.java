package io.snapfind.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.snapfind.harness.ChildProcess;
import io.snapfind.harness.FreePort;
import io.snapfind.harness.KafkaBroker;
import io.snapfind.harness.MilvusLite;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.harness.SnapfindTopics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the whole system on one machine without Docker: Kafka (KRaft), Milvus Lite and the four services on
 * loopback, one log file per process under the run directory. {@code up} stays in the foreground until Ctrl-C
 * or {@code down}; stopping stops every child.
 */
@Command(name = "snapfind", mixinStandardHelpOptions = true, subcommands = { Launcher.Up.class, Launcher.Down.class,
        Launcher.Status.class }, description = "Run Snapfind locally on embedded defaults.")
public final class Launcher {

    static final String PID_FILE = "launcher.pid";
    static final String READY_FILE = "ready";

    public static void main(String[] args) {
        System.exit(new CommandLine(new Launcher()).execute(args));
    }

    abstract static class RunDirOption {
        @Option(names = "--run-dir", description = "Run directory for data, logs and pid files (default: <repo>/.run)")
        Path runDir;

        Path runDir() {
            return (runDir != null ? runDir : ProjectPaths.root().resolve(".run")).toAbsolutePath().normalize();
        }
    }

    @Command(name = "up", description = "Start Kafka, Milvus Lite and the four services; stop them all on Ctrl-C.")
    static final class Up extends RunDirOption implements Callable<Integer> {

        @Option(names = "--kafka-port", defaultValue = "9092")
        int kafkaPort;

        @Option(names = "--milvus-port", defaultValue = "19530")
        int milvusPort;

        @Option(names = "--gateway-port", defaultValue = "8080")
        int gatewayPort;

        @Option(names = "--ready-timeout", defaultValue = "PT2M", description = "How long to wait for readiness")
        Duration readyTimeout;

        private final List<AutoCloseable> started = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Path root = ProjectPaths.root();
            Path assets = ProjectPaths.requireAssets();
            Path runDir = runDir();
            Path logs = runDir.resolve("logs");
            Files.createDirectories(logs);
            Files.deleteIfExists(runDir.resolve(READY_FILE));
            Files.writeString(runDir.resolve(PID_FILE), Long.toString(ProcessHandle.current().pid()));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(runDir), "snapfind-down"));

            List<ServiceSpec> services = services(assets);
            Map<ServiceSpec, ChildProcess> processes = new HashMap<>();
            for (ServiceSpec service : services) {
                if (!Files.isRegularFile(service.jar(root))) {
                    throw new IllegalStateException(service.jar(root) + " is missing: build with ./mvnw -DskipTests package");
                }
                if (FreePort.isTaken(service.port())) {
                    throw new IllegalStateException("Port " + service.port() + " for " + service.name() + " is in use");
                }
            }

            long startedAt = System.nanoTime();
            say("Kafka (KRaft) on 127.0.0.1:" + kafkaPort + " ...");
            KafkaBroker kafka = KafkaBroker.start(runDir.resolve("kafka"), kafkaPort, logs.resolve("kafka.log"), readyTimeout);
            started.add(kafka);
            SnapfindTopics.create(kafka);
            say("Milvus Lite on 127.0.0.1:" + milvusPort + " ...");
            MilvusLite milvus = MilvusLite.start(runDir.resolve("milvus"), milvusPort, logs.resolve("milvus-lite.log"),
                    readyTimeout);
            started.add(milvus);

            String apiKey = apiKey(runDir);
            Map<String, String> environment = Map.of("DJL_OFFLINE", "true", "OPT_OUT_TRACKING", "true",
                    "SNAPFIND_GATEWAY_API_KEY", apiKey);
            for (ServiceSpec service : services) {
                List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx" + service.heap(),
                        "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
                        "-Dquarkus.http.port=" + service.port(),
                        "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                        "-Dsnapfind.milvus.uri=" + milvus.uri()));
                service.settings().forEach(setting -> command.add("-D" + setting));
                command.addAll(List.of("-jar", service.jar(root).toString()));
                say(service.name() + " on " + service.url() + " ...");
                ChildProcess process = ChildProcess.start(service.name(), command, environment,
                        logs.resolve(service.name() + ".log"));
                started.add(process);
                processes.put(service, process);
            }
            for (ServiceSpec service : services) {
                awaitReady(service, processes.get(service), startedAt);
            }

            Files.writeString(runDir.resolve(READY_FILE), "ready\n");
            say("");
            say("Snapfind is up in " + Duration.ofNanos(System.nanoTime() - startedAt).toSeconds() + " s:");
            say("  web page and search API  " + services.get(0).url() + "/");
            for (ServiceSpec service : services) {
                say(String.format("  %-24s %s/q/health/ready   %s/q/swagger-ui", service.name(), service.url(), service.url()));
            }
            say("  Kafka                    " + kafka.bootstrapServers());
            say("  Milvus                   " + milvus.uri());
            say("  ingest API key           in " + runDir.resolve("api-key"));
            say("  logs                     " + logs);
            say("Stop with Ctrl-C or ./snapfind down");
            new CountDownLatch(1).await();
            return 0;
        }

        private List<ServiceSpec> services(Path assets) {
            String models = "snapfind.%s.models-dir=" + assets.resolve("models");
            return List.of(
                    new ServiceSpec("query-gateway", "query-gateway", gatewayPort, "512m", List.of()),
                    new ServiceSpec("detector-service", "detector-service", gatewayPort + 1, "1g",
                            List.of(String.format(models, "detector"))),
                    new ServiceSpec("embedder-service", "embedder-service", gatewayPort + 2, "1g",
                            List.of(String.format(models, "embedder"))),
                    new ServiceSpec("indexer-service", "indexer-service", gatewayPort + 3, "512m", List.of()));
        }

        private void awaitReady(ServiceSpec service, ChildProcess process, long startedAt) throws InterruptedException {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(service.url() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build();
            String lastAnswer = "no answer";
            while (System.nanoTime() - startedAt < readyTimeout.toNanos()) {
                process.requireAlive();
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        say(service.name() + " ready");
                        return;
                    }
                    lastAnswer = response.statusCode() + " " + response.body();
                } catch (IOException notListeningYet) {
                    lastAnswer = notListeningYet.toString();
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException(service.name() + " not ready within " + readyTimeout + " (" + lastAnswer
                    + "); see " + process.logFile());
        }

        private void stopAll(Path runDir) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    System.err.println("snapfind: stopping failed: " + e.getMessage());
                }
            }
            started.clear();
            try {
                Files.deleteIfExists(runDir.resolve(READY_FILE));
                Files.deleteIfExists(runDir.resolve(PID_FILE));
            } catch (IOException ignored) {
                // best effort: a stale file is overwritten by the next up
            }
            System.out.println("snapfind: stopped");
        }

        private static String apiKey(Path runDir) throws IOException {
            Optional<String> configured = Optional.ofNullable(System.getenv("SNAPFIND_GATEWAY_API_KEY"))
                    .filter(key -> !key.isBlank());
            String key = configured.orElseGet(() -> {
                byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                return HexFormat.of().formatHex(random);
            });
            Path file = runDir.resolve("api-key");
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, key + "\n");
            return key;
        }
    }

    @Command(name = "down", description = "Stop a running 'up' and everything it started.")
    static final class Down extends RunDirOption implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Path pidFile = runDir().resolve(PID_FILE);
            if (!Files.exists(pidFile)) {
                say("snapfind is not running (no " + pidFile + ")");
                return 0;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> launcher = ProcessHandle.of(pid);
            if (launcher.isEmpty()) {
                Files.delete(pidFile);
                say("snapfind was not running (stale pid " + pid + ")");
                return 0;
            }
            List<ProcessHandle> children = launcher.get().descendants().toList();
            launcher.get().destroy();
            launcher.get().onExit().get();
            for (ProcessHandle child : children) {
                if (child.isAlive()) {
                    child.destroyForcibly();
                }
            }
            say("snapfind stopped (" + (children.size() + 1) + " processes)");
            return 0;
        }
    }

    @Command(name = "status", description = "Say whether snapfind is up.")
    static final class Status extends RunDirOption implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Path runDir = runDir();
            Path pidFile = runDir.resolve(PID_FILE);
            boolean running = Files.exists(pidFile)
                    && ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).map(ProcessHandle::isAlive)
                            .orElse(false);
            boolean ready = running && Files.exists(runDir.resolve(READY_FILE));
            say(ready ? "up and ready" : running ? "starting" : "down");
            return ready ? 0 : running ? 2 : 1;
        }
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void say(String line) {
        System.out.println(line);
    }
}
