#!/bin/sh
# Damages copies of the demo study in many ways and checks, for each, the
# exact message (file:line:column, value, what was expected) and the exit
# code of `balist check`. Expected texts are written from the damage, by
# hand, not copied from the program.
BAL=$1
DEMO=$2
. "$(dirname "$0")/lib.sh"

S="$work/s"
fresh() { rm -rf "$S"; cp -r "$DEMO" "$S"; }
check() {
    c_name=$1 c_rc=$2 c_want=$3
    shift 3
    expect "$c_name" "$c_rc" "$c_want" "$BAL" check "$S" --max-messages 0 "$@"
}
# Replace field $2 of line $1 of a CSV without quoted commas.
setf() { awk -F, -v OFS=, -v l="$1" -v f="$2" -v v="$3" \
    'NR == l { $f = v } { print }' "$S/$4" >"$work/t" && mv "$work/t" "$S/$4"; }

fresh
check "the demo itself has no error" 0 ": 0 errors,"
cp "$work/out" "$work/kept"
# Its only warnings are the simulated site's response calls that differ
# from BALIST's (the simulator makes the site wrong now and then), and the
# monitor's findings about what the simulator leaves out (deaths without
# a cause, doses reduced for an AE whose action says otherwise).
expect "the demo's warnings are recorded-response and monitor ones" 1 "" \
    grep -v -e '\[recorded-response\]' -e '\[monitor\]' -e '^/' "$work/kept"
# The monitor's check of reduced doses, counted here: subjects with a
# Sacituzumab govitecan dose below the planned 10 mg/kg adjusted for an
# ADVERSE EVENT (EXADJ, the fourth field from the end: EXDOSFRQ may hold
# a quoted comma) and no AE or SUPPAE action DOSE REDUCED.
# EVIDENCE: QUERY-MONITOR.
awk -F, '$5 == "SACITUZUMAB GOVITECAN" && $6 < 10 && $(NF - 3) == "ADVERSE EVENT" { print $3 }' "$DEMO/ex.csv" | sort -u >"$work/red"
grep -h "DOSE REDUCED" "$DEMO/ae.csv" "$DEMO/suppae.csv" | cut -d, -f3 | sort -u >"$work/acn"
nred=$(comm -23 "$work/red" "$work/acn" | wc -l)
expect "monitor: $nred doses reduced for an AE with no AE action DOSE REDUCED" 0 "" test "$(grep -c 'was reduced to .* for an adverse event (EXADJ), but no adverse event has the action DOSE REDUCED' "$work/kept")" -eq "$nred"
expect "monitor: a death without a recorded cause" 0 "dm.csv:2: warning: subject BAL-001-0001: Death on 2025-08-05 without a recorded cause" cat "$work/kept"
fresh
awk -F, -v OFS=, '$3 == "BAL-001-0001" && $5 == "1" && $6 == "AEACNADC" { $8 = "DOSE REDUCED" } { print }' "$DEMO/suppae.csv" >"$S/suppae.csv"
awk -F, -v OFS=, '$3 == "BAL-001-0001" && $6 == "DEATH" { $5 = "DEATH DUE TO PROGRESSIVE DISEASE" } { print }' "$DEMO/ds.csv" >"$S/ds.csv"
expect "monitor: the action recorded, the query goes" 1 "" sh -c "'$BAL' check '$S' --max-messages 0 2>&1 | grep -q 'BAL-001-0001: SACITUZUMAB GOVITECAN was reduced'"
expect "monitor: the cause in DSTERM, the query goes" 1 "" sh -c "'$BAL' check '$S' --max-messages 0 2>&1 | grep -q 'BAL-001-0001: Death on'"

fresh
sed -i '1s/TRLNKID/TRLNKIX/' "$S/tr.csv"
check "missing column" 1 "tr.csv:1: error: required column TRLNKID is missing"

fresh
setf 2 20 2024-13-28 tr.csv
check "bad month" 1 "tr.csv:2:20: error: TRDTC '2024-13-28' must be a month from 01 to 12 (subject BAL-001-0001)"

fresh
setf 2 20 28/08/2024 tr.csv
check "date not ISO 8601" 1 "tr.csv:2:20: error: TRDTC '28/08/2024' must be an ISO 8601 date YYYY-MM-DD (or partial YYYY-MM, YYYY) (subject BAL-001-0001)"

