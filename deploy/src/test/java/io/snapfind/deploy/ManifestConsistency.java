package io.snapfind.deploy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Compares the deployment files with the services' own configuration (ServiceConfiguration) and the contracts'
 * topics, so the two cannot drift apart: image names, ports, environment variable names, topics, consumer groups,
 * health and metrics paths. Each method returns the disagreements, one a line; none when all agree.
 */
final class ManifestConsistency {

    /** Read by the JVM's start script (deploy/Dockerfile) and by DJL itself, not Quarkus configuration keys. */
    /** Read by the JVM, DJL, glibc or CUDA, not by Quarkus' configuration. */
    private static final Set<String> NOT_CONFIGURATION = Set.of("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "DJL_OFFLINE",
            "OPT_OUT_TRACKING", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR", "MALLOC_ARENA_MAX", "CUDA_CACHE_PATH");
    /** The re-index's crops topics (deploy's Reindex, k8s/components/reindex): images.crops.reindex[-model]. */
    private static final Pattern REINDEX_TOPIC = Pattern.compile(Pattern.quote(
            io.snapfind.contracts.Topics.IMAGES_CROPS + ".reindex") + "(-[a-z0-9.+-]+)?");
    private static final Map<String, String> PROBE_PATHS = Map.of("startupProbe", "/q/health/started",
            "readinessProbe", "/q/health/ready", "livenessProbe", "/q/health/live");
    private static final Pattern IMAGE = Pattern.compile("snapfind/([a-z-]+):(.+)");

    private final Map<String, ServiceConfiguration> services = new HashMap<>();
    private final String imageTag;

    /** @param projectVersion the Maven project version; images are tagged with its release form (no -SNAPSHOT) */
    ManifestConsistency(String projectVersion) throws IOException {
        for (String module : ServiceConfiguration.MODULES) {
            services.put(module, ServiceConfiguration.of(module));
        }
        this.imageTag = projectVersion.replaceFirst("-SNAPSHOT$", "");
    }

    List<String> kubernetesProblems(List<JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        Map<String, List<ServiceConfiguration>> configMapConsumers = new HashMap<>();
        Map<String, ServiceConfiguration> deployments = new HashMap<>();
        for (JsonNode deployment : ofKind(objects, "Deployment")) {
            String where = "Deployment " + name(deployment);
            for (JsonNode container : deployment.at("/spec/template/spec/containers")) {
                String at = where + " container " + container.path("name").asText();
                ServiceConfiguration service = serviceOfImage(container.path("image").asText(), at, problems);
                if (service == null) {
                    continue;
                }
                deployments.putIfAbsent(name(deployment), service);
                Map<String, Integer> ports = new HashMap<>();
                for (JsonNode port : container.path("ports")) {
                    ports.put(port.path("name").asText(), port.path("containerPort").asInt());
                    if (port.path("containerPort").asInt() != service.httpPort()) {
                        problems.add(at + ": containerPort " + port.path("containerPort").asInt() + " is not "
                                + service.module() + "'s quarkus.http.port " + service.httpPort());
                    }
                }
                for (Map.Entry<String, String> probe : PROBE_PATHS.entrySet()) {
                    JsonNode get = container.path(probe.getKey()).path("httpGet");
                    if (get.isMissingNode()) {
                        if (!probe.getKey().equals("startupProbe")) {
                            problems.add(at + ": no " + probe.getKey());
                        }
                        continue;
                    }
                    if (!get.path("path").asText().equals(probe.getValue())) {
                        problems.add(at + ": " + probe.getKey() + " path " + get.path("path").asText() + " is not "
                                + probe.getValue());
                    }
                    JsonNode port = get.path("port");
                    int number = port.isInt() ? port.asInt() : ports.getOrDefault(port.asText(), -1);
                    if (number != service.httpPort()) {
                        problems.add(at + ": " + probe.getKey() + " port " + port.asText() + " is not the HTTP port "
                                + service.httpPort());
                    }
                }
                for (JsonNode env : container.path("env")) {
                    checkVariable(env.path("name").asText(), List.of(service), at, problems);
                    if (env.path("name").asText().equals("QUARKUS_HTTP_PORT")
                            && !env.path("value").asText().equals(String.valueOf(service.httpPort()))) {
                        problems.add(at + ": QUARKUS_HTTP_PORT " + env.path("value").asText() + " is not "
                                + service.httpPort());
                    }
                }
                for (JsonNode source : container.path("envFrom")) {
                    String configMap = source.at("/configMapRef/name").asText();
                    if (!configMap.isEmpty()) {
                        configMapConsumers.computeIfAbsent(configMap, k -> new ArrayList<>()).add(service);
                    }
                }
            }
        }
        // A ConfigMap shared by several services: each of its keys must be a setting of at least one of them.
        for (JsonNode configMap : ofKind(objects, "ConfigMap")) {
            List<ServiceConfiguration> consumers = configMapConsumers.get(name(configMap));
            if (consumers != null) {
                configMap.path("data").fieldNames().forEachRemaining(variable -> checkVariable(variable, consumers,
                        "ConfigMap " + name(configMap), problems));
            }
        }
        checkTopics(objects, problems);
        checkScaledObjects(objects, deployments, problems);
        Set<String> metricsPaths = new TreeSet<>();
        services.values().forEach(s -> metricsPaths.add(s.metricsPath()));
        for (JsonNode monitor : ofKind(objects, "ServiceMonitor")) {
            for (JsonNode endpoint : monitor.at("/spec/endpoints")) {
                if (!metricsPaths.contains(endpoint.path("path").asText())) {
                    problems.add("ServiceMonitor " + name(monitor) + ": path " + endpoint.path("path").asText()
                            + " is not the services' metrics path " + metricsPaths);
                }
            }
        }
        return problems;
    }

    List<String> composeProblems(JsonNode compose) {
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = compose.path("services").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode definition = entry.getValue();
            String at = "compose service " + entry.getKey();
            String module = definition.at("/build/args/MODULE").asText();
            ServiceConfiguration service;
            if (!module.isEmpty()) {
                service = services.get(module);
                if (service == null) {
                    problems.add(at + ": builds " + module + ", which is not a Snapfind service");
                    continue;
                }
            } else if (definition.path("image").asText().startsWith("snapfind/")) {
                service = serviceOfImage(interpolated(definition.path("image").asText()), at, problems);
                if (service == null) {
                    continue;
                }
            } else {
                continue;
            }
            for (JsonNode port : definition.path("ports")) {
                String[] parts = port.asText().split(":");
                if (!parts[parts.length - 1].equals(String.valueOf(service.httpPort()))) {
                    problems.add(at + ": container port " + port.asText() + " is not " + service.module()
                            + "'s quarkus.http.port " + service.httpPort());
                }
            }
            JsonNode environment = definition.path("environment");
            List<String> variables = new ArrayList<>();
            if (environment.isArray()) {
                environment.forEach(e -> variables.add(e.asText().split("=", 2)[0]));
            } else {
                environment.fieldNames().forEachRemaining(variables::add);
            }
            variables.forEach(v -> checkVariable(v, List.of(service), at, problems));
        }
        // The topics the compose file creates: every topic of the contracts, and no other.
        String topicCommands = compose.at("/services/kafka-topics/command").toString();
        Set<String> created = new TreeSet<>();
        Matcher topic = Pattern.compile("--topic ([a-z.]+)|for topic in ([a-z. ]+);").matcher(topicCommands);
        while (topic.find()) {
            created.addAll(List.of((topic.group(1) != null ? topic.group(1) : topic.group(2)).trim().split(" +")));
        }
        if (!created.equals(ServiceConfiguration.topics())) {
            problems.add("compose service kafka-topics creates " + created + ", the contracts' topics are "
                    + ServiceConfiguration.topics());
        }
        return problems;
    }

