#!/bin/sh
# `balist serve` attacked as an outsider and as an unlucky user would, on
# loopback, with bounded loops: locks and signatures that a relabelled
# visit cannot get round, a lockout that a flood of made-up names does not
# flush, slow clients that cannot make the server unreachable. Each part
# failed before issue 18.
BAL=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "curl is missing"; exit 1; }

db="$work/t.db"
"$BAL" init "$db" >/dev/null 2>&1 && "$BAL" import "$db" "$SRC/data/demo" >/dev/null 2>&1 || exit 1
echo 'correct horse battery' | "$BAL" user "$db" add alice --role investigator >/dev/null 2>&1
echo 'radiologist pass phrase' | "$BAL" user "$db" add rita --role radiologist >/dev/null 2>&1

serve_start "$work/serve.out" "$db" --listen 127.0.0.1:0

status() {
    m=$1 p=$2
    shift 2
    curl -s --path-as-is -X "$m" -o "$work/body" -w "%{http_code}\n" "$@" "$U$p"
    cat "$work/body"
}
login() { # login USER PASSWORD JAR
    status POST /api/v1/login -c "$3" -H 'Content-Type: application/json' \
        -d "{\"user\": \"$1\", \"password\": \"$2\"}"
}
csrf_of() { sed -n 's/.*"csrf": "\([0-9a-f]*\)".*/\1/p' "$work/body"; }
audit_rows() { "$BAL" audit "$db" 2>/dev/null | wc -l; }
# record_id USUBJID DOMAIN SEQ: the id of the subject's record with that
# --SEQ, from the subject's page.
record_id() {
    curl -s -b "$work/ja" "$U/api/v1/subjects/$1" | tr -d ' \n' |
        grep -o "\"id\":[0-9]*,\"values\":{[^}]*\"$2SEQ\":\"$3\"" |
        sed 's/"id":\([0-9]*\),.*/\1/'
}

login alice 'correct horse battery' "$work/ja" >/dev/null
A="-b $work/ja -H X-CSRF-Token:$(csrf_of)"
login rita 'radiologist pass phrase' "$work/jr" >/dev/null
R="-b $work/jr -H X-CSRF-Token:$(csrf_of)"

# ---- 1. Locks and signatures cover data by what it is ----
# BAL-001-0003's T01 measured 20.3 mm at WEEK 6 (TRSEQ 6, 2024-11-22), and
# 14.8 mm at WEEK 18 (TRSEQ 11).
t6=$(record_id BAL-001-0003 TR 6)
t18=$(record_id BAL-001-0003 TR 11)
expect "the WEEK 6 and WEEK 18 measurements have ids" 0 "" test -n "$t6" -a -n "$t18"
expect "locking a visit the subject does not have (404)" 0 "subject BAL-001-0003 has no visit WEEK 7: nothing to lock" status POST /api/v1/subjects/BAL-001-0003/lock $A -d '{"meaning": "visit lock", "visit": "WEEK 7", "password": "correct horse battery", "acknowledge_open_queries": true}'
expect "... 404" 0 "404" status POST /api/v1/subjects/BAL-001-0003/sign $A -d '{"meaning": "m", "visit": "WEEK 7", "password": "correct horse battery", "acknowledge_open_queries": true}'
expect "lock WEEK 6, written 'week 6 ' (201, named WEEK 6)" 0 '"visit": "WEEK 6"' status POST /api/v1/subjects/BAL-001-0003/lock $A -d '{"meaning": "visit lock", "visit": "week 6 ", "password": "correct horse battery", "acknowledge_open_queries": true}'
lockid=$(sed -n 's/.*"signature": \([0-9]*\).*/\1/p' "$work/body")
expect "... with the days it covers" 0 '"date_from": "2024-11-22"' status GET /api/v1/subjects/BAL-001-0003 $A
n0=$(audit_rows)
expect "moving the locked measurement to another visit (409)" 0 "BAL-001-0003 visit WEEK 6 is locked (by alice" status PUT /api/v1/records/$t6 $R -d '{"field": "VISIT", "value": "UNSCHEDULED", "reason": "wrong visit"}'
expect "... and changing it there in the same request (409)" 0 "409" status PUT /api/v1/records/$t6 $R -d '{"values": {"VISIT": "WEEK 8", "TRORRES": "1.0"}, "reason": "typo"}'
expect "... the measurement is still 20.3 at WEEK 6" 0 '"TRSTRESN":"20.3","TRSTRESU":"mm","TRSTAT":"","TRREASND":"","TRMETHOD":"MRI","TREVAL":"INVESTIGATOR","VISITNUM":"11","VISIT":"WEEK6"' sh -c "curl -s -b '$work/ja' '$U/api/v1/subjects/BAL-001-0003' | tr -d ' \n'"
expect "moving WEEK 18's measurement into it as 'week 6' (409)" 0 "409" status PUT /api/v1/records/$t18 $R -d '{"field": "VISIT", "value": "week 6", "reason": "wrong visit"}'
expect "a record for it labelled 'WEEK 6 ' (409)" 0 "409" status POST /api/v1/subjects/BAL-001-0003/records $R -d '{"domain": "tr", "values": {"TRLNKID": "T01", "TRTESTCD": "LDIAM", "TRORRES": "20.3", "TRSTRESN": "20.3", "VISIT": "WEEK 6 ", "TRDTC": "2024-11-22"}}'
expect "... labelled UNSCHEDULED on its date (409, saying why)" 0 "this record is dated 2024-11-22, within that visit (2024-11-22 to 2024-11-22)" status POST /api/v1/subjects/BAL-001-0003/records $R -d '{"domain": "tr", "values": {"TRLNKID": "T01", "TRTESTCD": "LDIAM", "TRORRES": "1.0", "TRSTRESN": "1.0", "VISIT": "UNSCHEDULED", "TRDTC": "2024-11-22"}}'
expect "an assessment entered as 'week 6' (409, the visit exists)" 0 "visit week 6 already has a saved assessment" status POST /api/v1/subjects/BAL-001-0003/assessments $R -d '{"visit": "week 6", "date": "2024-11-22", "lesions": [{"id": "T01", "diameter_mm": 1.0}]}'
expect "... nothing was written" 0 "$n0" audit_rows
expect "unlock (200)" 0 '"status": "unlocked"' status POST /api/v1/locks/$lockid/unlock $A -d '{"reason": "re-read requested"}'

