package io.snapfind.deploy;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.smallrye.config.ConfigMappingInterface;
import io.smallrye.config.ConfigMappings;
import io.snapfind.contracts.Topics;
import io.snapfind.harness.ProjectPaths;

/**
 * What one service's own configuration says, for comparison with the deployment files: its HTTP port, its consumer
 * group ids and the configuration keys it knows. The keys are those of its application.properties (every profile,
 * and the keys its expressions refer to) and those of its {@code @ConfigMapping} interfaces and the ones of the
 * support modules it uses, read with SmallRye Config's own mapping model, so that keys with only a default in code
 * count and a misspelt environment variable does not.
 */
record ServiceConfiguration(String module, int httpPort, String metricsPath, Set<String> groupIds,
        List<Pattern> keysAsEnvironment) {

    static final List<String> MODULES = List.of("detector-service", "embedder-service", "indexer-service",
            "query-gateway");
    /** Support modules whose @ConfigMapping interfaces a service reads when its POM depends on them. */
    private static final List<String> SUPPORT_MODULES = List.of("milvus-support", "service-support");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}]+)");
    private static final Pattern GROUP_ID = Pattern.compile("mp\\.messaging\\.incoming\\.[^.]+\\.group\\.id");

    static ServiceConfiguration of(String module) throws IOException {
        Path root = ProjectPaths.root();
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(root.resolve(module).resolve(
                "src/main/resources/application.properties"))) {
            properties.load(reader);
        }
        Set<String> keys = new TreeSet<>();
        Set<String> groupIds = new LinkedHashSet<>();
        for (String name : properties.stringPropertyNames()) {
            String key = name.startsWith("%") ? name.substring(name.indexOf('.') + 1) : name;
            keys.add(key);
            Matcher references = EXPRESSION.matcher(properties.getProperty(name));
            while (references.find()) {
                keys.add(references.group(1));
            }
            if (GROUP_ID.matcher(key).matches() && !name.startsWith("%")) {
                groupIds.add(properties.getProperty(name));
            }
        }
        String pom = Files.readString(root.resolve(module).resolve("pom.xml"));
        List<String> sources = new ArrayList<>(List.of(module));
        SUPPORT_MODULES.stream().filter(m -> pom.contains("<artifactId>" + m + "</artifactId>")).forEach(sources::add);
        for (String source : sources) {
            for (Class<?> mapping : configMappings(root.resolve(source).resolve("src/main/java"))) {
                for (Map.Entry<String, ConfigMappingInterface.Property> property
                        : ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(mapping)).entrySet()) {
                    keys.add(property.getKey());
                    if (property.getKey().endsWith(".group-id") && property.getValue().hasDefaultValue()) {
                        groupIds.add(property.getValue().getDefaultValue());
                    }
                }
            }
        }
        return new ServiceConfiguration(module, Integer.parseInt(properties.getProperty("quarkus.http.port")),
                properties.getProperty("quarkus.micrometer.export.prometheus.path"), groupIds,
                keys.stream().map(ServiceConfiguration::asEnvironment).toList());
    }

    /** Whether the environment variable sets one of this service's configuration keys. */
    boolean knows(String environmentVariable) {
        return keysAsEnvironment.stream().anyMatch(p -> p.matcher(environmentVariable).matches());
    }

    /** The topics of the contracts (Topics' constants) and their dead-letter topics. */
    static Set<String> topics() {
        Set<String> topics = new TreeSet<>();
        for (Field field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    String topic = (String) field.get(null);
                    topics.add(topic);
                    topics.add(topic + ".dlq");
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return topics;
    }

    // Quarkus's environment variable naming: upper case, every other character than a letter or digit an
    // underscore; a map's key (* in a mapping's path) may be anything.
    private static Pattern asEnvironment(String key) {
        StringBuilder regex = new StringBuilder();
        String[] literals = key.split("\\*", -1);
        for (int i = 0; i < literals.length; i++) {
            if (i > 0) {
                regex.append("[A-Z0-9_]+");
            }
            regex.append(Pattern.quote(literals[i].toUpperCase().replaceAll("[^A-Z0-9]", "_")));
        }
        return Pattern.compile(regex.toString());
    }

    private static List<Class<?>> configMappings(Path sources) throws IOException {
        List<Class<?>> mappings = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (Files.readString(file).contains("@ConfigMapping(")) {
                    String name = sources.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
                    try {
                        mappings.add(Class.forName(name));
                    } catch (ClassNotFoundException e) {
                        throw new IllegalStateException(name + " is not on the test classpath: add its module to "
                                + "deploy/pom.xml's test dependencies", e);
                    }
                }
            }
        }
        return mappings;
    }
}
