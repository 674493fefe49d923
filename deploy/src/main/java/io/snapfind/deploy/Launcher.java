package io.snapfind.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.snapfind.harness.ProjectPaths;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the whole system on one machine without Docker: Kafka (KRaft), Milvus Lite and the four services on
 * loopback, one log file per process under the run directory. {@code up} stays in the foreground until Ctrl-C
 * or {@code down}; stopping stops every child.
 */
@Command(name = "snapfind", mixinStandardHelpOptions = true, subcommands = { Launcher.Up.class, Launcher.Down.class,
        Launcher.Status.class, Launcher.ReindexCommand.class, ImportCommands.Import.class, ImportCommands.Demo.class,
        ImportCommands.Replay.class, Launcher.Models.class },
        description = "Run Snapfind locally on embedded defaults.")
public final class Launcher {

    static final String PID_FILE = "launcher.pid";
    static final String READY_FILE = "ready";
    /** The launcher's view of every process, rewritten each second: name, pid, address, state, restarts, exit. */
    static final String STATUS_FILE = "status.tsv";
    /** A re-index request for the running 'up' (properties: model, minCoverage, timeout). */
    static final String REINDEX_REQUEST = "reindex.request";
    /** What the running 'up' reports about the re-index, one line each; the last starts with done: or failed:. */
    static final String REINDEX_LOG = "reindex.log";

    public static void main(String[] args) {
        System.exit(new CommandLine(new Launcher()).execute(args));
    }

    abstract static class RunDirOption {
        @Option(names = "--run-dir", description = "Run directory for data, logs and pid files (default: "
                + "$SNAPFIND_RUN_DIR, else <repo>/.run)")
        Path runDir;

        Path runDir() {
            Optional<Path> configured = Optional.ofNullable(System.getenv("SNAPFIND_RUN_DIR"))
                    .filter(dir -> !dir.isBlank()).map(Path::of);
            return (runDir != null ? runDir : configured.orElse(ProjectPaths.root().resolve(".run"))).toAbsolutePath()
                    .normalize();
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

        @Option(names = "--instances", defaultValue = "1", converter = InstancesConverter.class,
                description = "Instances of the consuming services, sharing each topic's partitions: N for each of "
                        + "detector-service, embedder-service and indexer-service, or SERVICE=N[,SERVICE=N] (1 to 3)")
        LocalSystem.Instances instances;

        private LocalSystem system;

        @Override
        public Integer call() throws Exception {
            Path runDir = runDir();
            Files.createDirectories(runDir);
            Files.deleteIfExists(runDir.resolve(READY_FILE));
            Files.writeString(runDir.resolve(PID_FILE), Long.toString(ProcessHandle.current().pid()));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(runDir), "snapfind-down"));

            long startedAt = System.nanoTime();
            system = LocalSystem.start(ProjectPaths.root(), modelsDir(), runDir,
                    new LocalSystem.Ports(kafkaPort, milvusPort, gatewayPort), apiKey(runDir), List.of(), instances,
                    readyTimeout, Launcher::say);

            Files.writeString(runDir.resolve(READY_FILE), "ready\n");
            say("");
            say("Snapfind is up in " + Duration.ofNanos(System.nanoTime() - startedAt).toSeconds() + " s:");
            say("  web page and search API  " + system.gatewayUrl() + "/");
            for (ServiceSpec service : system.services()) {
                say(String.format("  %-24s %s/q/health/ready   %s/q/swagger-ui", service.name(), service.url(), service.url()));
            }
            say("  Kafka                    " + system.kafka().bootstrapServers());
            say("  Milvus                   " + system.milvus().uri());
            say("  ingest API key           in " + runDir.resolve("api-key"));
            say("  logs                     " + runDir.resolve("logs"));
            say("Stop with Ctrl-C or ./snapfind down");
            while (true) {
                serveReindexRequest(runDir);
                writeStatus(runDir, system.supervise(line -> say("snapfind: " + line)));
                Thread.sleep(1000);
            }
        }