fresh
setf 2 12 -4 tr.csv
check "negative diameter" 1 "tr.csv:2:12: error: TRSTRESN '-4' must be a length in mm, 0 or more, or TOO SMALL TO MEASURE (subject BAL-001-0001, lesion T01, visit SCREENING)"

fresh
setf 2 13 in tr.csv
check "unit not mm or cm" 1 "tr.csv:2:13: error: unit 'IN' of LDIAM must be mm or cm (subject BAL-001-0001, lesion T01, visit SCREENING)"

# The result as collected and its standardised number must agree: the
# loader reads TRSTRESN, so a TRORRES corrected alone would be ignored.
fresh
setf 2 9 3.5 tr.csv
check "TRORRES disagrees with TRSTRESN" 1 "tr.csv:2:9: error: TRORRES '3.5 mm' is 3.5 mm but TRSTRESN is 33.4 mm: the standardised result must be the collected one in mm (subject BAL-001-0001, lesion T01, visit SCREENING)"
fresh
setf 2 10 in tr.csv
check "TRORRESU not a length, beside TRSTRESN" 1 "tr.csv:2:10: error: unit 'IN' of TRORRES must be mm or cm (subject BAL-001-0001, lesion T01, visit SCREENING)"
fresh
setf 2 12 "" tr.csv
setf 2 9 3.5 tr.csv
check "TRORRES disagrees with TRSTRESC" 1 "tr.csv:2:9: error: TRORRES '3.5 mm' is 3.5 mm but TRSTRESC is 33.4 mm"
fresh
setf 2 9 3.34 tr.csv
setf 2 10 cm tr.csv
check "... 3.34 cm is 33.4 mm: no error" 0 ": 0 errors,"

# Required values and date order, domain by domain (dom_require,
# dom_date_order): the column, the subject, and where.
fresh
setf 2 6 "" ds.csv
check "blank DSDECOD" 1 "ds.csv:2:6: error: DSDECOD must not be blank (subject BAL-001-0001)"
fresh
setf 2 5 "" ex.csv
check "blank EXTRT" 1 "ex.csv:2:5: error: EXTRT must not be blank (subject BAL-001-0001)"
fresh
setf 2 13 "" ex.csv
check "blank EXSTDTC" 1 "ex.csv:2:13: error: EXSTDTC must not be blank (subject BAL-001-0001)"
fresh
setf 2 14 2024-09-01 ex.csv
check "EX end before start" 1 "ex.csv:2:14: error: EXENDTC '2024-09-01' is before EXSTDTC '2024-09-07' (subject BAL-001-0001)"
fresh
setf 2 5 "" ae.csv
check "blank AETERM" 1 "ae.csv:2:5: error: AETERM must not be blank (subject BAL-001-0001)"
fresh
setf 2 5 "" tu.csv
check "blank TULNKID" 1 "tu.csv:2:5: error: TULNKID must not be blank (subject BAL-001-0001)"
fresh
setf 2 14 2025-06-01 cm.csv
check "CM end before start" 1 "cm.csv:2:14: error: CMENDTC '2025-06-01' is before CMSTDTC '2025-06-25' (subject BAL-001-0001)"

fresh
setf 2 6 T99 tr.csv
check "lesion without TU row" 1 "tr.csv:2:6: error: TRLNKID 'T99' has no TU row (subject BAL-001-0001; every measured lesion must be identified in tu.csv)"

fresh
sed -n 2p "$S/tr.csv" | sed 's/,33.4,mm,33.4,33.4,/,35,mm,35,35,/' >>"$S/tr.csv"
n=$(wc -l <"$S/tr.csv")
check "two measurements of one lesion at one visit" 1 "tr.csv:$n: error: lesion T01 of subject BAL-001-0001 has two LDIAM results at visit SCREENING (the other at line 2), with different values"

fresh
sed -i '/^[^,]*,DM,BAL-001-0001,/d' "$S/dm.csv"
check "subject not in dm.csv" 1 "tr.csv:2:3: error: subject 'BAL-001-0001' is not in dm.csv"

fresh
awk -F, -v OFS=, '$3 == "BAL-001-0001" && $19 == "SCREENING" { $20 = "2024-07-01" } { print }' "$S/tr.csv" >"$work/t" && mv "$work/t" "$S/tr.csv"
check "baseline too early (a warning)" 0 "tr.csv:2: warning: baseline assessment of subject BAL-001-0001 (visit SCREENING, 2024-07-01) is 68 days before the first dose (2024-09-07), more than baseline_max_days_before 28: no valid baseline"

