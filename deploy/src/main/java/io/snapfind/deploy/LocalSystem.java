package io.snapfind.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.snapfind.harness.ChildProcess;
import io.snapfind.harness.FreePort;
import io.snapfind.harness.KafkaBroker;
import io.snapfind.harness.MilvusLite;
import io.snapfind.harness.SnapfindTopics;

/**
 * The whole system on one machine: Kafka, Milvus Lite and the four services as child processes on loopback, one
 * log file each under {@code <runDir>/logs}. Used by {@code ./snapfind up} and by the end-to-end tests and
 * benchmarks; {@link #close()} stops everything in reverse order.
 */
public final class LocalSystem implements AutoCloseable {

    /** Where the system listens; the detector, embedder and indexer take the three ports after the gateway's. */
    public record Ports(int kafka, int milvus, int gateway) {
        public static Ports free() {
            return new Ports(FreePort.find(), FreePort.find(), FreePort.findBlock(4));
        }
    }

    /** The services that consume a topic: several instances of one share its partitions (one consumer group). */
    public static final List<String> CONSUMING_SERVICES = List.of("detector-service", "embedder-service",
            "indexer-service");

    /**
     * How many instances of each consuming service run. The first keeps the service's name and port (the gateway
     * calls it); the others are named {@code <service>-2}, {@code -3} and take free ports. More instances than a
     * topic's partitions would leave the extra ones idle, so at most {@link SnapfindTopics#PARTITIONS}.
     */
    public record Instances(Map<String, Integer> counts) {
        public static final Instances ONE_EACH = new Instances(Map.of());

        public Instances {
            counts.forEach((service, count) -> {
                if (!CONSUMING_SERVICES.contains(service)) {
                    throw new IllegalArgumentException("only " + String.join(", ", CONSUMING_SERVICES)
                            + " run as several instances, not " + service);
                }
                if (count < 1 || count > SnapfindTopics.PARTITIONS) {
                    throw new IllegalArgumentException(service + ": " + count + " instances; 1 to "
                            + SnapfindTopics.PARTITIONS + " (a topic has " + SnapfindTopics.PARTITIONS
                            + " partitions, a further instance would get none)");
                }
            });
            counts = Map.copyOf(counts);
        }

        public static Instances each(int count) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            CONSUMING_SERVICES.forEach(service -> counts.put(service, count));
            return new Instances(counts);
        }