# BAL-001-0040's WEEK 18 (T01, NT01 on 2026-07-10; T02-T04, NT02 on
# 2026-07-11): an UNSCHEDULED assessment on its days is refused whole.
expect "lock BAL-001-0040 WEEK 18 (201)" 0 '"kind": "lock"' status POST /api/v1/subjects/BAL-001-0040/lock $A -d '{"meaning": "visit lock", "visit": "WEEK 18", "password": "correct horse battery", "acknowledge_open_queries": true}'
lock40=$(sed -n 's/.*"signature": \([0-9]*\).*/\1/p' "$work/body")
n1=$(audit_rows)
un='{"visit": "UNSCHEDULED", "date": "2026-07-11", "lesions": [{"id": "T01", "diameter_mm": 1.0}, {"id": "T02", "diameter_mm": 1.0}, {"id": "T03", "diameter_mm": 1.0}, {"id": "T04", "diameter_mm": 1.0}, {"id": "NT01", "state": "PRESENT"}, {"id": "NT02", "state": "PRESENT"}], "confirm": {"reason": "re-read"}}'
expect "an UNSCHEDULED assessment on a locked visit's day (409)" 0 "BAL-001-0040 visit WEEK 18 is locked (by alice" status POST /api/v1/subjects/BAL-001-0040/assessments $R -d "$un"
expect "... nothing was written" 0 "$n1" audit_rows
status POST /api/v1/locks/$lock40/unlock $A -d '{"reason": "done"}' >/dev/null

# A signature covers the records it hashed: moving one to another visit
# voids it.
expect "sign BAL-001-0003 WEEK 18 (201)" 0 "201" status POST /api/v1/subjects/BAL-001-0003/sign $A -d '{"meaning": "I confirm", "visit": "WEEK 18", "password": "correct horse battery", "acknowledge_open_queries": true}'
expect "... valid" 0 '"valid":true' sh -c "curl -s -b '$work/ja' '$U/api/v1/subjects/BAL-001-0003' | tr -d ' \n' | grep -o '\"visit\":\"WEEK18\",\"date_from[^}]*'"
expect "move a signed record to WEEK 24 (200)" 0 "200" status PUT /api/v1/records/$t18 $R -d '{"field": "VISIT", "value": "WEEK 24", "reason": "wrong visit label"}'
expect "... the signature is void, with the reason" 0 '"voided_by":"rita","voided_reason":"wrongvisitlabel"' sh -c "curl -s -b '$work/ja' '$U/api/v1/subjects/BAL-001-0003' | tr -d ' \n' | grep -o '\"visit\":\"WEEK18\",\"date_from[^}]*'"

finish
