#!/bin/sh
# The two public pharmaverse studies load without errors. The expected
# counts are computed here from the files with awk, independently of
# balist.
BAL=$1
DATA=$2
. "$(dirname "$0")/lib.sh"

if [ ! -d "$DATA/pharmaverse-onco" ]; then
    # Reported by CTest as skipped (SKIP_RETURN_CODE), never as passed.
    echo "SKIPPED: the public studies are not at $DATA (set BALIST_SHARED)"
    exit 77
fi
subjects=$(($(wc -l <"$DATA/pharmaverse-recist/dm.csv") - 1))
# Independent, accepted reads (TUEVAL col 13, TUACPTFL col 15 in this file).
# (No field of tu.csv holds a comma, so quotes can be dropped.)
ind=$(sed 's/"//g' "$DATA/pharmaverse-recist/tu.csv" | awk -F, 'NR > 1 && $13 == "INDEPENDENT ASSESSOR" && $15 == "Y"' | wc -l)
inv=$(sed 's/"//g' "$DATA/pharmaverse-recist/tu.csv" | awk -F, 'NR > 1 && $13 == "INVESTIGATOR"' | wc -l)
expect "pharmaverse-recist, independent" 0 "$subjects subjects, $ind lesions" "$BAL" check "$DATA/pharmaverse-recist" --evaluator INDEPENDENT
expect "pharmaverse-recist, investigator" 0 "$subjects subjects, $inv lesions" "$BAL" check "$DATA/pharmaverse-recist"
expect "pharmaverse-recist: no errors" 0 ": 0 errors" "$BAL" check "$DATA/pharmaverse-recist" --evaluator INDEPENDENT
# The onco study: three readers; investigator lesions have unprefixed ids.
osub=$(($(wc -l <"$DATA/pharmaverse-onco/dm.csv") - 1))
oinv=$(grep -c '"INVESTIGATOR"' "$DATA/pharmaverse-onco/tu.csv")
expect "pharmaverse-onco, investigator" 0 "$osub subjects, $oinv lesions" "$BAL" check "$DATA/pharmaverse-onco"
expect "pharmaverse-onco: no errors" 0 ": 0 errors" "$BAL" check "$DATA/pharmaverse-onco"
expect "pharmaverse-onco, independent: no errors" 0 ": 0 errors" "$BAL" check "$DATA/pharmaverse-onco" --evaluator INDEPENDENT
# A partial baseline date in the month of the first dose is imputed to the
# first dose (2014-01 for subject 01-701-1015, first dose 2014-01-02).
expect "pharmaverse-onco: partial baseline date" 0 "TUDTC '2014-01' is partial; imputed to 2014-01-02, the first dose, as this is a baseline visit" "$BAL" check "$DATA/pharmaverse-onco" --max-messages 0
# The recorded response 'CHECK' is skipped with a warning.
expect "pharmaverse-onco: CHECK skipped" 0 "RSSTRESC 'CHECK' of OVRLRESP is not one of" "$BAL" check "$DATA/pharmaverse-onco" --max-messages 0
# Placebo doses (EXDOSE 0, EXTRT PLACEBO) are doses, as admiral counts
# them: every subject dosed is treated, and SAFFL agrees with TRTSDT.
# EVIDENCE: DOSE-GIVEN.
dosed=$(sed 's/"//g' "$DATA/pharmaverse-onco/ex.csv" | awk -F, 'NR > 1 && $14 != "" && ($6 > 0 || $5 ~ /PLACEBO/) { print $3 }' | sort -u | wc -l)
expect "pharmaverse-onco: derive" 0 "" "$BAL" derive "$DATA/pharmaverse-onco" --out "$work/po" --quiet
expect "pharmaverse-onco: SAFFL Y for the $dosed dosed, placebo too" 0 "" test "$(grep -c ',Y,[YN],[YN],[YN],' "$work/po/adsl.csv")" -eq "$dosed"
expect "pharmaverse-onco: SAFFL and TRTSDT never disagree" 0 "" sh -c "sed 's/\"[^\"]*\"//g' '$work/po/adsl.csv' | awk -F, 'NR > 1 && ((\$10 != \"\") != (\$15 == \"Y\")) { bad = 1 } END { exit bad }'"
# RECIST measurability at baseline (a.2): subjects whose every
# investigator baseline target is below 10 mm (a lymph node's short axis,
# LPERP, below 15 mm) have no measurable disease: RECMDFL N, out of the ORR
# denominator. Counted here from tu.csv and tr.csv.
# EVIDENCE: MEASURABLE-DISEASE.
sed 's/"//g' "$DATA/pharmaverse-onco/tu.csv" | awk -F, 'NR > 1 && $12 == "INVESTIGATOR" && $9 == "TARGET" { print $3 "|" $5 "," ($10 ~ /LYMPH/ ? 15 : 10) }' >"$work/thr"
sed 's/"//g' "$DATA/pharmaverse-onco/tr.csv" | awk -F, 'NR == FNR { t[$1] = $2; next } FNR > 1 && $18 == "INVESTIGATOR" && $5 == "TARGET" && $22 == "BASELINE" { k = $3 "|" $7; tg[$3] = 1; use = t[k] == 15 ? ($8 == "LPERP" || $8 == "SAXIS") : ($8 == "LDIAM" || $8 == "DIAMETER"); if ((k in t) && use && $13 != "" && $13 + 0 >= t[k]) ok[$3] = 1 } END { for (s in tg) if (!(s in ok)) print s }' "$work/thr" - | sort >"$work/notmd"
nmd=$(wc -l <"$work/notmd")
expect "pharmaverse-onco: hand count of subjects without measurable disease" 0 "" test "$nmd" -eq 9
expect "pharmaverse-onco: check warns for each of them" 0 "" sh -c "'$BAL' check '$DATA/pharmaverse-onco' --max-messages 0 2>&1 | grep 'no RECIST 1.1 target lesion measurable at baseline' | grep -o '01-[0-9]*-[0-9]*' | sort | diff - '$work/notmd'"
# End of study as admiral derives it from the CDISC pilot's one
# disposition record per subject (Rule EOS-STATUS): as many COMPLETED and
# ADVERSE EVENT discontinuations as ds.csv has; RANDDT from RANDOMIZED
# (254 subjects).
ncomp=$(sed 's/"//g' "$DATA/pharmaverse-onco/ds.csv" | awk -F, '$7 == "COMPLETED" && $8 == "DISPOSITION EVENT"' | wc -l)
nae=$(sed 's/"//g' "$DATA/pharmaverse-onco/ds.csv" | awk -F, '$7 == "ADVERSE EVENT" && $8 == "DISPOSITION EVENT"' | wc -l)
eos() { sed 's/"[^"]*"//g' "$work/po/adsl.csv" | awk -F, -v s="$1" -v w="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["EOSSTT"] == s && $c["DCSREAS"] == w { n++ } END { print n + 0 }'; }
expect "pharmaverse-onco: EOSSTT COMPLETED for the $ncomp of ds.csv" 0 "$ncomp" eos COMPLETED ""
expect "pharmaverse-onco: DCSREAS ADVERSE EVENT for the $nae of ds.csv" 0 "$nae" eos DISCONTINUED "ADVERSE EVENT"
expect "pharmaverse-onco: RANDDT where randomised" 0 "254" sh -c "sed 's/\"[^\"]*\"//g' '$work/po/adsl.csv' | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if (\$i == \"RANDDT\") k = i; next } \$k != \"\"' | wc -l"
# A rise from a nadir of 0 mm has no percentage: never "+inf%".
expect "pharmaverse-onco: no +inf% in any reason" 1 "" grep -q 'inf%' "$work/po/adrs.csv"
expect "... it says from 0 mm" 0 "sum 53.9 mm is up from 0 mm at the nadir, +53.9 mm" cat "$work/po/adrs.csv"
# Duration of response counts the confirmed responders of the response
# rate's set only: as many as the ORR numerator.
expect "pharmaverse-onco: endpoints" 0 "" sh -c "'$BAL' endpoints '$DATA/pharmaverse-onco' >'$work/pe.txt'"
orr=$(grep '^  ORR ' "$work/pe.txt" | awk '{ split($2, a, "/"); print a[1] }')
expect "pharmaverse-onco: DoR subjects = ORR responders ($orr)" 0 "" sh -c "grep -A1 'population: Confirmed responders (RECIST-measurable)' '$work/pe.txt' | grep -q 'N=$orr '"
expect "pharmaverse-onco: RECMDFL N for each of them" 0 "" sh -c "sed 's/\"[^\"]*\"//g' '$work/po/adsl.csv' | awk -F, 'NR == FNR { n[\$1]; next } (\$2 in n) && \$18 != \"N\" { bad = 1 } END { exit bad }' '$work/notmd' -"
treated=$(grep -c ',Y,[YN],[YN],[YN],' "$work/po/adsl.csv")
expect "pharmaverse-onco: ORR denominator treated - $nmd" 0 "" grep -Eq "^  ORR +21/$((treated - nmd)) " "$work/pe.txt"
# Independent review, one reader per subject (issue 13, item 7). In
# pharmaverse-recist every subject's accepted (TRACPTFL Y) measurements
# come from both radiologists, visit by visit: a sum adds one reader's
# lesions to another's. EVIDENCE: QUERY-MONITOR. balist check warns for
# each of the 8; with independent_reads one_reader, the reads of the reader
# of the accepted lesion identification (TU) count. 01-701-1015, WEEK 3,
# by hand from tr.csv: RADIOLOGIST 2's accepted rows 19.4 + 33.32 (T02 a
# node, LPERP) + 23.76 + 18 = 94.48 mm; RADIOLOGIST 1, who identified the
# lesions, 20.2 + 34.68 + 24.72 + 17.46 = 97.06 mm.
expect "pharmaverse-recist: mixed readers warned for the 8 subjects" 0 "8" sh -c "'$BAL' check '$DATA/pharmaverse-recist' --evaluator INDEPENDENT --max-messages 0 2>&1 | grep -c 'The independent reads come from different readers: RADIOLOGIST'"
expect "... naming the readers, file and line" 0 "tr.csv:34: warning: subject 01-701-1015: The independent reads come from different readers: RADIOLOGIST 1 (4 tu.csv rows from line 2)" "$BAL" check "$DATA/pharmaverse-recist" --evaluator INDEPENDENT --max-messages 0
expect "pharmaverse-recist: accepted reads, WEEK 3 sum" 0 "01-701-1015,SDIAM,Sum of Diameters of Target Lesions (mm),TUMOR MEASUREMENT,INDEPENDENT ASSESSOR,RECIST 1.1,,WEEK 3,2014-01-23,22,94.48" sh -c "'$BAL' derive '$DATA/pharmaverse-recist' --evaluator INDEPENDENT --out '$work/ir0' --quiet >/dev/null 2>&1; cat '$work/ir0/adtr.csv'"
mkdir -p "$work/ir" && cp "$DATA"/pharmaverse-recist/*.csv "$work/ir/" && printf '{"evaluator": "INDEPENDENT", "independent_reads": "one_reader"}\n' >"$work/ir/protocol.json"
expect "one_reader: no mixed readers" 1 "" sh -c "'$BAL' check '$work/ir' --max-messages 0 2>&1 | grep -q 'different readers'"
expect "one_reader: RADIOLOGIST 1's WEEK 3 sum" 0 "01-701-1015,SDIAM,Sum of Diameters of Target Lesions (mm),TUMOR MEASUREMENT,INDEPENDENT ASSESSOR,RECIST 1.1,,WEEK 3,2014-01-23,22,97.06" sh -c "'$BAL' derive '$work/ir' --out '$work/ir1' --quiet >/dev/null 2>&1; cat '$work/ir1/adtr.csv'"
# The server raises the same finding as an automatic query.
if command -v curl >/dev/null; then
    printf '{"evaluator": "INDEPENDENT"}\n' >"$work/indep.json"
    "$BAL" init "$work/ir.db" --protocol "$work/indep.json" >/dev/null 2>&1 && "$BAL" import "$work/ir.db" "$DATA/pharmaverse-recist" >/dev/null 2>&1
    echo 'monitor pass phrase' | "$BAL" user "$work/ir.db" add mona --role monitor >/dev/null 2>&1
    serve_start "$work/serve.out" "$work/ir.db" --listen 127.0.0.1:0
    curl -s -c "$work/jar" -H 'Content-Type: application/json' -d '{"user": "mona", "password": "monitor pass phrase"}' "$U/api/v1/login" >/dev/null
    expect "the server: an automatic query per subject with mixed readers" 0 "8" sh -c "curl -s -b '$work/jar' '$U/api/v1/queries' | grep -c '\"check\": \"mixed-readers/'"
fi
finish
