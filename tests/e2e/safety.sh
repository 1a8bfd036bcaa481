#!/bin/sh
# `balist safety` end to end. The expected file of the demo study was
# checked against an independent count (Python over dm/ex/ae/suppae: first
# and last dose from EX, TEAE by the 30-day window, 90 days for
# immune-related terms, or related): any TEAE 40; neutropenia 24 (grade 3+
# 6), nausea 22 (0), anaemia 22 (3), febrile neutropenia 2 (2),
# hypertension 13 (1).
BAL=$1
SRC=$2
. "$(dirname "$0")/lib.sh"

expect "safety of the demo, CSV" 0 "" sh -c "'$BAL' safety '$SRC/data/demo' --format csv > '$work/s.csv'"
expect "... equals the checked file" 0 "" diff "$SRC/tests/e2e/expected/demo-safety.csv" "$work/s.csv"
expect "the hand count: neutropenia" 0 "BLOOD AND LYMPHATIC SYSTEM DISORDERS,NEUTROPENIA,40,24,60.0,6,15.0," cat "$work/s.csv"
expect "the hand count: nausea" 0 "GASTROINTESTINAL DISORDERS,NAUSEA,40,22,55.0,0,0.0," cat "$work/s.csv"
expect "overview table" 0 "Overview of treatment-emergent adverse events (N=40)" "$BAL" safety "$SRC/data/demo" --overview
expect "overview: any TEAE" 0 "Any TEAE" "$BAL" safety "$SRC/data/demo" --overview
expect "JSON" 0 '"ITEM": "Any TEAE"' "$BAL" safety "$SRC/data/demo" --format json
expect "derive writes adae.csv" 0 "adae.csv" "$BAL" derive "$SRC/data/demo" --out "$work/d" --quiet
expect "adae: TEAE flags and per-drug columns" 0 "TRTEMFL,AREL,AWORSTFL,TRTA,ASTDY,AENDY,ATOXGR,AOCCFL,AOCCSFL,AOCCPFL,AERELIVO,AEACNIVO,AERELADC,AEACNADC,REASON" head -1 "$work/d/adae.csv"
mkdir -p "$work/bad" && cp "$SRC"/data/demo/*.csv "$work/bad/"
echo 'BALIST-IVO-ADC-201,AE,BAL-001-0001,99,Rash,Rash,Skin,0,N,RELATED,DOSE NOT CHANGED,RECOVERED/RESOLVED,2024-10-01,2024-10-05' >>"$work/bad/ae.csv"
expect "bad grade stops the tables" 1 "AETOXGR '0' must be a CTCAE grade from 1 to 5" "$BAL" safety "$work/bad"
# No ae.csv: adverse events are not known, never reported as 0.
mkdir -p "$work/noae" && cp "$SRC"/data/demo/*.csv "$work/noae/" && rm "$work/noae/ae.csv" "$work/noae/suppae.csv"
expect "no ae.csv: check warns" 0 "ae.csv: warning: missing: the adverse events of this study are not known (not 0)" "$BAL" check "$work/noae"
expect "no ae.csv: the tables say so" 0 "not known: the study has no ae.csv" "$BAL" safety "$work/noae"
expect "no ae.csv: no Any TEAE row of 0" 1 "" sh -c "'$BAL' safety '$work/noae' 2>/dev/null | grep -q 'Any TEAE'"
finish
