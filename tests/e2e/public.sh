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
finish