    private void checkTopics(List<JsonNode> objects, List<String> problems) {
        Set<String> declared = new TreeSet<>();
        for (JsonNode topic : ofKind(objects, "KafkaTopic")) {
            String topicName = topic.at("/spec/topicName").asText(name(topic));
            declared.add(topicName);
            if (!ServiceConfiguration.topics().contains(topicName) && !REINDEX_TOPIC.matcher(topicName).matches()) {
                problems.add("KafkaTopic " + name(topic) + ": " + topicName + " is not a topic of the contracts "
                        + ServiceConfiguration.topics());
            }
        }
        // An overlay with its own Strimzi Kafka cluster declares every topic the services use.
        if (!ofKind(objects, "Kafka").isEmpty() && !declared.containsAll(ServiceConfiguration.topics())) {
            Set<String> missing = new TreeSet<>(ServiceConfiguration.topics());
            missing.removeAll(declared);
            problems.add("the Kafka cluster has no KafkaTopic for " + missing);
        }
    }

    private static void checkScaledObjects(List<JsonNode> objects, Map<String, ServiceConfiguration> deployments,
            List<String> problems) {
        for (JsonNode scaled : ofKind(objects, "ScaledObject")) {
            String at = "ScaledObject " + name(scaled);
            ServiceConfiguration target = deployments.get(scaled.at("/spec/scaleTargetRef/name").asText());
            if (target == null) {
                problems.add(at + ": scales " + scaled.at("/spec/scaleTargetRef/name").asText()
                        + ", which is no Deployment of a Snapfind service here");
                continue;
            }
            for (JsonNode trigger : scaled.at("/spec/triggers")) {
                if (!trigger.path("type").asText().equals("kafka")) {
                    continue;
                }
                String topic = trigger.at("/metadata/topic").asText();
                if (!ServiceConfiguration.topics().contains(topic) && !REINDEX_TOPIC.matcher(topic).matches()) {
                    problems.add(at + ": topic " + topic + " is not a topic of the contracts");
                }
                String group = trigger.at("/metadata/consumerGroup").asText();
                if (!target.groupIds().contains(group)) {
                    problems.add(at + ": consumerGroup " + group + " is not " + target.module()
                            + "'s consumer group " + target.groupIds());
                }
            }
        }
    }