fresh
setf 2 9 8 tr.csv
setf 2 11 8 tr.csv
setf 2 12 8 tr.csv
check "baseline target below 10 mm (a warning)" 0 "tr.csv:2: warning: RANO-BM target lesion T01 of subject BAL-001-0001 measures 8 mm at baseline, below the longest diameter threshold of 10 mm"

fresh
awk -F, -v OFS=, '$3 == "BAL-001-0001" && $19 == "SCREENING" && $6 == "T01" { $14 = "NOT DONE"; $9 = $11 = $12 = "" } { print }' "$S/tr.csv" >"$work/t" && mv "$work/t" "$S/tr.csv"
check "target without baseline measurement (a warning)" 0 "tu.csv:2: warning: RANO-BM target lesion T01 of subject BAL-001-0001 has no baseline measurement (visit SCREENING, 2024-08-28): the baseline is incomplete"

fresh
printf '{ "data_cutoff": "2025-03-31" }\n' >"$S/protocol.json"
# Counted here: the TR rows dated after 2025-03-31 or of a subject
# enrolled (DS ENROLLED) after it, their subjects, and the first.
awk -F, '$6 == "ENROLLED" && $9 > "2025-03-31" { print $3 }' "$S/ds.csv" >"$work/late"
awk -F, 'NR == FNR { late[$1] = 1; next } FNR > 1 && ($20 > "2025-03-31" || ($3 in late)) { print FNR, $3 }' "$work/late" "$S/tr.csv" >"$work/lr"
late=$(wc -l <"$work/lr")
subj=$(cut -d' ' -f2 "$work/lr" | sort -u | wc -l)
first=$(head -1 "$work/lr" | cut -d' ' -f1)
nlate=$(wc -l <"$work/late")
check "records after the cut-off (a warning, per domain)" 0 "tr.csv:$first: warning: $late records of $subj subjects dated after the data cut-off 2025-03-31, or of a subject enrolled after it, are left out"
check "subjects enrolled after the cut-off (a warning)" 0 "warning: $nlate subjects enrolled after the data cut-off 2025-03-31 are left out: BAL-001-0016,"

fresh
echo 'BALIST-IVO-ADC-201,AE,BAL-001-0001,99,Rash,Rash,Skin,7,N,RELATED,DOSE NOT CHANGED,RECOVERED/RESOLVED,2024-10-01,2024-10-05' >>"$S/ae.csv"
n=$(wc -l <"$S/ae.csv")
check "AE grade outside 1-5" 1 "ae.csv:$n:8: error: AETOXGR '7' must be a CTCAE grade from 1 to 5 (subject BAL-001-0001, Rash)"

fresh
echo 'BALIST-IVO-ADC-201,AE,BAL-001-0001,99,Rash,Rash,Skin,2,N,RELATED,DOSE NOT CHANGED,RECOVERED/RESOLVED,2024-10-05,2024-10-01' >>"$S/ae.csv"
n=$(wc -l <"$S/ae.csv")
check "AE end before start" 1 "ae.csv:$n:14: error: AEENDTC '2024-10-01' is before AESTDTC '2024-10-05' (subject BAL-001-0001, Rash)"

fresh
echo 'BALIST-IVO-ADC-201,AE,BAL-001-0001,99,Rash, itchy,Rash,Skin,2,N,RELATED,DOSE NOT CHANGED,RECOVERED/RESOLVED,2024-10-05,2024-10-09' >>"$S/ae.csv"
n=$(wc -l <"$S/ae.csv")
check "unquoted comma" 1 "ae.csv:$n: error: 15 fields, but the header has 14 (a comma inside a value must be quoted)"

fresh
echo 'BALIST-IVO-ADC-201,AE,BAL-001-0001,99,"Rash,2,N' >>"$S/ae.csv"
n=$(wc -l <"$S/ae.csv")
check "unclosed quote" 1 "ae.csv:$n: error: malformed CSV: a quoted field is not closed before the end of the file"

fresh
sed -i '2s/,TARGET,TARGET,/,TARGT,TARGT,/' "$S/tu.csv"
check "lesion class not a controlled term" 1 "tu.csv:2:9: error: TUSTRESC 'TARGT' must be TARGET, NON-TARGET, NEW or EQUIVOCAL (subject BAL-001-0001, lesion T01)"