        /** {@code 2} (every consuming service), {@code indexer-service=2}, or both: {@code 2,indexer-service=1}. */
        public static Instances parse(String spec) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (String part : spec.split(",")) {
                String[] serviceAndCount = part.trim().split("=", 2);
                try {
                    if (serviceAndCount.length == 1) {
                        counts.putAll(each(Integer.parseInt(serviceAndCount[0])).counts());
                    } else {
                        counts.put(serviceAndCount[0].trim(), Integer.parseInt(serviceAndCount[1].trim()));
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + part.trim() + "' is neither N nor SERVICE=N");
                }
            }
            return new Instances(counts);
        }

        public int of(String service) {
            return counts.getOrDefault(service, 1);
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, ServiceSpec> services = new LinkedHashMap<>();
    /** The instances' names of each consuming service, the first being the service's own name. */
    private final Map<String, List<String>> instances = new LinkedHashMap<>();
    private final Map<String, ChildProcess> running = new LinkedHashMap<>();
    private final Map<String, Restarts> restarts = new LinkedHashMap<>();
    /** Set first thing by {@link #close}: from then on nothing is restarted (the exits are the shutdown's). */
    private volatile boolean closing;
    private List<String> settings = List.of();
    private Map<String, String> environment;
    private Path root;
    private Path runDir;
    private Path logs;
    private String adminKey;
    private KafkaBroker kafka;
    private MilvusLite milvus;

    private LocalSystem() {
    }

    /**
     * Starts everything and waits until every service reports ready, or fails naming the one that did not (and
     * stops what it had started).
     *
     * @param modelsDir the detector's and embedder's models directory: the assets' {@code models/}, or the cache
     *            {@link ModelFetcher} fills
     * @param settings extra system properties for every service ({@code key=value}), e.g. tuning for a benchmark
     */
    public static LocalSystem start(Path root, Path modelsDir, Path runDir, Ports ports, String apiKey, List<String> settings,
            Duration readyTimeout, Consumer<String> progress) throws IOException, InterruptedException {
        return start(root, modelsDir, runDir, ports, apiKey, settings, Instances.ONE_EACH, readyTimeout, progress);
    }

    /** As above, with {@code instances} of each consuming service. */
    public static LocalSystem start(Path root, Path modelsDir, Path runDir, Ports ports, String apiKey, List<String> settings,
            Instances instances, Duration readyTimeout, Consumer<String> progress) throws IOException, InterruptedException {
        LocalSystem system = new LocalSystem();
        try {
            system.boot(root, modelsDir, runDir, ports, apiKey, settings, instances, readyTimeout, progress);
            return system;
        } catch (IOException | InterruptedException | RuntimeException e) {
            system.close();
            throw e;
        }
    }

    private void boot(Path root, Path modelsDir, Path runDir, Ports ports, String apiKey, List<String> settings,
            Instances scale, Duration readyTimeout, Consumer<String> progress) throws IOException, InterruptedException {
        this.root = root;
        this.runDir = runDir;
        logs = runDir.resolve("logs");
        Files.createDirectories(logs);
        String modelsSetting = "snapfind.%s.models-dir=" + modelsDir;
        List<String> embedderSettings = new ArrayList<>(List.of(String.format(modelsSetting, "embedder")));
        activeModel(runDir).ifPresent(model -> embedderSettings.add(EMBEDDER_MODEL + "=" + model));
        // The detector writes the crops' pictures, the gateway serves them; a re-index leaves them in place.
        String picturesSetting = "snapfind.%s.pictures-dir=" + runDir.resolve(PICTURES_DIR).toAbsolutePath();
        for (ServiceSpec service : List.of(
                new ServiceSpec("query-gateway", "query-gateway", ports.gateway(), "512m",
                        List.of(String.format(picturesSetting, "gateway"))),
                new ServiceSpec("detector-service", "detector-service", ports.gateway() + 1, "1g",
                        List.of(String.format(modelsSetting, "detector"), String.format(picturesSetting, "detector"))),
                new ServiceSpec("embedder-service", "embedder-service", ports.gateway() + 2, "1g", embedderSettings),
                new ServiceSpec("indexer-service", "indexer-service", ports.gateway() + 3, "512m", List.of()))) {
            if (!Files.isRegularFile(service.jar(root))) {
                throw new IllegalStateException(service.jar(root) + " is missing: build with ./mvnw -DskipTests package");
            }
            if (FreePort.isTaken(service.port())) {
                throw new IllegalStateException("Port " + service.port() + " for " + service.name() + " is in use");
            }
            services.put(service.name(), service);
        }

        long startedAt = System.nanoTime();
        progress.accept("Kafka (KRaft) on 127.0.0.1:" + ports.kafka() + " ...");
        kafka = KafkaBroker.start(runDir.resolve("kafka"), ports.kafka(), logs.resolve("kafka.log"), readyTimeout);
        started.add(kafka);
        SnapfindTopics.create(kafka);
        progress.accept("Milvus Lite on 127.0.0.1:" + ports.milvus() + " ...");
        milvus = MilvusLite.start(runDir.resolve("milvus"), ports.milvus(), logs.resolve("milvus-lite.log"), readyTimeout);
        started.add(milvus);

        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        adminKey = HexFormat.of().formatHex(random);
        environment = Map.of("DJL_OFFLINE", "true", "OPT_OUT_TRACKING", "true", "SNAPFIND_GATEWAY_API_KEY", apiKey,
                "SNAPFIND_INDEXER_ADMIN_KEY", adminKey);
        this.settings = List.copyOf(settings);
        Map<ServiceSpec, ChildProcess> processes = new LinkedHashMap<>();
        for (ServiceSpec service : services.values()) {
            progress.accept(service.name() + " on " + service.url() + " ...");
            processes.put(service, launch(service.name()));
        }
        for (Map.Entry<ServiceSpec, ChildProcess> entry : processes.entrySet()) {
            awaitReady(entry.getKey(), entry.getValue(), startedAt, readyTimeout);
            progress.accept(entry.getKey().name() + " ready");
        }

        // Further instances only once the first ones are ready: the indexer's first start creates the collection and
        // the alias, which two instances starting together would race to do.
        processes.clear();
        for (String module : CONSUMING_SERVICES) {
            ServiceSpec first = services.get(module);
            List<String> names = new ArrayList<>(List.of(module));
            for (int k = 2; k <= scale.of(module); k++) {
                ServiceSpec instance = new ServiceSpec(module + "-" + k, module, FreePort.find(), first.heap(),
                        first.settings());
                services.put(instance.name(), instance);
                names.add(instance.name());
                progress.accept(instance.name() + " on " + instance.url() + " ...");
                processes.put(instance, launch(instance.name()));
            }
            instances.put(module, List.copyOf(names));
        }
        long scaledAt = System.nanoTime();
        for (Map.Entry<ServiceSpec, ChildProcess> entry : processes.entrySet()) {
            awaitReady(entry.getKey(), entry.getValue(), scaledAt, readyTimeout);
            progress.accept(entry.getKey().name() + " ready");
        }
    }

    /** The names of a consuming service's instances ({@code indexer-service}, {@code indexer-service-2}, ...). */
    public List<String> instancesOf(String service) {
        return instances.getOrDefault(service, List.of(service));
    }

    /**
     * The Kafka client ids of a consuming service's process start with its name, so a consumer group's members
     * (e.g. {@code kafka-consumer-groups.sh --describe --members}) say which instance holds which partitions. The
     * detector and the embedder consume through SmallRye channels (prefix + channel name); the indexer runs its own
     * KafkaConsumer, which takes {@code kafka.client.id} as it is.
     */
    static String clientIdSetting(ServiceSpec service) {
        return service.module().equals("indexer-service") ? "kafka.client.id=" + service.name()
                : "mp.messaging.connector.smallrye-kafka.client-id-prefix=" + service.name() + "-";
    }

    private List<String> command(ServiceSpec service) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + service.heap(),
                "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
                "-Dquarkus.http.port=" + service.port(),
                "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "-Dsnapfind.milvus.uri=" + milvus.uri(),
                "-Dquarkus.rest-client.detector.url=" + serviceUrl("detector-service"),
                "-Dquarkus.rest-client.embedder.url=" + serviceUrl("embedder-service"),
                "-Dquarkus.rest-client.indexer.url=" + serviceUrl("indexer-service")));
        if (CONSUMING_SERVICES.contains(service.module())) {
            command.add("-D" + clientIdSetting(service));
        }
        service.settings().forEach(setting -> command.add("-D" + setting));
        settings.forEach(setting -> command.add("-D" + setting));
        command.addAll(List.of("-jar", service.jar(root).toString()));
        return command;
    }

    /**
     * Starts one more instance of a service's module under its own name and a free port, with the settings of the
     * running instance changed by {@code changedSettings} (e.g. its own consumer group), and waits until it is ready.
     * {@link #close()} stops it with the rest.
     */
    public String addService(String name, String module, List<String> changedSettings, Duration readyTimeout)
            throws InterruptedException {
        if (services.containsKey(name)) {
            throw new IllegalStateException("a service named " + name + " is already running");
        }
        List<String> base = services.values().stream().filter(running -> running.module().equals(module))
                .findFirst().map(ServiceSpec::settings).orElse(List.of());
        ServiceSpec service = new ServiceSpec(name, module, FreePort.find(), "1g", merged(base, changedSettings));
        services.put(name, service);
        awaitReady(service, launch(name), System.nanoTime(), readyTimeout);
        return service.url();
    }

    /** Stops a service started by {@link #addService} and forgets it. */
    public void removeService(String name) {
        stopService(name);
        services.remove(name);
    }

    /** Restarts a service with settings added to (or replacing, by key) the ones it had, and waits until ready. */
    public void restartService(String name, List<String> changedSettings, Duration readyTimeout)
            throws InterruptedException {
        ServiceSpec service = services.get(name);
        ServiceSpec changed = new ServiceSpec(service.name(), service.module(), service.port(), service.heap(),
                merged(service.settings(), changedSettings));
        stopService(name);
        services.put(name, changed);
        startService(name, readyTimeout);
    }

    /** {@code settings} with each of {@code changes} ({@code key=value}) added or replacing the one of its key. */
    private static List<String> merged(List<String> settings, List<String> changes) {
        List<String> merged = new ArrayList<>(settings);
        for (String setting : changes) {
            String key = setting.substring(0, setting.indexOf('=') + 1);
            merged.removeIf(existing -> existing.startsWith(key));
            merged.add(setting);
        }
        return merged;
    }

    /** The key of the indexer's admin API, random per start. */
    public String adminKey() {
        return adminKey;
    }

    public Path runDir() {
        return runDir;
    }

    /** The embedding model a re-index made active in this run directory, if any; it survives restarts. */
    static Optional<String> activeModel(Path runDir) throws IOException {
        Path file = runDir.resolve(ACTIVE_MODEL_FILE);
        return Files.exists(file) ? Optional.of(Files.readString(file).trim()).filter(m -> !m.isEmpty())
                : Optional.empty();
    }

    /** The products' pictures under the run dir, written by the detector and served by the gateway. */
    public static final String PICTURES_DIR = "pictures";

    /** The run dir's record of the embedder's model (written by a re-index), read at every start. */
    public static final String ACTIVE_MODEL_FILE = "embedder-model";
    static final String EMBEDDER_MODEL = "snapfind.embedder.model";

    /** Stops one service, as an outage or a benchmark of the other stages would. */
    public void stopService(String name) {
        ChildProcess process = running.remove(name);
        if (process != null) {
            started.remove(process);
            process.close();
        }
    }

    /** Backoff before the first restart of a service that exited; it doubles with each restart, up to the max. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /** A service ready for this long after a restart starts again from the first backoff. */
    static final Duration STABLE_AFTER = Duration.ofMinutes(2);

    /** What {@link #supervise} knows of one service's restarts. */
    private static final class Restarts {
        int count;
        Integer lastExitCode;
        Duration backoff = FIRST_BACKOFF;
        long restartAt;
        long readySince;
    }

    /**
     * One state of a process of the system: {@code state} is {@code ready}, {@code not ready} (with the reason),
     * {@code restarting} (with when), {@code stopped} (stopped on purpose, not restarted) or, for Kafka and Milvus
     * Lite, {@code running} or {@code exited}.
     */
    public record ProcessState(String name, long pid, String address, String state, int restarts,
            Integer lastExitCode) {
        /** Whether a process in this state is doing its job: a ready service, a running Kafka or Milvus Lite. */
        public static boolean isOk(String state) {
            return state.equals("ready") || state.equals("running");
        }
    }

    /**
     * One round of supervision, for a launcher that keeps the system up: a service whose process exited on its own
     * is restarted after a backoff (1 s, doubling to 1 min, back to 1 s once it has been ready for 2 min), each exit
     * and restart reported to {@code log}; a service stopped through {@link #stopService} stays stopped. Kafka and
     * Milvus Lite are reported, not restarted (their data directories and ports are this process's to recover).
     * Returns the state of every process; nothing once the system is closing.
     */
    public synchronized List<ProcessState> supervise(Consumer<String> log) {
        List<ProcessState> states = new ArrayList<>();
        if (closing) {
            return states;
        }
        states.add(new ProcessState("kafka", kafka.pid(), kafka.bootstrapServers(),
                kafka.isAlive() ? "running" : "exited", 0, null));
        states.add(new ProcessState("milvus-lite", milvus.isRunning() ? milvus.pid() : -1, milvus.uri(),
                milvus.isRunning() ? "running" : "exited", 0, null));
        long now = System.nanoTime();
        for (ServiceSpec service : services.values()) {
            String name = service.name();
            Restarts record = restarts.computeIfAbsent(name, n -> new Restarts());
            ChildProcess process = running.get(name);
            if (process != null && process.exitCode().isPresent()) {
                record.lastExitCode = process.exitCode().getAsInt();
                running.remove(name);
                started.remove(process);
                record.restartAt = now + record.backoff.toNanos();
                log.accept(name + " exited with code " + record.lastExitCode + "; restarting in "
                        + record.backoff.toSeconds() + " s (see " + process.logFile() + ")");
                process = null;
            } else if (process == null && record.restartAt != 0 && now >= record.restartAt) {
                record.count++;
                record.restartAt = 0;
                record.readySince = 0;
                record.backoff = record.backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
                        : record.backoff.multipliedBy(2);
                log.accept("restarting " + name + " (restart " + record.count + ")");
                process = launch(name);
            }
            String state;
            if (process == null) {
                state = record.restartAt != 0 ? "restarting in "
                        + Math.max(0, (record.restartAt - now) / 1_000_000_000L) + " s" : "stopped";
            } else {
                state = readiness(service);
                if (state.equals("ready") && record.count > 0) {
                    if (record.readySince == 0) {
                        record.readySince = now;
                    } else if (now - record.readySince > STABLE_AFTER.toNanos()) {
                        record.backoff = FIRST_BACKOFF;
                    }
                }
            }
            states.add(new ProcessState(name, process == null ? -1 : process.pid(), service.url(), state, record.count,
                    record.lastExitCode));
        }
        return states;
    }

    private String readiness(ServiceSpec service) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(service.url()
                    + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? "ready" : "not ready (" + response.statusCode() + ")";
        } catch (IOException e) {
            return "not ready (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not ready (interrupted)";
        }
    }

    /** Starts a stopped service again with the same settings and waits until it is ready. */
    public void startService(String name, Duration readyTimeout) throws InterruptedException {
        if (running.containsKey(name)) {
            return;
        }
        awaitReady(services.get(name), launch(name), System.nanoTime(), readyTimeout);
    }

    private ChildProcess launch(String name) {
        ChildProcess process = ChildProcess.start(name, command(services.get(name)), environment, logs.resolve(name + ".log"));
        started.add(process);
        running.put(name, process);
        return process;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public MilvusLite milvus() {
        return milvus;
    }

    public List<ServiceSpec> services() {
        return List.copyOf(services.values());
    }

    public String serviceUrl(String name) {
        return services.get(name).url();
    }

    public String gatewayUrl() {
        return serviceUrl("query-gateway");
    }

    private void awaitReady(ServiceSpec service, ChildProcess process, long startedAt,
            Duration readyTimeout) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        String lastAnswer = "no answer";
        while (System.nanoTime() - startedAt < readyTimeout.toNanos()) {
            process.requireAlive();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
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

    @Override
    public void close() {
        closing = true;
        synchronized (this) {
            stopAll();
        }
    }

    private void stopAll() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("snapfind: stopping failed: " + e.getMessage());
            }
        }
        started.clear();
    }
}
