#!/bin/sh
# `balist serve` on PostgreSQL: the same store behind the web application
# (enrolment, an assessment saved and judged, a change with a reason and
# its audit, a query, a signature voided, a lock, the dashboard), and
# balist derive of the database agreeing. Skipped (77) without the test
# cluster of scripts/with-pg.sh.
BAL=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
[ -n "${BALIST_TEST_PG_URL:-}" ] && command -v psql >/dev/null || { echo "no PostgreSQL test cluster: skipped"; exit 77; }
db=$BALIST_TEST_PG_URL
psql "$db" -qc "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null
"$BAL" init "$db" >/dev/null 2>&1 && "$BAL" import "$db" "$SRC/data/demo" >/dev/null 2>&1 || { echo "import failed"; exit 1; }
echo 'investigator pass' | "$BAL" user "$db" add alice --role investigator >/dev/null 2>&1
echo 'coordinator pass' | "$BAL" user "$db" add cora --role coordinator >/dev/null 2>&1
echo 'monitor pass' | "$BAL" user "$db" add mona --role monitor >/dev/null 2>&1
serve_start "$work/serve.out" "$db" --listen 127.0.0.1:0
status() {
    m=$1 p=$2
    shift 2
    curl -s -X "$m" -o "$work/body" -w "%{http_code}\n" "$@" "$U$p"
    cat "$work/body"
}
session() { # session USER PASSWORD JAR: prints the CSRF token
    curl -s -c "$3" -H 'Content-Type: application/json' \
        -d "{\"user\": \"$1\", \"password\": \"$2\"}" "$U/api/v1/login" |
        sed -n 's/.*"csrf": "\([0-9a-f]*\)".*/\1/p'
}
A="-b $work/ja -H X-CSRF-Token:$(session alice 'investigator pass' "$work/ja")"
C="-b $work/jc -H X-CSRF-Token:$(session cora 'coordinator pass' "$work/jc")"
M="-b $work/jm -H X-CSRF-Token:$(session mona 'monitor pass' "$work/jm")"
S=BAL-001-0099
expect "the subjects on PostgreSQL" 0 '"usubjid": "BAL-001-0040"' status GET /api/v1/subjects $A
expect "the automatic queries at start (16 recorded responses differ)" 0 "16" sh -c "curl -s -b '$work/ja' '$U/api/v1/queries' | grep -c '\"check\": \"response/'"
expect "enrol (201)" 0 '"eligible": true' status POST /api/v1/subjects $C -d "{\"usubjid\": \"$S\", \"age\": 47, \"consent_date\": \"2026-05-01\", \"enrolment_date\": \"2026-05-07\", \"checklist\": {\"consent\": true, \"er_negative\": true, \"pr_negative\": true, \"her2_negative\": true, \"brain_met_mm\": 18, \"ecog\": 0, \"organ_function\": true, \"no_steroids\": true, \"prior_trop2_adc\": false, \"prior_pd1_vegf\": false}}"
expect "a dose (201)" 0 "201" status POST /api/v1/subjects/$S/records $C -d '{"domain": "ex", "values": {"EXTRT": "IVONESCIMAB", "EXDOSE": "20", "EXDOSU": "mg/kg", "VISIT": "CYCLE 1 DAY 1", "EXSTDTC": "2026-05-10"}}'
expect "baseline (201)" 0 "201" status POST /api/v1/subjects/$S/assessments $A -d '{"visit": "SCREENING", "date": "2026-05-05", "identify": [{"id": "T01", "location": "FRONTAL LOBE", "rano": "TARGET", "recist": "TARGET"}], "lesions": [{"id": "T01", "diameter_mm": 18}]}'
expect "week 6: PR, and the site's SD to be queried (201)" 0 "is SD; BALIST computes PR" status POST /api/v1/subjects/$S/assessments $A -d '{"visit": "WEEK 6", "date": "2026-06-19", "lesions": [{"id": "T01", "diameter_mm": 9}], "neuro_status": "STABLE", "recorded": {"RANO-BM": "SD"}}'
expect "week 12: confirmed PR" 0 '"cbor": "PR"' status POST /api/v1/subjects/$S/assessments $A -d '{"visit": "WEEK 12", "date": "2026-07-31", "lesions": [{"id": "T01", "diameter_mm": 8}], "neuro_status": "STABLE"}'
expect "the discrepancy query is open" 0 "is SD; BALIST computes PR" status GET /api/v1/subjects/$S $A
tr=$(tr -d '\n ' <"$work/body" | sed -n 's/.*"tr":\[{"id":\([0-9]*\).*/\1/p')
expect "sign with the query open: listed first (409)" 0 "1 query is still open" status POST /api/v1/subjects/$S/sign $A -d '{"meaning": "I confirm", "password": "investigator pass"}'
expect "sign (201)" 0 "201" status POST /api/v1/subjects/$S/sign $A -d '{"meaning": "I confirm", "password": "investigator pass", "acknowledge_open_queries": true}'
expect "a diameter corrected with a reason (200)" 0 '"reason": "re-measured"' status PUT /api/v1/records/$tr $A -d '{"field": "TRORRES", "value": "18.5", "reason": "re-measured"}'
expect "... TRSTRESN follows it" 0 '"TRSTRESN": "18.5"' cat "$work/body"
expect "... in the record's audit, as entered (18, not 18.0)" 0 '"old": "18"' status GET /api/v1/records/$tr/audit $A
expect "... the signature voided" 0 '"voided_reason": "re-measured"' status GET /api/v1/subjects/$S $A
expect "a lock (201)" 0 "201" status POST /api/v1/subjects/$S/lock $M -d '{"meaning": "locked", "password": "monitor pass", "acknowledge_open_queries": true}'
expect "... refuses a change (409)" 0 "is locked (by mona" status PUT /api/v1/records/$tr $A -d '{"field": "TRORRES", "value": "19", "reason": "r"}'
expect "the dashboard" 0 '"ITEM": "CNS ORR"' status GET /api/v1/dashboard $M
kill $pid
wait $pid 2>/dev/null
"$BAL" derive "$db" --out "$work/d" >/dev/null 2>&1
expect "derive of the PostgreSQL database: confirmed PR" 0 "" grep -q "^[^,]*,$S,CBORCNS,.*,PR,.*PR confirmed" "$work/d/adrs.csv"
expect "the audit chain verifies" 0 "intact" "$BAL" audit "$db" --verify
finish
