#!/bin/sh
# Every output under a data cut-off (issue 13, item 1): the demo at
# 2025-12-31, with the expected numbers counted here from the SDTM files
# by awk, independently of balist (core/cutoff.c decides it for balist).
BAL=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
demo="$SRC/data/demo"
C=2025-12-31

# The hand count: enrolled (DS ENROLLED) by the cut-off: 35 of 40.
awk -F, -v c=$C '$6 == "ENROLLED" && $9 <= c { print $3 }' "$demo/ds.csv" >"$work/enr"
n=$(wc -l <"$work/enr")
expect "hand count: 35 enrolled by the cut-off" 0 "" test "$n" -eq 35
# Deaths by the cut-off among them (DM DTHDTC).
deaths=$(awk -F, -v c=$C 'NR == FNR { e[$1]; next } FNR > 1 && ($3 in e) && $10 != "" && $10 <= c' "$work/enr" "$demo/dm.csv" | wc -l)
# AEs starting by the cut-off (AESTDTC is the next to last field; AEBODSYS
# may hold a quoted comma).
aes=$(awk -F, -v c=$C 'NR == FNR { e[$1]; next } FNR > 1 && ($3 in e) && $(NF - 1) <= c' "$work/enr" "$demo/ae.csv" | wc -l)

# EVIDENCE: DATA-CUTOFF.
expect "safety: the safety set at the cut-off" 0 "Overview of treatment-emergent adverse events (N=35)" "$BAL" safety "$demo" --cutoff $C --overview
expect "safety: deaths by the cut-off" 0 "All deaths                                                      $deaths (" "$BAL" safety "$demo" --cutoff $C
# (rows without a quoted comma, where N is the fourth field)
expect "safety CSV: N = 35 in every table" 0 "" sh -c "'$BAL' safety '$demo' --cutoff $C --format csv | grep -v '\"' | awk -F, 'NR > 1 && \$4 != \"\" && \$4 != 35 { bad = 1 } END { exit bad }'"

expect "derive at the cut-off" 0 "" "$BAL" derive "$demo" --cutoff $C --out "$work/d" --quiet
expect "adsl: only the 35 enrolled by it" 0 "" test "$(($(wc -l <"$work/d/adsl.csv") - 1))" -eq 35
expect "adsl: no subject enrolled after it" 1 "" grep -q "BAL-001-0036" "$work/d/adsl.csv"
expect "adae: only AEs starting by it ($aes)" 0 "" test "$(($(wc -l <"$work/d/adae.csv") - 1))" -eq "$aes"
# Nothing in any output is dated after the cut-off.
expect "no date after the cut-off in any ADaM file" 0 "" sh -c "grep -ho '20[0-9][0-9]-[01][0-9]-[0-3][0-9]' '$work'/d/*.csv | sort -u | awk -v c=$C '\$1 > c { bad = 1 } END { exit bad }'"
# BAL-001-0010: dosed on 2025-12-27 and discontinued (PD) in 2026: at the
# cut-off it is on treatment, its last dose the last one by the cut-off.
last=$(awk -F, -v c=$C '$3 == "BAL-001-0010" && $6 > 0 && $13 <= c { print $13 }' "$demo/ex.csv" | sort | tail -1)
expect "TRTEDT: the last dose by the cut-off ($last)" 0 ",2025-01-11,$last,," grep "BAL-001-0010" "$work/d/adsl.csv"
expect "EOTSTT: ongoing at the cut-off, whatever happened later" 0 ",Y,Y,Y,Y,ONGOING,," grep "BAL-001-0010" "$work/d/adsl.csv"
# BAL-001-0002: last contact before the cut-off 2025-11-29, SS ALIVE after
# it: alive on the cut-off date (h.5), OS censored there, LSTALVDT too.
expect "OS censored at the cut-off after a later contact" 0 "BAL-001-0002,OS,Overall Survival (days),,,2024-09-21,2025-12-31,467,DAYS,1," cat "$work/d/adtte.csv"
expect "LSTALVDT the cut-off" 0 ",2025-12-31,Y,Y,Y,Y," grep "BAL-001-0002" "$work/d/adsl.csv"

# check lists what it leaves out, per domain.
expect "check: subjects enrolled after the cut-off" 0 "dm.csv:37: warning: 5 subjects enrolled after the data cut-off 2025-12-31 are left out: BAL-001-0036, BAL-001-0037, BAL-001-0038, BAL-001-0039, BAL-001-0040" "$BAL" check "$demo" --cutoff $C
expect "check: AEs left out" 0 "ae.csv:147: warning: 42 records of 11 subjects dated after the data cut-off 2025-12-31" "$BAL" check "$demo" --cutoff $C
expect "check: AEs ongoing at the cut-off" 0 "adverse events of 7 subjects end after the data cut-off 2025-12-31: ongoing at the cut-off" "$BAL" check "$demo" --cutoff $C
expect "check: later deaths" 0 "deaths after the data cut-off 2025-12-31 are not known at it" "$BAL" check "$demo" --cutoff $C

# Kaplan-Meier landmarks beyond the follow-up are NE (h.6): at 2025-03-31
# the longest follow-up is under 7 months.
# EVIDENCE: KM-LANDMARK-NE.
expect "a 12-month rate beyond the follow-up is NE" 0 "NE (no follow-up that long)" sh -c "'$BAL' endpoints '$demo' --cutoff 2025-03-31 | grep '12-month rate'"
expect "... a 6-month OS rate within it is estimated" 0 "" sh -c "'$BAL' endpoints '$demo' --cutoff 2025-03-31 | grep -Eq '6-month rate +2 at risk +100.0%'"
finish
