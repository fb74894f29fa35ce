#!/usr/bin/env bash
# HTTP throughput of a release `igny8 serve` on loopback, measured with wrk (Debian package).
# Prints requests/s and latency for liveness, readiness (one database query) and the schema,
# and the ratio of each to liveness. Not a test: nothing here asserts on time.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -j 2 --bin igny8
dir=$(mktemp -d)
port=18931
IGNY8_DATA_DIR="$dir" IGNY8_BIND="127.0.0.1:$port" IGNY8_LOG_LEVEL=warn target/release/igny8 serve --no-worker &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
declare -A rps
for path in /api/v1/system/ping /readyz /api/schema; do
  out=$(wrk -t2 -c32 -d10s --latency "http://127.0.0.1:$port$path")
  rps[$path]=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-22s %10s req/s   p99 %s\n' "$path" "${rps[$path]}" "$p99"
done
base=${rps[/api/v1/system/ping]}
for path in /readyz /api/schema; do
  printf 'ratio %s / ping: %.2f\n' "$path" "$(echo "${rps[$path]} / $base" | bc -l)"
done
