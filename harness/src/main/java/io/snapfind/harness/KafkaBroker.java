package io.snapfind.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) from Apache Kafka's own jars, in a child JVM
 * on 127.0.0.1 with its heap capped. Used by integration tests and by the local launcher.
 */
public final class KafkaBroker implements AutoCloseable {

    /** Large enough for a product event carrying inline images or a batch of crops. */
    public static final int MAX_MESSAGE_BYTES = 20 * 1024 * 1024;

    private static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";

    private final int port;
    private final List<String> command;
    private final Path logFile;
    private ChildProcess process;

    private KafkaBroker(int port, List<String> command, Path logFile) {
        this.port = port;
        this.command = command;
        this.logFile = logFile;
    }

    /**
     * Formats {@code dataDir} if it is new, starts the broker on {@code port} and waits until it answers.
     *
     * @param logFile where the broker's output goes
     */
    public static KafkaBroker start(Path dataDir, int port, Path logFile, Duration readyWithin) {
        if (FreePort.isTaken(port)) {
            throw new IllegalStateException("Kafka port " + port + " on 127.0.0.1 is already in use");
        }
        try {
            Files.createDirectories(dataDir);
            int controllerPort = FreePort.find();
            Path config = writeConfig(dataDir, port, controllerPort);
            String classpath = brokerClasspath();
            if (!Files.exists(dataDir.resolve("logs/meta.properties"))) {
                format(classpath, config, logFile);
            }
            KafkaBroker broker = new KafkaBroker(port, javaCommand(classpath, "kafka.Kafka", config.toString()),
                    logFile);
            broker.startAgain(readyWithin);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the Kafka broker in " + dataDir, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Kills the broker with SIGKILL, keeping its log directory, as a crash would; {@link #startAgain} brings it back
     * on the same port, controller port and data.
     */
    public synchronized void kill() {
        if (process != null) {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
            process.close();
            process = null;
        }
    }

    /** Starts the broker (again) on its data directory and port, and waits until it answers. */
    public synchronized void startAgain(Duration readyWithin) {
        if (isAlive()) {
            return;
        }
        if (FreePort.isTaken(port)) {
            throw new IllegalStateException("Kafka port " + port + " on 127.0.0.1 is already in use");
        }
        process = ChildProcess.start("kafka", command, Map.of(), logFile);
        awaitReady(readyWithin);
    }

    /** Creates the topics if they do not exist yet, with the given partition count. */
    public void createTopics(int partitions, boolean compacted, String... topics) {
        try (Admin admin = admin()) {
            List<NewTopic> requests = new ArrayList<>();
            for (String topic : topics) {
                NewTopic request = new NewTopic(topic, partitions, (short) 1);
                if (compacted) {
                    request.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                }
                requests.add(request);
            }
            for (var result : admin.createTopics(requests).values().values()) {
                try {
                    result.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic: " + e.getCause().getMessage(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka did not create the topics within 30 s", e);
        }
    }

    public Admin admin() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(properties);
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.close();
        }
    }

    private void awaitReady(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            process.requireAlive();
            // Until the listener accepts connections, an admin client would log a WARN for each attempt; a plain
            // socket probe waits for it silently.
            if (!acceptsConnections()) {
                sleep(100);
                continue;
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
                sleep(200);
            }
        }
        process.close();
        throw new IllegalStateException("Kafka did not become ready on " + bootstrapServers() + " within " + within
                + " (" + last + "); last log lines:\n" + process.tailOfLog(30));
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void format(String classpath, Path config, Path logFile) {
        ChildProcess.runToCompletion("kafka-storage-format", javaCommand(classpath, "kafka.tools.StorageTool",
                "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()), logFile, Duration.ofSeconds(60));
    }

    private static Path writeConfig(Path dataDir, int port, int controllerPort) throws IOException {
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", dataDir.resolve("logs").toString());
        config.put("num.partitions", "3");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "3");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "true");
        config.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        config.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        Path file = dataDir.resolve("server.properties");
        try (var writer = Files.newBufferedWriter(file)) {
            config.store(writer, "Snapfind single-node KRaft broker");
        }
        return file;
    }

    private static List<String> javaCommand(String classpath, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true", "-cp", classpath, mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static String brokerClasspath() throws IOException {
        try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + CLASSPATH_RESOURCE
                        + " is missing: build the harness module with ./mvnw (it is generated at build time)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
