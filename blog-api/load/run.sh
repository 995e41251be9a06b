#!/usr/bin/env bash
# Load test of blog-api on PostgreSQL: a release build on a fresh, seeded database, driven by wrk
# for 30 s with a mixed read/write workload (mixed.lua), then the writes counted in the database.
#
#   blog-api/load/run.sh [DURATION] [CONNECTIONS]     (defaults: 30s, 16)
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) and `wrk` (Debian: apt-get install
# wrk). Uses the database `blog_load` (dropped and created) and port 3998.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

duration=${1:-30s}
connections=${2:-16}
readonly PG=postgres://postgres@127.0.0.1:5432
readonly ADDR=127.0.0.1:3998

command -v wrk >/dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
psql -q -h 127.0.0.1 -U postgres -d postgres -c 'DROP DATABASE IF EXISTS blog_load' -c 'CREATE DATABASE blog_load'
cargo build --release --locked -q -p blog-api

DATABASE_URL=$PG/blog_load BIND=$ADDR RUST_LOG=warn ./target/release/blog-api &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -sf "http://$ADDR/readyz" >/dev/null && break
    sleep 0.5
done
curl -sf "http://$ADDR/readyz" >/dev/null || { echo "error: blog-api did not become ready" >&2; exit 1; }

count() { psql -tA -h 127.0.0.1 -U postgres -d blog_load -c "SELECT COUNT(*) FROM notifications WHERE id LIKE 'load\_%'"; }
before=$(count)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
out=$(wrk -t2 -c"$connections" -d"$duration" --latency -s blog-api/load/mixed.lua "http://$ADDR")
echo "$out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM $server
wait $server || true
trap - EXIT
after=$(count)
acked=$(echo "$out" | sed -n 's/^acknowledged_writes=//p')
stored=$((after - before))
echo "writes acknowledged: $acked, stored: $stored, lost: $((acked - stored))"
[[ "$acked" -eq "$stored" ]] || { echo "error: acknowledged writes are missing" >&2; exit 1; }