fresh
printf '{ "confirm_min_days": "28" }\n' >"$S/protocol.json"
check "bad protocol value" 1 "protocol.json: error: key 'confirm_min_days': must be a whole number from 1 to 365"

fresh
printf '{ "data_cutof": "2025-03-31" }\n' >"$S/protocol.json"
check "misspelt protocol key" 1 "protocol.json: error: unknown key 'data_cutof'"

fresh
check "evaluator with no reads" 1 "tu.csv: error: no row matches the evaluator INDEPENDENT (INDEPENDENT ASSESSOR with --ACPTFL=Y); the file has INVESTIGATOR" --evaluator INDEPENDENT

fresh
rm "$S/dm.csv"
check "dm.csv missing" 1 "dm.csv: error: missing: a study folder must hold dm.csv"

# An empty dm.csv hid the whole study ("0 subjects, 0 errors"): now an
# error, and every other domain's rows are errors too (their subjects are
# not in dm.csv), so that nothing vanishes without a word.
fresh
: >"$S/dm.csv"
check "empty dm.csv" 1 "dm.csv: error: the file is empty: a header row naming the columns is expected"
check "... the rows of other domains are errors" 1 "ex.csv:2:3: error: subject 'BAL-001-0001' is not in dm.csv"
head -1 "$DEMO/dm.csv" >"$S/dm.csv"
check "dm.csv with a header only" 1 "dm.csv: error: no subjects: dm.csv has a header but no rows"
check "... the rows of other domains are errors" 1 "tr.csv:2:3: error: subject 'BAL-001-0001' is not in dm.csv"
fresh
: >"$S/ae.csv"
rm "$S/suppae.csv"
check "empty ae.csv (a warning)" 0 "ae.csv: warning: the file is empty: a header row naming the columns is expected; no rows are read from it"

fresh
echo 'BALIST-IVO-ADC-201,AE,BAL-001-0001,99,Rash,Rash,Skin,2,N,RELATED,DOSE NOT CHANGED,RECOVERED/RESOLVED,2024-10-05,2024-10-09' >>"$S/ae.csv"
echo 'BALIST-IVO-ADC-201,AE,BAL-001-0001,AESEQ,77,AERELIVO,Relationship to Ivonescimab,RELATED' >>"$S/suppae.csv"
n=$(wc -l <"$S/suppae.csv")
check "supplemental qualifier without parent" 1 "suppae.csv:$n: error: 1 qualifier row matches no row of ae.csv"

# What entry would refuse or ask to confirm, as warnings in imported data
# (endpoints/entry.c, the rules the web application applies). A dose of
# 200 mg/kg of ivonescimab (planned 20), a dose dated 2099, a dose after
# BAL-001-0001's death on 2025-08-05. EVIDENCE: ENTRY-DOSE
fresh
echo 'BALIST-IVO-ADC-201,EX,BAL-001-0002,90,IVONESCIMAB,200,mg/kg,INJECTION,Q3W,INTRAVENOUS,,CYCLE 2 DAY 1,2024-10-14,2024-10-14' >>"$S/ex.csv"
n=$(wc -l <"$S/ex.csv")
check "entry: a dose ten times the plan" 0 "ex.csv:$n: warning: subject BAL-001-0002: 200 mg/kg is 1000% of the planned 20 mg/kg of Ivonescimab (more than 125%) [entry]"
fresh
# (no data cut-off: the demo's would leave a dose of 2099 out of the study)
echo '{}' >"$S/protocol.json"
echo 'BALIST-IVO-ADC-201,EX,BAL-001-0002,90,IVONESCIMAB,20,mg/kg,INJECTION,Q3W,INTRAVENOUS,,CYCLE 9 DAY 1,2099-01-05,2099-01-05' >>"$S/ex.csv"
n=$(wc -l <"$S/ex.csv")
check "entry: a dose in the future" 0 "ex.csv:$n: warning: subject BAL-001-0002: Dose date 2099-01-05 is in the future"
fresh
echo 'BALIST-IVO-ADC-201,EX,BAL-001-0001,90,IVONESCIMAB,20,mg/kg,INJECTION,Q3W,INTRAVENOUS,,CYCLE 15 DAY 1,2025-09-01,2025-09-01' >>"$S/ex.csv"
n=$(wc -l <"$S/ex.csv")
check "entry: a dose after death" 0 "ex.csv:$n: warning: subject BAL-001-0001: the subject died on 2025-08-05: no dose can be recorded after it [entry]"

finish
