#!/usr/bin/env bash
# Milvus Lite's search latency against its in-memory table's flush budget (MILVUS_LITE_MEMTABLE_MEMORY_LIMIT_BYTES):
#   harness/bench-milvus-lite.sh [products=2000] [budget bytes ...]   (default budgets: 262144 1048576 134217728)
# For each budget: a fresh server, `products` upserts of 3 rows (2,560-d, the gateway's output fields) as the indexer
# writes them, then searches as the gateway sends them (top 50 with output fields) from 1 and 8 threads, alone and
# beside a writer at 2.7 products/s. Prints one line per case. The server is started as the harness starts it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-milvus-lite.sh
products="${1:-2000}"; shift || true
budgets=("$@"); [ ${#budgets[@]} -gt 0 ] || budgets=(262144 1048576 134217728)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for budget in "${budgets[@]}"; do
  data="$(mktemp -d)"
  MILVUS_LITE_MEMTABLE_MEMORY_LIMIT_BYTES="$budget" .venv-milvus/bin/python3 \
    harness/src/main/resources/io/snapfind/harness/milvus_lite_server.py server --data-dir "$data" \
    --host 127.0.0.1 --port "$port" > "$data.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && break; sleep 0.2; done
  echo "== memtable budget $budget bytes, $products products"
  .venv-milvus/bin/python harness/src/test/python/milvus_lite_bench.py "http://127.0.0.1:$port" "$products"
  kill "$server"; wait "$server" 2>/dev/null || true
  rm -rf "$data" "$data.log"
done