    /** {@code ${NAME}} replaced by deploy/.env's value, as Compose does. */
    private static String interpolated(String value) {
        Properties env = new Properties();
        try (java.io.Reader reader = java.nio.file.Files.newBufferedReader(
                io.snapfind.harness.ProjectPaths.root().resolve("deploy/.env"))) {
            env.load(reader);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Matcher variable = Pattern.compile("\\$\\{([A-Z_]+)}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (variable.find()) {
            variable.appendReplacement(out, Matcher.quoteReplacement(env.getProperty(variable.group(1), "")));
        }
        return variable.appendTail(out).toString();
    }

    private ServiceConfiguration serviceOfImage(String image, String at, List<String> problems) {
        Matcher matcher = IMAGE.matcher(image);
        // The embedder's CUDA build (-Pcuda) is the image snapfind/embedder-service-cuda.
        String module = matcher.matches() ? matcher.group(1).replaceFirst("^embedder-service-cuda$", "embedder-service")
                : null;
        if (module == null || !services.containsKey(module)) {
            problems.add(at + ": image " + image + " is not snapfind/<service>:<tag> of a Snapfind service");
            return null;
        }
        String tag = matcher.group(2);
        if (!tag.equals(imageTag)) {
            problems.add(at + ": image " + image + " is not tagged " + imageTag);
        }
        return services.get(module);
    }

    private static void checkVariable(String variable, List<ServiceConfiguration> consumers, String at,
            List<String> problems) {
        if (!NOT_CONFIGURATION.contains(variable) && consumers.stream().noneMatch(s -> s.knows(variable))) {
            problems.add(at + ": environment variable " + variable + " sets no configuration key of "
                    + consumers.stream().map(ServiceConfiguration::module).distinct().toList());
        }
    }

    private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    private static String name(JsonNode object) {
        return object.at("/metadata/name").asText();
    }
}
