#!/bin/sh
# `balist endpoints` end to end. The expected file of the demo study was
# reviewed by hand and checked against R 4.2.2 with survival 3.5-3 on the
# same adtte/adrs (survfit with conf.type "log-log", summary at 6 x 30.4375
# and 12 x 30.4375 days, binom.test): every median, CI, landmark rate,
# number at risk and response rate agreed to the printed digit.
BAL=$1
SRC=$2
DATA=$3
. "$(dirname "$0")/lib.sh"

expect "endpoints of the demo, CSV" 0 "" sh -c "'$BAL' endpoints '$SRC/data/demo' --format csv > '$work/eff.csv'"
expect "... equals the reviewed file" 0 "" diff "$SRC/tests/e2e/expected/demo-efficacy.csv" "$work/eff.csv"
expect "the table names the CBR rule" 0 "CNS clinical benefit rate (RANO-BM CR, PR, or SD at an assessment 28 or more days from the origin)" "$BAL" endpoints "$SRC/data/demo"
# EVIDENCE: CNS-ORR. The numerator and denominator counted again, by awk,
# from adsl.csv (EFFFL Y) and adrs.csv (CBORCNS, the confirmed RANO-BM
# best response, CR or PR).
"$BAL" derive "$SRC/data/demo" --out "$work/dd" --quiet >/dev/null 2>&1
expect "CNS ORR counted from adsl.csv and adrs.csv: 13 of 40 CNS-evaluable" 0 "13 40" awk -F, 'FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i; next } FILENAME ~ /adsl/ { if ($c["EFFFL"] == "Y") { e[$c["USUBJID"]] = 1; n++ } next } $c["PARAMCD"] == "CBORCNS" && ($c["AVALC"] == "CR" || $c["AVALC"] == "PR") && e[$c["USUBJID"]] { r++ } END { print r, n }' "$work/dd/adsl.csv" "$work/dd/adrs.csv"
expect "the table shows CNS ORR with its exact CI" 0 "13/40   32.5% (95% CI 18.6-49.1)" "$BAL" endpoints "$SRC/data/demo"
expect "JSON" 0 '"ITEM": "CNS ORR"' "$BAL" endpoints "$SRC/data/demo" --format json
expect "JSON counts are integers" 0 '"n": 13,' "$BAL" endpoints "$SRC/data/demo" --format json
mkdir -p "$work/p" && cp "$SRC"/data/demo/*.csv "$work/p/" && printf '{"cbr_sd_rule": "sustained"}\n' >"$work/p/protocol.json"
expect "the CBR rule follows the protocol" 0 "SD held across two assessments 28 or more days apart" "$BAL" endpoints "$work/p"
expect "bad format" 2 "--format needs table, csv or json" "$BAL" endpoints "$SRC/data/demo" --format xml
if [ -d "$DATA/pharmaverse-onco" ]; then
    expect "endpoints of pharmaverse-onco" 0 "Progression-free survival (RECIST 1.1)" "$BAL" endpoints "$DATA/pharmaverse-onco"
    expect "endpoints of pharmaverse-recist" 0 "Overall survival" "$BAL" endpoints "$DATA/pharmaverse-recist" --evaluator INDEPENDENT
fi
finish
