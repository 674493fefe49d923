package io.snapfind.harness.quarkus;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.snapfind.harness.SharedInfrastructure;

/** Points a Quarkus test at the real shared Milvus Lite server. */
public class MilvusLiteTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("snapfind.milvus.uri", SharedInfrastructure.milvus().uri());
    }

    @Override
    public void stop() {
        // shared for the whole JVM; SharedInfrastructure stops it at exit
    }
}
