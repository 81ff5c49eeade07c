#!/bin/sh
# Load figure for docs/performance.md ("rwb serve load"): starts `rwb serve` on 127.0.0.1 with a
# free port, runs bench_serve_load with 1, 4 and 16 concurrent streaming clients, stops it.
#   bench/serve_load.sh BUILD_DIR [MODEL.gguf] [REQUESTS_PER_CLIENT] [extra rwb serve options]
set -eu
build=${1:?usage: serve_load.sh BUILD_DIR [MODEL.gguf] [REQUESTS] [serve options]}
model=${2:-resources/models/rwb-demo-small.gguf}
requests=${3:-16}
[ $# -ge 3 ] && shift 3 || shift $#
id=$(basename "$model" .gguf)
log=$(mktemp)
"$build/engine/tools/rwb" serve -m "$model" --port 0 --parallel 16 -t 1 --quiet "$@" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
port=$(sed -n 's/^listening on http:\/\/[^:]*:\([0-9]*\)$/\1/p' "$log")
[ -n "$port" ] || { cat "$log"; exit 1; }
for c in 1 4 16; do
  "$build/bench/bench_serve_load" --port "$port" --model "$id" --clients "$c" --requests "$requests"
done
