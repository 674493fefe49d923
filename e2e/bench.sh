#!/usr/bin/env bash
# P4 search load benchmark on the real stack: ./e2e/bench.sh [productsPerCategory=20] [requestsPerClient=24]
# Builds and packages everything, starts Kafka, Milvus Lite and the four services on free loopback ports, indexes
# IKEA products, measures the in-process floor, then the gateway at 1, 4 and 16 concurrent clients.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
./mvnw -B -q -DskipTests install
./mvnw -B -q -DskipTests test-compile dependency:build-classpath -pl e2e \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xmx2g -Djava.awt.headless=true -Dai.djl.offline=true -Doffline=true -DOPT_OUT_TRACKING=true \
  -Dsnapfind.root="$PWD" -Dsnapfind.assets="${SNAPFIND_ASSETS:-$PWD/../shared/assets}" \
  -cp "e2e/target/test-classes:$(cat e2e/target/bench.classpath)" \
  io.snapfind.e2e.bench.SearchLoadBenchmark "$@"
