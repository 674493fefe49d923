#!/usr/bin/env bash
# Retrieval quality: evaluate the embedder's models on a labelled image set (see quality/README.md).
# Usage: quality/eval.sh eval    [--set grocery|ikea|folders|gallery-queries] [--model ID | --fuse A,B] [--metric M] [--mode V] [--head FILE] [--out DIR]
#        quality/eval.sh compare [--set ...] [--models A,B] [--head FILE] [--out DIR]
#        quality/eval.sh rooms   [--model ID] [--tiles [2,3]] [--whole] [--part all|tune|report] [--rooms N] [--out DIR]
#        quality/eval.sh whiten  --model ID --out FILE | chart [--tsv FILE --out PNG]
#        quality/eval.sh explain [--models A,B] [--composites N] [--out DIR]
#        quality/eval.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
mark=quality/target/classes/io/snapfind/quality/QualityCli.class
if [[ ! -f quality/target/classpath.txt || ! -f $mark || -n "$(find quality/src/main quality/pom.xml -newer "$mark" -print -quit)" ]]; then
  # The module alone when its upstream modules are in the local repository; otherwise build them too, once.
  ./mvnw -B -q -DskipTests -pl quality compile 2>/dev/null \
    || ./mvnw -B -q -DskipTests -Dsnapfind.skipMilvusInstall=true install -pl quality -am
fi
exec java -Xmx3g -Djava.awt.headless=true -Dai.djl.offline=true -Doffline=true -DOPT_OUT_TRACKING=true \
  -Dsnapfind.root="$PWD" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "quality/target/classes:$(cat quality/target/classpath.txt)" io.snapfind.quality.QualityCli "$@"
