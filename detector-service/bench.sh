#!/usr/bin/env bash
# D1 benchmark: detector images/s on CPU (service path, whole per-image pipeline with crops, raw ONNX Runtime), see docs/bench/detector-service.md.
# Usage: detector-service/bench.sh [--model yolov8n|yolox-nano] [--passes N] [--intra-op-threads N] [--inter-op-threads N] [--spinning true|false]
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
./mvnw -B -q -DskipTests install -pl contracts,harness,imaging
./mvnw -B -q -DskipTests test-compile dependency:build-classpath -pl detector-service \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cd detector-service
exec java -Xmx2g -Djava.awt.headless=true -Dai.djl.offline=true -Doffline=true \
  -Dsnapfind.assets="${SNAPFIND_ASSETS:-../../shared/assets}" \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.snapfind.detector.bench.DetectorBenchmark "$@"
