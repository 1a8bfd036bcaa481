#!/bin/sh
# Benchmarks (make bench; never part of the tests). For each size: how long
# `balist simulate` and `balist check` take, the input size, and the same
# reading done by R's read.csv where R is installed (the tool a statistician
# would otherwise load the export with).
set -eu
BUILD=${1:-build}
BAL="$BUILD/balist"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

printf '%-10s %-12s %-10s %-10s %-12s %s\n' subjects "input" simulate check "rows/s" "R read.csv (tu, tr)"
for n in 1000 10000 100000; do
    t0=$(now)
    "$BAL" simulate --subjects "$n" --seed 1 --out "$work/s$n" 2>/dev/null
    t1=$(now)
    "$BAL" check "$work/s$n" --quiet >/dev/null
    t2=$(now)
    size=$(du -sh "$work/s$n" | cut -f1)
    rows=$(cat "$work/s$n"/*.csv | wc -l)
    r="not installed"
    if command -v Rscript >/dev/null 2>&1; then
        t3=$(now)
        Rscript -e "invisible(read.csv('$work/s$n/tu.csv')); invisible(read.csv('$work/s$n/tr.csv'))" >/dev/null 2>&1
        t4=$(now)
        r="$(secs "$t3" "$t4") s"
    fi
    chk=$(secs "$t1" "$t2")
    printf '%-10s %-12s %-10s %-10s %-12s %s\n' "$n" "$size" "$(secs "$t0" "$t1")s" "${chk}s" \
        "$(awk -v r="$rows" -v c="$chk" 'BEGIN { printf "%.0f", r / c }')" "$r"
    rm -rf "$work/s$n"
done
