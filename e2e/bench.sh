#!/usr/bin/env bash
# Benchmarks on the real stack (Kafka, Milvus Lite and the four services on free loopback ports):
#   ./e2e/bench.sh search [productsPerCategory=20] [requestsPerClient=24] [model=the default]   P4: search latency vs the in-process floor
#   ./e2e/bench.sh pipeline [products=120]                                   P2/P3: ingest throughput and freshness (as search sees it)
#   ./e2e/bench.sh rooms [--model ID] [--part all|tune|report] [--rooms N]   Q-rooms-*: shop the look, whole IKEA catalog
#   ./e2e/bench.sh scale [products=300]                                      SCALE-*: 1 vs 2 instances per stage, one killed
#   ./e2e/bench.sh crash [products=2000]                                     R-crash-*: kill -9 each stage, restart Milvus Lite and Kafka
#   ./e2e/bench.sh load [products=2000]                                      R-load-*: 16 search clients for 60 s while products are ingested
set -euo pipefail
case "${1:-}" in
  search) main=io.snapfind.e2e.bench.SearchLoadBenchmark ;;
  pipeline) main=io.snapfind.e2e.PipelineBenchmark ;;
  rooms) main=io.snapfind.e2e.bench.RoomsBenchmark ;;
  scale) main=io.snapfind.e2e.bench.ScaleOutBenchmark ;;
  crash) main=io.snapfind.e2e.bench.CrashMatrixBenchmark ;;
  load) main=io.snapfind.e2e.bench.LoadUnderIngestBenchmark ;;
  *) echo "usage: e2e/bench.sh search|pipeline|rooms|scale|crash|load [args]" >&2; exit 2 ;;
esac
shift
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
./mvnw -B -q -DskipTests install
./mvnw -B -q -DskipTests test-compile dependency:build-classpath -pl e2e \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xmx2g -Djava.awt.headless=true -Dai.djl.offline=true -Doffline=true -DOPT_OUT_TRACKING=true \
  -Dsnapfind.root="$PWD" -Dsnapfind.assets="${SNAPFIND_ASSETS:-$PWD/../shared/assets}" \
  -cp "e2e/target/test-classes:$(cat e2e/target/bench.classpath)" \
  "$main" "$@"
