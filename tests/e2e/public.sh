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
finish
