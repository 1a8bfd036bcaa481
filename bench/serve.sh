#!/bin/sh
# `balist serve` under load (make bench): wrk on loopback, 64 connections,
# saving tumour assessments (each judged by the response engine, written
# with its audit rows in one transaction, the subject's automatic queries
# brought up to date), then reading the subjects list; the server's
# memory before and after. SQLite; BENCH_SERVE_SUBJECTS subjects (1000),
# BENCH_SERVE_SECONDS per run (20).
set -eu
BUILD=${1:-build}
BAL="$(pwd)/$BUILD/balist"
N=${BENCH_SERVE_SUBJECTS:-1000}
SECS=${BENCH_SERVE_SECONDS:-20}
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/balist-bench-serve.XXXXXX")
trap 'kill $pid 2>/dev/null && wait $pid 2>/dev/null; rm -rf "$work"' EXIT
pid=""
"$BAL" simulate --subjects "$N" --seed 1 --out "$work/s" >/dev/null 2>&1
"$BAL" init "$work/t.db" >/dev/null 2>&1
"$BAL" import "$work/t.db" "$work/s" >/dev/null 2>&1
echo 'bench pass phrase' | "$BAL" user "$work/t.db" add rad --role radiologist >/dev/null 2>&1
rows=$(sqlite3 "$work/t.db" 'SELECT COUNT(*) FROM records' 2>/dev/null || echo "?")
env -u TMPDIR "$BAL" serve "$work/t.db" --listen 127.0.0.1:0 --threads 4 >"$work/serve.out" 2>&1 &
pid=$!
i=0
while ! grep -q "Ctrl-C" "$work/serve.out" 2>/dev/null && [ $i -lt 300 ]; do
    sleep 0.1
    i=$((i + 1))
done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.out")
U="http://127.0.0.1:$port"
curl -s -c "$work/jar" -H 'Content-Type: application/json' \
    -d '{"user": "rad", "password": "bench pass phrase"}' "$U/api/v1/login" >"$work/me"
csrf=$(sed -n 's/.*"csrf": "\([0-9a-f]*\)".*/\1/p' "$work/me")
cookie="balist_session=$(awk '$6 == "balist_session" { print $7 }' "$work/jar")"
rss() { awk '/VmRSS/ { print $2 / 1024 " MB" }' "/proc/$pid/status"; }

echo "balist serve on $(nproc) cores, SQLite, $N simulated subjects ($rows records); wrk: 2 threads, 64 connections, ${SECS} s per run"
echo "server memory at start: $(rss)"
echo
echo "== saving tumour assessments (POST /api/v1/subjects/{id}/assessments)"
wrk -t 2 -c 64 -d "${SECS}s" --latency -s "$(dirname "$0")/save.lua" "$U" -- "$N" 2 "$cookie" "$csrf" >"$work/save.txt"
grep -E 'Requests/sec|Latency|50%|99%|requests in|Non-2xx|Socket errors' "$work/save.txt"
sleep 2 # the saves still queued when wrk stopped
echo "server memory after the saves: $(rss)"
echo
echo "== reading the subjects list (GET /api/v1/subjects; kept up to date subject by subject)"
wrk -t 2 -c 64 -d "${SECS}s" --latency -s "$(dirname "$0")/get.lua" "$U/api/v1/subjects" -- "$cookie" |
    grep -E 'Requests/sec|Latency|50%|99%|requests in|Non-2xx|Socket errors'
sleep 1
echo "server memory after the reads: $(rss)"
echo
echo "== one subject's page (GET /api/v1/subjects/BAL-001-0001: a per-subject load and derivation)"
wrk -t 2 -c 64 -d "${SECS}s" --latency -s "$(dirname "$0")/get.lua" "$U/api/v1/subjects/BAL-001-0001" -- "$cookie" |
    grep -E 'Requests/sec|Latency|50%|99%|requests in|Non-2xx|Socket errors'
echo "server memory at the end: $(rss)"
echo
echo "goal (issue 8): 2000 saves/s with p99 under 50 ms on this 2-core machine;"
echo "measured: $(awk '/Requests\/sec/ { print $2 }' "$work/save.txt") saves/s, p99 $(awk '$1 == "99%" { print $2 }' "$work/save.txt") (64 connections)"
audit=$(sqlite3 "$work/t.db" 'SELECT COUNT(*) FROM audit' 2>/dev/null || echo "?")
echo "audit rows at the end: $audit"
echo "(R has no counterpart: a REDCap form save is the nearest, and it is not installed here.)"
