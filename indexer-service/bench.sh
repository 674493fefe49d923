#!/usr/bin/env bash
# Indexer-only benchmark: its own KRaft broker and Milvus Lite, synthetic VectorsEvents through the production
# ingest loop. Options (all optional): --products=2000 --images=2 --crops=3 --dimension=1280 --rate-fraction=0.5
# --freshness-seconds=60. See indexer-service/README.md, "Benchmark".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
bash scripts/install-milvus-lite.sh
./mvnw -B -q -DskipTests install -pl contracts,harness
./mvnw -B -q -DskipTests test-compile -pl indexer-service
./mvnw -B -q dependency:build-classpath -pl indexer-service -Dmdep.includeScope=test \
  -Dmdep.outputFile="$ROOT/indexer-service/target/bench.classpath"
cd indexer-service
exec java -Xmx2g -Dsnapfind.root="$ROOT" -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.snapfind.indexer.bench.IndexerBenchmark "$@"
