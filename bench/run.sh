#!/bin/sh
# Benchmarks (make bench; never part of the tests). For each study size:
# simulate, check and derive wall times, tumour-result (TR) rows per second
# end to end (read, derive, write) and peak memory, beside the input's
# size; and the same reading done by R's read.csv where R is installed
# (the tool a statistician would otherwise load the export with).
# Sizes: BENCH_SIZES="10000 100000 1000000" (the default).
set -eu
BUILD=${1:-build}
BAL="$BUILD/balist"
SIZES=${BENCH_SIZES:-"10000 100000 1000000"}
work=$(mktemp -d "${TMPDIR:-/tmp}/balist-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "BALIST $("$BAL" --version | cut -d' ' -f2) on $(nproc) cores; one core used."
printf '%-9s %-8s %-10s %-9s %-9s %-10s %-12s %-9s %s\n' subjects input "TR rows" simulate check derive "TR rows/s" "peak MB" "R read.csv (tu, tr)"
for n in $SIZES; do
    s="$work/s$n"
    t0=$(now)
    "$BAL" simulate --subjects "$n" --seed 1 --out "$s" 2>/dev/null
    t1=$(now)
    "$BAL" check "$s" --quiet >/dev/null || true
    t2=$(now)
    "$BAL" derive "$s" --out "$work/o$n" --quiet 2>"$work/derive.log"
    t3=$(now)
    line=$(tail -n 1 "$work/derive.log")
    rows=$(echo "$line" | sed -n 's/.*subjects, \([0-9]*\) tumour-result rows.*/\1/p')
    rate=$(echo "$line" | sed -n 's/.*s: \([0-9]*\) TR rows\/s.*/\1/p')
    peak=$(echo "$line" | sed -n 's/.*peak memory \([0-9]*\) MB.*/\1/p')
    size=$(du -sh "$s" | cut -f1)
    r="not installed"
    if command -v Rscript >/dev/null 2>&1; then
        t4=$(now)
        Rscript -e "invisible(read.csv('$s/tu.csv')); invisible(read.csv('$s/tr.csv'))" >/dev/null 2>&1
        t5=$(now)
        r="$(secs "$t4" "$t5") s"
    fi
    printf '%-9s %-8s %-10s %-9s %-9s %-10s %-12s %-9s %s\n' "$n" "$size" "$rows" \
        "$(secs "$t0" "$t1")s" "$(secs "$t1" "$t2")s" "$(secs "$t2" "$t3")s" \
        "$rate" "$peak" "$r"
    rm -rf "$s" "$work/o$n"
done

# Kaplan-Meier with the median CI: BALIST against R's survfit (log CI, R's
# default), on the same data. KM_SIZES="1000000 10000000" (the default).
echo
echo "Kaplan-Meier + median with 95% CI (log transform, as survfit's default)"
printf '%-10s %-12s %-12s %-8s %s\n' subjects "BALIST s" "survfit s" ratio "median (CI), BALIST | R"
for n in ${KM_SIZES:-1000000 10000000}; do
    out=$("$BUILD/km_bench" "$n" "$work/km.csv")
    bsec=$(echo "$out" | cut -d' ' -f2)
    bmed=$(echo "$out" | cut -d' ' -f3-5)
    if command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(survival)' >/dev/null 2>&1; then
        rout=$(Rscript -e "suppressMessages(library(survival)); d <- read.csv('$work/km.csv'); t <- system.time(f <- survfit(Surv(time, event) ~ 1, data = d))[['elapsed']]; m <- summary(f)\$table; cat(t, m[['median']], m[['0.95LCL']], m[['0.95UCL']])")
        rsec=$(echo "$rout" | cut -d' ' -f1)
        rmed=$(echo "$rout" | cut -d' ' -f2-4)
        ratio=$(awk -v r="$rsec" -v b="$bsec" 'BEGIN { printf "%.0fx", (b > 0 ? r / b : 0) }')
        printf '%-10s %-12s %-12s %-8s %s | %s\n' "$n" "$bsec" "$rsec" "$ratio" "$bmed" "$rmed"
    else
        printf '%-10s %-12s %-12s %-8s %s\n' "$n" "$bsec" "R absent" "-" "$bmed"
    fi
    rm -f "$work/km.csv"
done

# Study database: import of simulated studies into each engine, rows per
# second and database size (STORE_SIZES="10000 100000", the default).
# PostgreSQL when BALIST_TEST_PG_URL is set (make bench starts a cluster).
echo
echo "Study database import (one transaction, audited row by row)"
printf '%-11s %-10s %-10s %-10s %-12s %s\n' engine subjects rows seconds "rows/s" "size"
for n in ${STORE_SIZES:-10000 100000}; do
    "$BAL" simulate --subjects "$n" --seed 5 --out "$work/st$n" 2>/dev/null
    for e in sqlite postgresql; do
        if [ "$e" = sqlite ]; then
            db="$work/st$n.db"
        else
            [ -n "${BALIST_TEST_PG_URL:-}" ] || { printf '%-11s %-10s PostgreSQL not running\n' "$e" "$n"; continue; }
            db=$BALIST_TEST_PG_URL
            psql "$db" -qc "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null
        fi
        "$BAL" init "$db" >/dev/null 2>&1
        t0=$(now)
        out=$("$BAL" import "$db" "$work/st$n" 2>&1 | tail -n 1)
        t1=$(now)
        rows=$(echo "$out" | sed -n 's/imported \([0-9]*\) rows.*/\1/p')
        if [ "$e" = sqlite ]; then
            size=$(du -h "$db" | cut -f1)
        else
            size=$(psql "$db" -Atc "SELECT pg_size_pretty(pg_database_size(current_database()))")
        fi
        s=$(secs "$t0" "$t1")
        printf '%-11s %-10s %-10s %-10s %-12s %s\n' "$e" "$n" "$rows" "$s" \
            "$(awk -v r="$rows" -v s="$s" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')" "$size"
        [ "$e" = sqlite ] && rm -f "$db"
    done
    rm -rf "$work/st$n"
done

# The web application under load (wrk).
echo
sh "$(dirname "$0")/serve.sh" "$BUILD"
