#!/usr/bin/env bash
# Planner benchmarks (not tests: nothing asserts on time), release build, loopback:
#  1. `igny8 import-keywords` of a 100,000-row CSV into one sector, on SQLite and on PostgreSQL (when it answers
#     at 127.0.0.1:5432) — target ≤ 5 s.
#  2. On PostgreSQL, the keywords list over those 100,000 keywords, page of 50 with the total count: ordered by
#     volume, searched with filters, and a deep page — with 1 client (p99, target ≤ 25 ms) and 32 clients
#     (requests/s, target ≥ 500), measured with wrk after a 2 s warm-up. A searched page repeats its total from
#     the count cache (keyed by the sector's keywords version) after the first request; the script also prints
#     the first, uncached request's time. A deep page is read by offset on its first visit and leaves the ordering
#     key of the row before it (a page anchor, same version key), so repeated visits seek straight to it.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
cargo build --release -j 2 --bin igny8
bin=$PWD/target/release/igny8
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
rows=100000
python3 - "$work/keywords.csv" "$rows" <<'PY'
import random, sys
random.seed(7)
heads = ["running shoe", "trail shoe", "hiking boot", "garden hose", "compost bin", "coffee grinder", "yoga mat",
         "standing desk", "dog bed", "air fryer", "road bike", "tent", "sleeping bag", "rain jacket", "backpack"]
mods = ["best", "cheap", "waterproof", "lightweight", "womens", "mens", "kids", "small", "large", "reviews of",
        "how to clean", "how to choose", "buy", "discount", "vintage", "electric", "foldable", "organic"]
tails = ["2026", "for beginners", "near me", "under 100", "for travel", "for winter", "for summer", "sale",
         "uk", "usa", "online", "guide", "ideas", "brands", "alternatives", ""]
intents = ["informational", "commercial", "transactional", "navigational"]
seen = set()
with open(sys.argv[1], "w") as f:
    f.write("keyword,volume,difficulty,intent,cpc\n")
    n = int(sys.argv[2]); i = 0
    while len(seen) < n:
        k = f"{random.choice(mods)} {random.choice(heads)} {random.choice(tails)} {i % 997}".replace("  ", " ").strip()
        i += 1
        if k in seen: continue
        seen.add(k)
        f.write(f"{k},{random.randint(10, 90000)},{random.randint(0, 100)},{random.choice(intents)},{random.random()*3:.2f}\n")
PY
echo "generated $rows keywords ($(du -h "$work/keywords.csv" | cut -f1))"

setup() { # $1 = sql runner; creates the account's site and sector, lifts the keyword limit, prints "site sector"
  "$1" "UPDATE plans SET max_keywords = 1000000 WHERE slug = 'scale';"
  "$1" "INSERT INTO sites (account_id, name, slug, is_active, created_at, updated_at) SELECT id, 'Bench', 'bench', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM accounts LIMIT 1;"
  "$1" "INSERT INTO sectors (account_id, site_id, name, slug, description, is_active, created_at, updated_at) SELECT account_id, id, 'Gear', 'gear', '', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM sites WHERE slug = 'bench';"
  echo "$("$1" "SELECT id FROM sites WHERE slug = 'bench';") $("$1" "SELECT id FROM sectors WHERE slug = 'gear';")"
}

import() { # $1 = label; env carries the database
  local ids site sector start end
  "$bin" create-user --email bench@example.com --password "correct horse battery" --plan scale >/dev/null 2>&1
  ids=$(setup "$2"); site=${ids% *}; sector=${ids#* }
  start=$(date +%s.%N)
  "$bin" import-keywords "$work/keywords.csv" --site "$site" --sector "$sector" 2>/dev/null | tail -1
  end=$(date +%s.%N)
  printf '%-10s import %d keywords: %.2f s (%.0f keywords/s)\n' "$1" "$rows" "$(echo "$end - $start" | bc -l)" \
    "$(echo "$rows / ($end - $start)" | bc -l)"
  echo "$sector" > "$work/sector"
}

export IGNY8_LOG_LEVEL=warn IGNY8_DEMO_ACCOUNT=false
sqlite_sql() { sqlite3 "$work/sqlite/igny8.db" "$1" | sed 's/^1$/1/'; }
IGNY8_DATA_DIR="$work/sqlite" import SQLite sqlite_sql

pg="postgres://postgres@127.0.0.1:5432"
if psql "$pg/postgres" -qtAc "SELECT 1" >/dev/null 2>&1; then
  psql "$pg/postgres" -qtAc "DROP DATABASE IF EXISTS igny8_bench" >/dev/null
  psql "$pg/postgres" -qtAc "CREATE DATABASE igny8_bench" >/dev/null
  pg_sql() { psql "$pg/igny8_bench" -qtAc "$1"; }
  export IGNY8_DATABASE_URL="$pg/igny8_bench"
  IGNY8_DATA_DIR="$work/pg" import PostgreSQL pg_sql
  sector=$(cat "$work/sector")
  pg_sql "VACUUM ANALYZE keywords;" >/dev/null
  port=18932
  IGNY8_DATA_DIR="$work/pg" IGNY8_BIND="127.0.0.1:$port" IGNY8_READ_RATE_PER_MINUTE=100000000 "$bin" serve --no-worker &
  pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
  token=$(curl -sf -H 'content-type: application/json' -d '{"email":"bench@example.com","password":"correct horse battery"}' \
    "http://127.0.0.1:$port/api/v1/auth/login/" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["access"])')
  base="http://127.0.0.1:$port/api/v1/planner/keywords/?sector_id=$sector&page_size=50"
  declare -A urls=(
    [by-volume]="$base&ordering=-volume"
    [search+filters]="$base&search=shoe&intent=commercial&volume_min=1000&difficulty_max=80&ordering=-volume"
    [by-keyword]="$base&ordering=keyword"
    [page-200]="$base&ordering=-volume&page=200"
  )
  for name in by-volume by-keyword search+filters page-200; do
    first=$(curl -sf -o "$work/first.json" -w '%{time_total}' -H "Authorization: Bearer $token" "${urls[$name]}")
    count=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["count"])' "$work/first.json")
    # Steady state: the first seconds after start open pool connections and prepare statements (p99 ~75 ms).
    wrk -t2 -c32 -d2s -H "Authorization: Bearer $token" "${urls[$name]}" >/dev/null
    one=$(wrk -t1 -c1 -d8s --latency -H "Authorization: Bearer $token" "${urls[$name]}")
    many=$(wrk -t2 -c32 -d8s --latency -H "Authorization: Bearer $token" "${urls[$name]}")
    printf 'list %-15s (count %6s, first request %4.1f ms)  1 client: p50 %-8s p99 %-8s %7s req/s | 32 clients: %8s req/s p99 %s\n' \
      "$name" "$count" "$(echo "$first * 1000" | bc -l)" \
      "$(awk '$1=="50%" {print $2}' <<<"$one")" "$(awk '$1=="99%" {print $2}' <<<"$one")" \
      "$(awk '/Requests\/sec/ {print $2}' <<<"$one")" "$(awk '/Requests\/sec/ {print $2}' <<<"$many")" \
      "$(awk '$1=="99%" {print $2}' <<<"$many")"
  done
  kill $pid; wait $pid 2>/dev/null || true; pid=""
  psql "$pg/postgres" -qtAc "DROP DATABASE IF EXISTS igny8_bench" >/dev/null
else
  echo "PostgreSQL not reachable at 127.0.0.1:5432: PostgreSQL figures skipped"
fi
