#!/usr/bin/env bash
# P1 benchmark: embedder images/s and latency on CPU against raw ONNX Runtime loops, a raw decode+inference pipeline and the naive one-at-a-time
# path; see docs/bench/embedder-service.md.
# Usage: embedder-service/bench.sh [images=256] [passes=5] [batches=1,8,32]   (quick check: 64 1 1,8)
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
./mvnw -B -q -DskipTests -Dsnapfind.skipMilvusInstall=true install -pl contracts,harness,imaging
exec ./mvnw -B -q -pl embedder-service -Pbench test-compile exec:exec \
  -Dbench.args="${1:-256} ${2:-5} ${3:-1,8,32}"
