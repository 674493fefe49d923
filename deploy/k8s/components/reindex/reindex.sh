#!/usr/bin/env bash
# The cluster steps of `./snapfind reindex` (deploy/src/main/java/io/snapfind/deploy/Reindex.java), run by the Jobs
# of deploy/k8s/components/reindex in the Strimzi Kafka image:
#   reindex.sh reindex  check the new embedder's model, create its collection, wait until the replay has caught up
#                       (no lag on the replay groups nor the indexer's, enough rows), swap the alias;
#   reindex.sh drain    wait until the replay groups have no lag (after the main embedder was switched).
# Parameters are files in /etc/snapfind-reindex (the ConfigMap snapfind-reindex); the admin key is the Secret
# snapfind-indexer's admin-key, the Kafka address the base's snapfind-addresses. Every step prints what it sees.
set -euo pipefail

PARAMS=${SNAPFIND_REINDEX_PARAMS:-/etc/snapfind-reindex}
param() { tr -d '\r\n' < "$PARAMS/$1"; }
MODEL=$(param model-id)
DIMENSION=$(param dimension)
MIN_COVERAGE=$(param min-coverage)
DETECTOR_GROUP=$(param detector-group)
EMBEDDER_GROUP=$(param embedder-group)
POLL_SECONDS=$(param poll-seconds)
BOOTSTRAP=$(tr -d '\r\n' < "${SNAPFIND_ADDRESSES:-/etc/snapfind-addresses}/kafka-bootstrap-servers")
ADMIN_KEY_FILE=${SNAPFIND_ADMIN_KEY_FILE:-/etc/snapfind-indexer/admin-key}
INDEXER_URL=${SNAPFIND_INDEXER_URL:-http://indexer-service:8083}
REPLAY_EMBEDDER_URL=${SNAPFIND_REPLAY_EMBEDDER_URL:-http://embedder-reindex:8082}
KAFKA_BIN=${KAFKA_HOME:-/opt/kafka}/bin
# Where each consumer on the replay's path reads (Reindex.java's map): the replaying detector, the new embedder and
# the running indexer (snapfind.indexer.ingest.group-id), which writes both models' vectors.
CATALOG_TOPIC=catalog.products
REPLAY_CROPS_TOPIC=images.crops.reindex
VECTORS_TOPIC=images.vectors
INDEXER_GROUP=indexer-service
# kafka-run-class.sh logs under $LOG_DIR (default inside the read-only image).
export LOG_DIR=${LOG_DIR:-/tmp/kafka-logs}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { log "FAILED: $*"; exit 1; }

# The key goes to curl in a header file, not on its command line.
printf 'X-Admin-Key: %s\n' "$(tr -d '\r\n' < "$ADMIN_KEY_FILE")" > "$WORK/admin-header"
chmod 600 "$WORK/admin-header"

# admin METHOD PATH [JSON]: the body of a 2xx answer on stdout; otherwise the status and body on stderr, status 1.
admin() {
    local status
    status=$(curl -sS --max-time 30 -o "$WORK/body" -w '%{http_code}' -X "$1" -H @"$WORK/admin-header" \
        -H 'Content-Type: application/json' ${3:+--data "$3"} "$INDEXER_URL$2") || {
        log "$1 $2: the indexer cannot be reached" >&2
        return 1
    }
    if [[ $status != 2* ]]; then
        log "$1 $2 answered $status: $(cat "$WORK/body")" >&2
        return 1
    fi
    cat "$WORK/body"
}

# A JSON string or number field of a flat object (the indexer's and Quarkus' answers; values hold no quotes).
field() { tr -d '\n' | sed -n "s/.*\"$1\" *: *\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p"; }

# GET /v1/admin/collections as lines "name rows aliased" (Jackson writes one object per collection).
collections() {
    admin GET /v1/admin/collections | tr -d '\n' | sed 's/},{/}\n{/g' | while IFS= read -r row || [[ -n $row ]]; do
        printf '%s %s %s\n' "$(field name <<< "$row")" "$(field rows <<< "$row")" "$(field aliased <<< "$row")"
    done
}

# Records not yet committed by each group on its topic, summed; a partition without a commit counts from offset 0,
# as in Reindex.lag. End offsets from kafka-get-offsets.sh (topic:partition:offset), commits from
# kafka-consumer-groups.sh --describe (GROUP TOPIC PARTITION CURRENT-OFFSET ...; "-" where nothing is committed;
# a group that does not exist yet has no rows).
lag() { # lag GROUP=TOPIC...
    local pairs="$*" topics=() pair groups=()
    for pair in "$@"; do
        groups+=(--group "${pair%%=*}")
        topics+=("$(sed 's/\./\\./g' <<< "${pair#*=}")")
    done
    local regex
    regex="^($(IFS='|'; echo "${topics[*]}"))\$"
    "$KAFKA_BIN/kafka-get-offsets.sh" --bootstrap-server "$BOOTSTRAP" --topic "$regex" > "$WORK/ends" 2> "$WORK/ends.err" \
        || { log "cannot read end offsets: $(tail -n 3 "$WORK/ends.err")" >&2; return 1; }
    "$KAFKA_BIN/kafka-consumer-groups.sh" --bootstrap-server "$BOOTSTRAP" --describe "${groups[@]}" \
        > "$WORK/commits" 2> "$WORK/commits.err" || true
    awk -v pairs="$pairs" '
        BEGIN { n = split(pairs, p, " "); for (i = 1; i <= n; i++) { eq = index(p[i], "="); group[substr(p[i], eq + 1)] = substr(p[i], 1, eq - 1) } }
        FILENAME == ARGV[1] {
            k = split($0, f, ":"); if (k < 3 || f[k] !~ /^[0-9]+$/) next
            topic = substr($0, 1, length($0) - length(f[k]) - length(f[k - 1]) - 2)
            if (topic in group) end[topic SUBSEP f[k - 1]] = f[k]
            next
        }
        $2 in group && group[$2] == $1 && $3 ~ /^[0-9]+$/ && $4 ~ /^[0-9]+$/ { done[$2 SUBSEP $3] = $4 }
        END {
            total = 0
            for (tp in end) total += end[tp] - ((tp in done) ? done[tp] : 0)
            print total
        }' "$WORK/ends" "$WORK/commits"
}

replay_lag() { lag "$DETECTOR_GROUP=$CATALOG_TOPIC" "$EMBEDDER_GROUP=$REPLAY_CROPS_TOPIC" "$INDEXER_GROUP=$VECTORS_TOPIC"; }

# The first step: the new embedder is up and runs the model and dimension of the parameters.
check_replay_embedder() {
    local health model dimension
    until health=$(curl -sS --max-time 10 -f "$REPLAY_EMBEDDER_URL/q/health/ready" 2> /dev/null); do
        log "waiting for embedder-reindex to be ready ..."
        sleep "$POLL_SECONDS"
    done
    model=$(field model <<< "$health")
    dimension=$(field dimension <<< "$health")
    [[ $model == "$MODEL" ]] || fail "embedder-reindex serves model '$model', the parameters say '$MODEL'"
    [[ $dimension == "$DIMENSION" ]] || fail "model $MODEL has dimension $dimension, the parameters say $DIMENSION"
    log "embedder-reindex serves $MODEL ($DIMENSION-d)"
}

reindex() {
    check_replay_embedder
    local created target
    until created=$(admin POST /v1/admin/collections "{\"modelId\":\"$MODEL\",\"dimension\":$DIMENSION}"); do
        sleep "$POLL_SECONDS"
    done
    target=$(field name <<< "$created")
    [[ -n $target ]] || fail "POST /v1/admin/collections answered without a name: $created"
    log "collection $target ready; replaying $CATALOG_TOPIC (groups $DETECTOR_GROUP, $EMBEDDER_GROUP) ..."

    local last="" state lag_now target_rows active active_rows needed
    while true; do
        if ! lag_now=$(replay_lag) || ! collections > "$WORK/collections"; then
            sleep "$POLL_SECONDS"
            continue
        fi
        target_rows=$(awk -v t="$target" '$1 == t { print $2 }' "$WORK/collections")
        active=$(awk '$3 == "true" { print $1 }' "$WORK/collections")
        active_rows=$(awk '$3 == "true" { print $2 }' "$WORK/collections")
        target_rows=${target_rows:-0}
        active_rows=${active_rows:-0}
        if [[ $active == "$target" ]]; then
            log "the alias already points at $target ($target_rows rows)"
            return 0
        fi
        state="replay lag $lag_now records, $target has $target_rows rows, the active collection ${active:-none} $active_rows"
        [[ $state == "$last" ]] || log "$state"
        last=$state
        needed=$(awk -v c="$MIN_COVERAGE" -v r="$active_rows" 'BEGIN { n = c * r; printf "%d", (n == int(n)) ? n : int(n) + 1 }')
        if (( lag_now == 0 && target_rows >= needed && (active_rows == 0 || target_rows > 0) )); then
            break
        fi
        sleep "$POLL_SECONDS"
    done

    log "caught up: swapping the alias to $target (minCoverage $MIN_COVERAGE)"
    local swap
    swap=$(admin PUT /v1/admin/alias "{\"collection\":\"$target\",\"minCoverage\":$MIN_COVERAGE}") \
        || fail "the indexer refused the swap (above); the alias still points at ${active:-nothing}"
    log "alias $(field alias <<< "$swap") moved from $(field from <<< "$swap") ($(field fromRows <<< "$swap") rows)" \
        "to $(field to <<< "$swap") ($(field toRows <<< "$swap") rows)"
    log "next: switch the main embedder to $MODEL, e.g."
    log "  kubectl -n snapfind set env deployment/embedder-service SNAPFIND_EMBEDDER_MODEL=$MODEL"
    log "  kubectl -n snapfind rollout status deployment/embedder-service"
    log "(searches answer 503 until its pods run $MODEL), then resume snapfind-reindex-drain (docs/operations.md)"
}

drain() {
    local lag_now
    while true; do
        if lag_now=$(replay_lag); then
            log "replay lag $lag_now records"
            if (( lag_now == 0 )); then
                log "drained: the re-index component can be removed (docs/operations.md)"
                return 0
            fi
        fi
        sleep "$POLL_SECONDS"
    done
}

case "${1:-}" in
    reindex) reindex ;;
    drain) drain ;;
    *) echo "usage: reindex.sh reindex|drain" >&2; exit 2 ;;
esac