        /** Runs a re-index asked for by './snapfind reindex', here, where the system's processes are owned. */
        private void serveReindexRequest(Path runDir) throws IOException {
            Path request = runDir.resolve(REINDEX_REQUEST);
            if (!Files.exists(request)) {
                return;
            }
            Properties asked = new Properties();
            try (var in = Files.newInputStream(request)) {
                asked.load(in);
            }
            Files.delete(request);
            Path log = runDir.resolve(REINDEX_LOG);
            Consumer<String> report = line -> {
                say("re-index: " + line);
                try {
                    Files.writeString(log, line + "\n", StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                } catch (IOException e) {
                    System.err.println("snapfind: cannot write " + log + ": " + e.getMessage());
                }
            };
            try {
                Reindex.Result result = new Reindex(system, report).run(asked.getProperty("model"),
                        Double.parseDouble(asked.getProperty("minCoverage", "1.0")),
                        Duration.parse(asked.getProperty("timeout", "PT30M")));
                report.accept(String.format("done: alias moved from %s (%d rows) to %s (%d rows); the embedder runs "
                        + "%s; drop the old collection with DELETE /v1/admin/collections/%s when no longer needed",
                        result.from(), result.fromRows(), result.to(), result.toRows(), result.model(), result.from()));
            } catch (Exception e) {
                report.accept("failed: " + e.getMessage());
            }
        }

        /** What './snapfind status' shows: one line per process, replaced atomically. */
        private static void writeStatus(Path runDir, List<LocalSystem.ProcessState> states) throws IOException {
            StringBuilder text = new StringBuilder();
            for (LocalSystem.ProcessState state : states) {
                text.append(String.join("\t", state.name(), Long.toString(state.pid()), state.address(), state.state(),
                        Integer.toString(state.restarts()),
                        state.lastExitCode() == null ? "-" : state.lastExitCode().toString())).append('\n');
            }
            Path partial = runDir.resolve(STATUS_FILE + ".partial");
            Files.writeString(partial, text);
            Files.move(partial, runDir.resolve(STATUS_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }

        private void stop(Path runDir) {
            if (system != null) {
                system.close();
            }
            try {
                Files.deleteIfExists(runDir.resolve(READY_FILE));
                Files.deleteIfExists(runDir.resolve(PID_FILE));
                Files.deleteIfExists(runDir.resolve(STATUS_FILE));
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

    /**
     * The models directory of the services: the assets' {@code models/} when the assets directory is there, else the
     * cache {@link ModelFetcher} fills from the models' public sources (each file checked against its sha256).
     */
    static Path modelsDir() throws IOException, InterruptedException {
        Path assets = ProjectPaths.assets();
        if (Files.isRegularFile(assets.resolve("MANIFEST.md"))) {
            return assets.resolve("models");
        }
        say("snapfind: no assets directory at " + assets + ": fetching the models into " + ModelFetcher.defaultCache());
        Path cache = ModelFetcher.defaultCache();
        new ModelFetcher(cache, Optional.empty(), PinnedFiles.defaultRawBase(), Launcher::say).fetchAll();
        return cache;
    }

    @Command(name = "models", description = "Fetch the models the services read into the cache "
            + "($SNAPFIND_MODELS_CACHE/fetched, else ~/.cache/snapfind/models/fetched): from the assets directory "
            + "when it is there, else from their public sources ($SNAPFIND_MODELS_MIRROR replaces "
            + "https://raw.githubusercontent.com/); every file checked against its pinned sha256.")
    static final class Models implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Path assets = ProjectPaths.assets();
            Optional<Path> offline = Optional.of(assets.resolve("models")).filter(dir -> Files.isRegularFile(
                    assets.resolve("MANIFEST.md")));
            Path cache = ModelFetcher.defaultCache();
            try {
                for (PinnedFiles.Fetched file : new ModelFetcher(cache, offline, PinnedFiles.defaultRawBase(),
                        Launcher::say).fetchAll()) {
                    say(String.format("  %-28s %10d B  %s", file.file(), file.bytes(),
                            file.how().name().toLowerCase(Locale.ROOT).replace('_', ' ')));
                }
            } catch (IOException e) {
                say("snapfind: " + e.getMessage());
                return 1;
            }
            say("models in " + cache + ", sha256 verified");
            return 0;
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

    @Command(name = "reindex", description = "Re-index the running system with another embedding model: replay the "
            + "catalog through a second detector and an embedder with the new model into a new collection, then swap "
            + "the alias once it has caught up and switch the embedder. The old collection is kept.")
    static final class ReindexCommand extends RunDirOption implements Callable<Integer> {

        @Option(names = "--model", required = true, description = "Model id from the embedder's catalogue")
        String model;

        @Option(names = "--min-coverage", defaultValue = "1.0",
                description = "Rows the new collection needs, as a fraction of the active one's, before the swap")
        double minCoverage;

        @Option(names = "--timeout", defaultValue = "PT30M", description = "Give up after this long")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            Path runDir = runDir();
            if (!Files.exists(runDir.resolve(READY_FILE))) {
                say("snapfind is not up and ready: start it with ./snapfind up first");
                return 1;
            }
            Path log = runDir.resolve(REINDEX_LOG);
            Files.deleteIfExists(log);
            Path request = runDir.resolve(REINDEX_REQUEST + ".tmp");
            Files.writeString(request, "model=" + model + "\nminCoverage=" + minCoverage + "\ntimeout=" + timeout + "\n");
            Files.move(request, runDir.resolve(REINDEX_REQUEST), StandardCopyOption.ATOMIC_MOVE);
            long deadline = System.nanoTime() + timeout.plusMinutes(1).toNanos();
            int printed = 0;
            while (System.nanoTime() < deadline) {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                for (; printed < lines.size(); printed++) {
                    String line = lines.get(printed);
                    say(line);
                    if (line.startsWith("done:")) {
                        return 0;
                    }
                    if (line.startsWith("failed:")) {
                        return 1;
                    }
                }
                if (!Files.exists(runDir.resolve(READY_FILE))) {
                    say("snapfind stopped during the re-index");
                    return 1;
                }
                Thread.sleep(500);
            }
            say("no answer from the running snapfind within " + timeout);
            return 1;
        }
    }

    @Command(name = "status", description = "Say whether snapfind is up: every process with its pid, state, "
            + "restarts and last exit code. Exit code 0 when all are ready, 1 when snapfind is down, 2 while it "
            + "starts, 3 when it runs but a process is not ready.")
    static final class Status extends RunDirOption implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Path runDir = runDir();
            Path pidFile = runDir.resolve(PID_FILE);
            boolean running = Files.exists(pidFile)
                    && ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).map(ProcessHandle::isAlive)
                            .orElse(false);
            if (!running) {
                say("down");
                return 1;
            }
            Path status = runDir.resolve(STATUS_FILE);
            if (!Files.exists(runDir.resolve(READY_FILE)) || !Files.exists(status)) {
                say("starting");
                return 2;
            }
            boolean allReady = true;
            say(String.format("%-18s %8s  %-28s %-30s %8s  %s", "process", "pid", "address", "state", "restarts",
                    "last exit"));
            List<String[]> processes = Files.readAllLines(status).stream().map(line -> line.split("\t"))
                    .filter(f -> f.length >= 6).toList();
            for (String[] f : processes) {
                allReady &= LocalSystem.ProcessState.isOk(f[3]);
                say(String.format("%-18s %8s  %-28s %-30s %8s  %s", f[0], f[1].equals("-1") ? "-" : f[1], f[2], f[3],
                        f[4], f[5]));
            }
            say(instancesLine(processes));
            say(allReady ? "up and ready" : "up, but not everything is ready");
            return allReady ? 0 : 3;
        }
    }

    static final class InstancesConverter implements CommandLine.ITypeConverter<LocalSystem.Instances> {
        @Override
        public LocalSystem.Instances convert(String value) {
            try {
                return LocalSystem.Instances.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** "detector-service 2 (2 ready)" for each consuming service, from the status file's process names. */
    static String instancesLine(List<String[]> processes) {
        List<String> parts = new ArrayList<>();
        for (String service : LocalSystem.CONSUMING_SERVICES) {
            List<String[]> of = processes.stream()
                    .filter(f -> f[0].equals(service) || f[0].matches(Pattern.quote(service) + "-\\d+"))
                    .toList();
            long ready = of.stream().filter(f -> LocalSystem.ProcessState.isOk(f[3])).count();
            parts.add(service + " " + of.size() + " (" + ready + " ready)");
        }
        return "instances: " + String.join(", ", parts);
    }

    static void say(String line) {
        System.out.println(line);
    }
}
