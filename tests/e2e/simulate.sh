#!/bin/sh
# The simulator: the bundled demo is exactly `simulate --subjects 40 --seed
# 2026`; the same seed gives the same bytes; the output checks clean.
BAL=$1
DEMO=$2
. "$(dirname "$0")/lib.sh"

expect "simulate the demo again" 0 "wrote 40 subjects" "$BAL" simulate --subjects 40 --seed 2026 --out "$work/a"
expect "the demo is reproducible" 0 "" diff -r "$DEMO" "$work/a"
expect "simulate 500, seed 9" 0 "" "$BAL" simulate --subjects 500 --seed 9 --out "$work/b"
expect "simulate 500, seed 9, again" 0 "" "$BAL" simulate --subjects 500 --seed 9 --out "$work/c"
expect "same seed, same bytes" 0 "" diff -r "$work/b" "$work/c"
expect "500 subjects check clean" 0 "500 subjects" "$BAL" check "$work/b"
expect "... with no error" 0 ": 0 errors," "$BAL" check "$work/b" --max-messages 0
cp "$work/out" "$work/kept"
expect "... and no warning but recorded-response and monitor ones" 1 "" \
    grep -v -e '\[recorded-response\]' -e '\[monitor\]' -e '^/' "$work/kept"
expect "another seed differs" 1 "" cmp -s "$work/b/tr.csv" "$work/a/tr.csv"
finish
