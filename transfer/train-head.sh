#!/usr/bin/env bash
# Transfer learning: train a projection head on a frozen backbone's features (any embedder catalogue id), or measure
# one. See transfer/README.md.
# Usage: transfer/train-head.sh [train-head] [--model ID] [options]   writes .run/heads/<ID>-grocery.head (+ .properties)
#        transfer/train-head.sh evaluate-head [--head FILE] [--model ID] [--mirror-average] [--ikea]
#        transfer/train-head.sh unseen-classes [--model ID] [train-head options]   does a head help with unseen products?
#        transfer/train-head.sh features --model ID      extract and cache the features only
#        transfer/train-head.sh train-head --help
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
classpath=transfer/target/classpath.txt
# Build when nothing is built yet, or when a source of this module or of the modules it runs changed since.
if [[ ! -f $classpath ]] || [[ -n $(find pom.xml transfer/pom.xml transfer/src embedder-service/pom.xml \
    embedder-service/src/main imaging/src/main evaluation/src/main harness/src/main \
    -newer "$classpath" -print -quit) ]]; then
  # -am: also the parent POM and every module transfer needs, so a fresh clone (nothing in ~/.m2 yet) builds.
  ./mvnw -B -q -DskipTests -Dsnapfind.skipMilvusInstall=true install -pl transfer -am
  ./mvnw -B -q -pl transfer dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
  touch "$classpath"
fi
command=train-head
if [[ $# -gt 0 && $1 != -* ]]; then
  command=$1
  shift
fi
exec java -Xmx2g -Djava.awt.headless=true -Dai.djl.offline=true -Doffline=true -DOPT_OUT_TRACKING=true \
  -cp "transfer/target/classes:$(cat "$classpath")" io.snapfind.transfer.TransferCli "$command" "$@"
