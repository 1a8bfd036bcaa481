#!/bin/sh
# `balist serve` through its API, without a browser (curl): sign-in,
# sessions, roles, CSRF, lockout, request limits, malformed input, static
# pages, and the subjects list equal to what `balist derive` says of the
# same database.
BAL=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "curl is missing"; exit 1; }

db="$work/t.db"
"$BAL" init "$db" >/dev/null 2>&1 && "$BAL" import "$db" "$SRC/data/demo" >/dev/null 2>&1 || exit 1
echo 'correct horse battery' | "$BAL" user "$db" add alice --role investigator >/dev/null 2>&1
echo 'monitor pass phrase' | "$BAL" user "$db" add mona --role monitor >/dev/null 2>&1
echo 'admin pass phrase' | "$BAL" user "$db" add root --role admin >/dev/null 2>&1

serve_start "$work/serve.out" "$db" --listen 127.0.0.1:0

# status METHOD PATH [curl args...]: prints the HTTP status, then the body
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

expect "anonymous: subjects refused (401)" 0 "401" status GET /api/v1/subjects
expect "anonymous: me refused (401)" 0 "sign in first" status GET /api/v1/me
expect "anonymous: users refused (401)" 0 "401" status GET /api/v1/users
expect "anonymous: logout refused (401)" 0 "401" status POST /api/v1/logout
expect "wrong password (401)" 0 "wrong user name or password" login alice nope "$work/j0"
expect "unknown user (401)" 0 "401" login nobody whatever "$work/j0"
expect "malformed JSON (400, with where)" 0 "the request body is not JSON" status POST /api/v1/login -d '{"user": "alice", '
expect "JSON but not an object (400)" 0 "must be a JSON object" status POST /api/v1/login -d '[1,2]'
expect "a field of the wrong type (400)" 0 "'password' (a string) is required" status POST /api/v1/login -d '{"user": "alice", "password": 5}'
head -c 1100000 /dev/zero | tr '\0' 'a' >"$work/big"
expect "oversized body (413)" 0 "413" status POST /api/v1/login --data-binary @"$work/big"
expect "SQL in the user name: refused, nothing else happens" 0 "401" login "alice' OR '1'='1" "x' OR '1'='1" "$work/j0"
expect "... the accounts are intact" 0 "alice" "$BAL" user "$db" list

# The investigator.
expect "sign in (200)" 0 '"role": "investigator"' login alice 'correct horse battery' "$work/ja"
csrf=$(csrf_of)
expect "the session cookie is HttpOnly, SameSite=Strict" 0 "" sh -c "curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d '{\"user\": \"alice\", \"password\": \"correct horse battery\"}' '$U/api/v1/login' | grep -i '^Set-Cookie: balist_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict'"
expect "me" 0 '"user": "alice"' status GET /api/v1/me -b "$work/ja"
# The one permission table goes to the page: what this role may do, and
# who may do each thing (the page hard-codes no role).
expect "... what an investigator may do: sign, not verify" 0 "" sh -c "curl -s -b '$work/ja' '$U/api/v1/me' | tr -d ' \n' | grep -q '\"may\":\[\"signed_in\",\"read\",\"enrol\",\"assess\",\"write_site\",\"write_imaging\",\"write\",\"export\",\"query_raise\",\"query_answer\",\"sign\",\"lock\"\]'"
expect "... who signs, who verifies" 0 "" sh -c "curl -s -b '$work/ja' '$U/api/v1/me' | tr -d ' \n' | grep -q '\"sign\":\[\"investigator\"\],\"verify\":\[\"monitor\"\]'"
expect "subjects (200)" 0 "200" status GET /api/v1/subjects -b "$work/ja"
cp "$work/body" "$work/subjects.json"
expect "40 subjects" 0 "40" sh -c "grep -c '\"usubjid\"' '$work/subjects.json'"
expect "... each with its site, for the worklist's filter" 0 '"usubjid": "BAL-001-0001",   "site": "001"' sh -c "tr -d '\n' <'$work/subjects.json'"
expect "an investigator may not list accounts (403)" 0 "the investigator role may not do this" status GET /api/v1/users -b "$work/ja"
expect "logout without the CSRF token (403)" 0 "missing or wrong X-CSRF-Token" status POST /api/v1/logout -b "$work/ja"
expect "logout with a wrong CSRF token (403)" 0 "403" status POST /api/v1/logout -b "$work/ja" -H "X-CSRF-Token: $(printf '%064d' 0)"
expect "... the session still works" 0 "200" status GET /api/v1/me -b "$work/ja"
expect "wrong method on a route (405)" 0 "405" status DELETE /api/v1/subjects -b "$work/ja"
expect "unknown route (404)" 0 "no such route" status GET /api/v1/nothing -b "$work/ja"

# The API and the command line see the same data: each subject's
# confirmed best responses equal balist derive's adrs of the database
# (CBORCNS and CBOR, AVALC in column 11).
"$BAL" derive "$db" --out "$work/d" --quiet >/dev/null 2>&1
expect "derive of the database" 0 "" test -s "$work/d/adsl.csv"
tr -d '\n' <"$work/subjects.json" | sed 's/},/}\n/g' |
    sed -n 's/.*"usubjid": "\([^"]*\)".*"cbor_cns": "\([^"]*\)".*"cbor": "\([^"]*\)".*/\1 \2 \3/p' | sort >"$work/api.txt"
awk -F, 'NR > 1 && ($3 == "CBORCNS" || $3 == "CBOR") { v[$2 " " $3] = $11 }
    END { for (k in v) { split(k, a, " "); if (a[2] == "CBORCNS") print a[1], v[k], v[a[1] " CBOR"] } }' \
    "$work/d/adrs.csv" | sort >"$work/cli.txt"
expect "40 subjects' responses from the API" 0 "40" sh -c "wc -l <'$work/api.txt'"
expect "API responses = balist derive's CBORCNS and CBOR" 0 "" diff "$work/cli.txt" "$work/api.txt"
expect "a known subject: BAL-001-0003 confirmed PR in the brain" 0 "BAL-001-0003 PR PR" cat "$work/api.txt"

# One subject's time points: the overall response of each RANO-BM
# assessment equals balist derive's OVRCNS for BAL-001-0003 (PR at all
# seven follow-up scans), with its reason.
expect "a subject's assessments (200)" 0 '"criterion": "RANO-BM"' status GET /api/v1/subjects/BAL-001-0003 -b "$work/ja"
awk '/"criterion": "RECIST 1.1"/ { exit } /"overall": "[A-Z]/ { sub(/.*"overall": "/, ""); sub(/".*/, ""); print }' "$work/body" >"$work/api-ovr.txt"
awk -F, '$2 == "BAL-001-0003" && $3 == "OVRCNS" { print $11 }' "$work/d/adrs.csv" >"$work/cli-ovr.txt"
expect "... seven follow-up responses" 0 "7" sh -c "wc -l <'$work/api-ovr.txt'"
expect "... equal to derive's OVRCNS" 0 "" diff "$work/cli-ovr.txt" "$work/api-ovr.txt"
expect "... the CNS sum at baseline, 99.5 mm" 0 '"sum_mm": 99.5' cat "$work/body"
expect "... with the reason for the confirmed response" 0 '"cbor_reason": "PR confirmed: PR on 2024-11-22' cat "$work/body"
expect "no such subject (404)" 0 "no such subject" status GET /api/v1/subjects/BAL-999 -b "$work/ja"
expect "a subject needs a session (401)" 0 "401" status GET /api/v1/subjects/BAL-001-0003
expect "the subject page" 0 'data-page="subject"' status GET /subject.html
expect "... with the assessment form" 0 'id="entry-lesions"' cat "$work/body"
expect "the lesions to carry forward: T01, a RANO-BM target in the cerebellum" 0 "" sh -c "curl -s -b '$work/ja' '$U/api/v1/subjects/BAL-001-0040' | tr -d '\n ' | grep -q '\"id\":\"T01\",\"location\":\"CEREBELLUM\",\"rano\":\"TARGET\",\"recist\":\"TARGET\",\"cns\":true'"

# The response calls as you type: BAL-001-0040 (CNS target T01 at its
# nadir 7.1 mm on 2026-07-10) proposed at 14.0 mm is RANO-BM PD, +97.2%
# over the nadir, and nothing is saved.
prop='{"visit": "WEEK 24", "date": "2026-08-22", "lesions": [{"id": "T01", "diameter_mm": 14.0}, {"id": "NT01", "state": "PRESENT"}]}'
expect "preview (200)" 0 '"saved": false' status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/ja" -d "$prop"
expect "... RANO-BM PD with its reason" 0 '"reason": "PD: sum 14 mm is +97.2% over nadir 7.1 mm' cat "$work/body"
expect "... the proposed time point is there" 0 '"date": "2026-08-22"' cat "$work/body"
status GET /api/v1/subjects/BAL-001-0040 -b "$work/ja" >/dev/null
expect "... the subject's saved assessments do not have it" 1 "" grep -q '2026-08-22' "$work/body"
expect "... the database is still the demo study" 0 "" sh -c "'$BAL' export '$db' --out '$work/after' >/dev/null 2>&1 && diff -r '$SRC/data/demo' '$work/after'"
expect "... no working folder left behind" 0 "" sh -c "[ -z \"\$(ls '$work/tmp')\" ]"
expect "preview with a bad date (422, file, line, column)" 0 "TRDTC '2026-13-22' must be a month from 01 to 12" status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/ja" -d '{"visit": "WEEK 24", "date": "2026-13-22", "lesions": [{"id": "T01", "diameter_mm": 5}]}'
expect "... status 422" 0 "422" status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/ja" -d '{"visit": "WEEK 24", "date": "2026-13-22", "lesions": [{"id": "T01", "diameter_mm": 5}]}'
expect "preview: a lesion without a value (400)" 0 "lesions[0] needs an 'id'" status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/ja" -d '{"visit": "W", "date": "2026-08-22", "lesions": [{"id": "T01"}]}'
expect "preview: a diameter that is not a number (400)" 0 "lesions[0].diameter_mm 'x' is not a number of mm" status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/ja" -d '{"visit": "W", "date": "2026-08-22", "lesions": [{"id": "T01", "diameter_mm": "x"}]}'
# A decimal comma is refused, never read as 14 or 145 (issue 14, item 2);
# a diameter typed as text keeps its precision (10.04 stays 10.04).
expect "preview: a decimal comma (400)" 0 "lesions[0].diameter_mm '14,5': use a decimal point (14.5), not a comma" status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/ja" -d '{"visit": "WEEK 24", "date": "2026-08-22", "lesions": [{"id": "T01", "diameter_mm": "14,5"}]}'
expect "preview: a diameter typed as text, to its precision" 0 "10.04" status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/ja" -d '{"visit": "WEEK 24", "date": "2026-08-22", "lesions": [{"id": "T01", "diameter_mm": "10.04"}, {"id": "NT01", "state": "PRESENT"}]}'
expect "preview: no such subject (404)" 0 "404" status POST /api/v1/subjects/BAL-999/preview -b "$work/ja" -d "$prop"
expect "preview: SQL and quotes in text are data" 0 "422" status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/ja" -d '{"visit": "W\"); DROP TABLE records; --", "date": "2026-08-22", "lesions": [{"id": "T01'"'"' OR 1=1", "diameter_mm": 5}]}'
expect "... the database is still the demo study" 0 "" sh -c "'$BAL' export '$db' --out '$work/after2' >/dev/null 2>&1 && diff -r '$SRC/data/demo' '$work/after2'"

# A diameter is kept as entered, to the model's 0.0001 mm (it was once
# rounded to 0.1 mm: 14.04 became 14.0), and more decimals than that are
# refused rather than rounded.
expect "preview: 14.04 mm stays 14.04 mm" 0 '"reason": "PD: sum 14.04 mm is +97.7% over nadir 7.1 mm' status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/ja" -d '{"visit": "WEEK 24", "date": "2026-08-22", "lesions": [{"id": "T01", "diameter_mm": 14.04}]}'
expect "preview: 14.00001 mm is refused (400)" 0 "lesions[0].diameter_mm must be a length in mm from 0 to 10000 with at most 4 decimals" status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/ja" -d '{"visit": "WEEK 24", "date": "2026-08-22", "lesions": [{"id": "T01", "diameter_mm": 14.00001}]}'
# EVIDENCE: ENTRY-STEROID. The demo's medication records give the
# corticosteroid dose: the preview shows it, and a steroid status entered
# with the assessment is refused (RANO-BM would not use it).
expect "preview: the steroid dose from the medication records" 0 '"from_medication": true' status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/ja" -d "$prop"
expect "... its dose on the scan date" 0 '"mg_per_day": 0' cat "$work/body"
sprop='{"visit": "WEEK 24", "date": "2026-08-22", "lesions": [{"id": "T01", "diameter_mm": 14.0}], "steroid_status": "NONE"}'
expect "preview: a steroid status as well is marked for refusal" 0 '"field": "steroid_status"' status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/ja" -d "$sprop"
expect "... and the save refused (422)" 0 '"steroid_status": "the medication records give the corticosteroid dose on this date (0 mg/day dexamethasone-equivalent)' status POST /api/v1/subjects/BAL-001-0040/assessments -b "$work/ja" -H "X-CSRF-Token: $csrf" -d "$sprop"
# Saving: refused requests write nothing (the audit trail keeps its
# length), then the assessment is saved in one audited transaction and
# the command line derives what the page showed.
audit_rows() { "$BAL" audit "$db" 2>/dev/null | wc -l; }
n0=$(audit_rows)
expect "save without the CSRF token (403)" 0 "missing or wrong X-CSRF-Token" status POST /api/v1/subjects/BAL-001-0040/assessments -b "$work/ja" -d "$prop"
login mona 'monitor pass phrase' "$work/jm0" >/dev/null
mcsrf=$(csrf_of)
expect "a monitor may not save, even with its CSRF token (403)" 0 "the monitor role may not do this" status POST /api/v1/subjects/BAL-001-0040/assessments -b "$work/jm0" -H "X-CSRF-Token: $mcsrf" -d "$prop"
expect "save an invalid assessment (422)" 0 "422" status POST /api/v1/subjects/BAL-001-0040/assessments -b "$work/ja" -H "X-CSRF-Token: $csrf" -d '{"visit": "WEEK 24", "date": "2026-13-22", "lesions": [{"id": "T01", "diameter_mm": 5}]}'
expect "save an empty assessment (400)" 0 "the assessment has no lesions" status POST /api/v1/subjects/BAL-001-0040/assessments -b "$work/ja" -H "X-CSRF-Token: $csrf" -d '{"visit": "WEEK 24", "date": "2026-08-22", "lesions": []}'
expect "... nothing written by the refused requests" 0 "$n0" audit_rows
expect "save (201)" 0 "201" status POST /api/v1/subjects/BAL-001-0040/assessments -b "$work/ja" -H "X-CSRF-Token: $csrf" -d "$prop"
trid=$(sed -n 's/^ *\([0-9][0-9]*\),\{0,1\}$/\1/p' "$work/body" | head -1)
expect "... saved, two records" 0 '"saved": true' cat "$work/body"
expect "... the call as previewed" 0 '"reason": "PD: sum 14 mm is +97.2% over nadir 7.1 mm' cat "$work/body"
expect "... two audit rows more" 0 "$((n0 + 2))" audit_rows
expect "... by alice, in tr" 0 "alice,INSERT,tr," "$BAL" audit "$db" --user alice
expect "... the audit chain verifies" 0 "SHA-256 chain intact" "$BAL" audit "$db" --verify
expect "... the subject's assessments now have it" 0 '"date": "2026-08-22"' status GET /api/v1/subjects/BAL-001-0040 -b "$work/ja"
expect "... balist derive of the database: RANO-BM PD at WEEK 24" 0 "BAL-001-0040,OVRCNS,WEEK 24,2026-08-22,PD" sh -c "'$BAL' derive '$db' --out '$work/d2' --quiet >/dev/null 2>&1; awk -F, '\$3 == \"OVRCNS\" { print \$2 \",\" \$3 \",\" \$8 \",\" \$9 \",\" \$11 }' '$work/d2/adrs.csv'"

# A change of the collected result carries its standardised twins along
# (the loader reads TRSTRESN first; once a TRORRES change was ignored):
# T01 at WEEK 24 corrected from 14 mm to 0.71 cm is 7.1 mm, the nadir
# itself (+0%), so no longer PD: an imaging PR (-53.6% from 15.3 mm) that
# is NE, as the visit has no neurological status.
expect "a TRORRES change: TRSTRESN follows (200)" 0 '"TRSTRESN": "7.1"' status PUT /api/v1/records/$trid -b "$work/ja" -H "X-CSRF-Token: $csrf" -d '{"values": {"TRORRES": "0.71", "TRORRESU": "cm"}, "reason": "read again in cm"}'
expect "... TRSTRESC and TRSTRESU too" 0 '"TRSTRESU": "mm"' cat "$work/body"
expect "... audited field by field" 0 "alice,UPDATE,tr,$trid,BAL-001-0040,TRSTRESN,14,7.1,read again in cm" sh -c "'$BAL' audit '$db' --subject BAL-001-0040 | cut -d, -f3-11"
expect "... balist derive: no longer PD at WEEK 24" 0 "BAL-001-0040,OVRCNS,WEEK 24,2026-08-22,NE,NE: imaging PR (CNS sum 7.1 mm is -53.6%" sh -c "'$BAL' derive '$db' --out '$work/d2b' --quiet >/dev/null 2>&1; awk -F, '\$3 == \"OVRCNS\" { print \$2 \",\" \$3 \",\" \$8 \",\" \$9 \",\" \$11 \",\" \$17 }' '$work/d2b/adrs.csv' | tr -d '\"'"
# A unit that is no length is judged, not standardised away: the change is
# refused with the loader's message, and nothing changes.
expect "a TRORRESU that is no length (422)" 0 "unit 'IN' of LDIAM must be mm or cm (subject BAL-001-0040, lesion T01, visit WEEK 24)" status PUT /api/v1/records/$trid -b "$work/ja" -H "X-CSRF-Token: $csrf" -d '{"field": "TRORRESU", "value": "in", "reason": "x"}'
expect "... nothing changed: TRSTRESN is still 7.1" 0 "alice,UPDATE,tr,$trid,BAL-001-0040,TRSTRESN,14,7.1" sh -c "'$BAL' audit '$db' --subject BAL-001-0040 | cut -d, -f3-10 | grep TRSTRESN | tail -1"
expect "a TRSTRESN that disagrees with TRORRES (422)" 0 "TRORRES '0.71 cm' is 7.1 mm but TRSTRESN is 9 mm" status PUT /api/v1/records/$trid -b "$work/ja" -H "X-CSRF-Token: $csrf" -d '{"field": "TRSTRESN", "value": "9", "reason": "x"}'
# The subject's whole audit trail, filtered by record and date.
expect "a subject's audit trail, one record's (200)" 0 "\"field\": \"TRSTRESN\"" status GET "/api/v1/subjects/BAL-001-0040/audit?record=$trid" -b "$work/ja"
expect "... only that record's rows" 0 "" sh -c "! grep '\"record\": ' '$work/body' | grep -v '\"record\": $trid'"
expect "... none after 2099-01-01" 0 '"audit": []' status GET "/api/v1/subjects/BAL-001-0040/audit?from=2099-01-01" -b "$work/ja"
expect "... a bad date (400)" 0 "'from' and 'to' are dates YYYY-MM-DD" status GET "/api/v1/subjects/BAL-001-0040/audit?from=yesterday" -b "$work/ja"
expect "the casebook page" 0 'data-page="casebook"' status GET /casebook.html
expect "the subject's page is told which columns a change never touches" 0 '"suffixes": [ "SEQ", "TESTCD", "TEST", "LNKID" ]' sh -c "curl -s -b '$work/ja' '$U/api/v1/subjects/BAL-001-0040' | tr -d '\n' | tr -s ' '"
# The columns that name a record are never changed (the Change form does
# not offer them): a TRTESTCD change would make a diameter a state.
for f in TRSEQ TRTESTCD TRTEST VISITNUM TRLNKID USUBJID; do
    expect "a change of $f is refused (400)" 0 "$f identifies the record and is not changed" status PUT /api/v1/records/$trid -b "$work/ja" -H "X-CSRF-Token: $csrf" -d "{\"field\": \"$f\", \"value\": \"X\", \"reason\": \"x\"}"
done

# ---- data capture: enrolment, records, changes, audit, queries,
# signatures, dashboard ----
echo 'coordinator pass phrase' | "$BAL" user "$db" add cora --role coordinator >/dev/null 2>&1
login alice 'correct horse battery' "$work/ja2" >/dev/null
acsrf=$(csrf_of)
login cora 'coordinator pass phrase' "$work/jc" >/dev/null
ccsrf=$(csrf_of)
login mona 'monitor pass phrase' "$work/jm2" >/dev/null
mcsrf=$(csrf_of)
A="-b $work/ja2 -H X-CSRF-Token:$acsrf"
login root 'admin pass phrase' "$work/jr2" >/dev/null
C="-b $work/jc -H X-CSRF-Token:$ccsrf"
M="-b $work/jm2 -H X-CSRF-Token:$mcsrf"
n1=$(audit_rows)
for r in "POST /api/v1/subjects" "POST /api/v1/subjects/BAL-001-0001/records" \
    "PUT /api/v1/records/1" "GET /api/v1/records/1/audit" "GET /api/v1/queries" \
    "POST /api/v1/subjects/BAL-001-0001/queries" "POST /api/v1/queries/1/answer" \
    "POST /api/v1/queries/1/close" "POST /api/v1/subjects/BAL-001-0001/sign" \
    "GET /api/v1/dashboard"; do
    set -- $r
    expect "anonymous: $r (401)" 0 "401" status $1 $2 -d '{}'
    case $1 in POST | PUT)
        expect "no CSRF token: $r (403)" 0 "403" status $1 $2 -b "$work/ja2" -d '{}'
        case $2 in */close) W=$M ;; */subjects | */records) W=$C ;; *) W=$A ;; esac
        expect "malformed JSON: $r (400)" 0 "the request body is not JSON" status $1 $2 $W -d '{"x": '
        ;;
    esac
done
head -c 1100000 /dev/zero | tr '\0' 'a' >"$work/big2"
expect "oversized body on a write (413)" 0 "413" status POST /api/v1/subjects/BAL-001-0001/records $A --data-binary @"$work/big2"
elig='"checklist": {"consent": true, "er_negative": true, "pr_negative": true, "her2_negative": true, "brain_met_mm": 14, "ecog": 1, "organ_function": true, "no_steroids": true, "prior_trop2_adc": false, "prior_pd1_vegf": false}'
expect "a monitor may not enrol (403)" 0 "the monitor role may not do this" status POST /api/v1/subjects $M -d "{\"usubjid\": \"BAL-001-0101\", $elig}"
expect "a coordinator may not enter tumour measurements (403)" 0 "the coordinator role may not write tr records" status POST /api/v1/subjects/BAL-001-0001/records $C -d '{"domain": "tr", "values": {"TRLNKID": "T01"}}'
expect "a coordinator may not sign (403)" 0 "the coordinator role may not do this" status POST /api/v1/subjects/BAL-001-0001/sign $C -d '{"meaning": "x", "password": "coordinator pass phrase"}'
expect "a monitor may not change a record (403)" 0 "403" status PUT /api/v1/records/1 $M -d '{"field": "AGE", "value": "50", "reason": "r"}'
expect "an investigator may not close a query (403)" 0 "403" status POST /api/v1/queries/1/close $A -d '{"note": "x"}'
expect "an admin may not read the queries (403)" 0 "403" status GET /api/v1/queries -b "$work/jr2"
expect "a domain the site does not enter (400)" 0 "is not a domain the site enters" status POST /api/v1/subjects/BAL-001-0001/records $C -d '{"domain": "audit", "values": {}}'
expect "a column name that is not an SDTM name (400)" 0 "an SDTM name" status POST /api/v1/subjects/BAL-001-0001/records $C -d '{"domain": "ae", "values": {"AETERM\", x": "y"}}'
expect "a column the domain lacks (422)" 0 "ae.csv has no column BOGUS" status POST /api/v1/subjects/BAL-001-0001/records $C -d '{"domain": "ae", "values": {"AETERM": "x", "BOGUS": "y", "AESTDTC": "2025-01-01"}}'
expect "a bad date in a record (422, the loader's message)" 0 "AESTDTC '2025-02-30' must be a day that exists in that month" status POST /api/v1/subjects/BAL-001-0001/records $C -d '{"domain": "ae", "values": {"AETERM": "Rash", "AETOXGR": "1", "AESTDTC": "2025-02-30"}}'
expect "... and in words beside the field" 0 "\"error\": \"Start date '2025-02-30' must be a day that exists in that month" cat "$work/body"
expect "a change without a reason (400)" 0 "a reason is required" status PUT /api/v1/records/1 $A -d '{"field": "AGE", "value": "50", "reason": ""}'
expect "a change to no record (404)" 0 "no such record" status PUT /api/v1/records/999999 $A -d '{"field": "AGE", "value": "50", "reason": "r"}'
expect "... nothing written by the refused requests" 0 "$n1" audit_rows

# Enrolment: the decision as you answer, then saved with its reasons.
expect "eligibility preview: not eligible, with the reasons" 0 '"reason": "not eligible: IN05 HER2-positive: not triple-negative; IN06 largest brain metastasis 8.0 mm < 10.0 mm"' status POST /api/v1/subjects $C -d '{"preview": true, "usubjid": "BAL-001-0101", "age": 50, "checklist": {"consent": true, "er_negative": true, "pr_negative": true, "her2_negative": false, "brain_met_mm": 8, "ecog": 1, "organ_function": true, "no_steroids": true, "prior_trop2_adc": false, "prior_pd1_vegf": false}}'
expect "... nothing saved by a preview" 0 "$n1" audit_rows
expect "eligibility preview: incomplete" 0 '"reason": "incomplete: not answered: IN01 Age at least the minimum' status POST /api/v1/subjects $C -d '{"preview": true, "usubjid": "BAL-001-0101", "checklist": {}}'
expect "enrol (201)" 0 "201" status POST /api/v1/subjects $C -d "{\"usubjid\": \"BAL-001-0101\", \"age\": 50, \"sex\": \"F\", \"race\": \"WHITE'); DROP TABLE records; --\", \"consent_date\": \"2025-01-02\", \"enrolment_date\": \"2025-01-09\", $elig}"
expect "... eligible" 0 '"eligible": true' cat "$work/body"
expect "a screen failure is recorded with the reasons (201)" 0 '"eligible": false' status POST /api/v1/subjects $C -d '{"usubjid": "BAL-001-0102", "age": 50, "consent_date": "2025-01-03", "checklist": {"consent": true, "er_negative": false, "pr_negative": true, "her2_negative": true, "brain_met_mm": 14, "ecog": 1, "organ_function": true, "no_steroids": true, "prior_trop2_adc": false, "prior_pd1_vegf": false}}'
expect "... listed as a screen failure" 0 '"status": "screen failure"' sh -c "curl -s -b '$work/ja2' '$U/api/v1/subjects' | tr -d '\n' | grep -o '\"usubjid\": \"BAL-001-0102\",[^}]*'"
# EVIDENCE: ENTRY-SUBJECT-ID. EVIDENCE: ENTRY-ENROLMENT.
expect "a subject ID off the protocol's pattern (422)" 0 "Subject ID 'bal-001-0103' does not follow the protocol's pattern BAL-NNN-NNNN" status POST /api/v1/subjects $C -d "{\"usubjid\": \"bal-001-0103\", \"age\": 50, \"consent_date\": \"2025-01-02\", \"enrolment_date\": \"2025-01-09\", $elig}"
expect "... beside its field" 0 '"usubjid": "Subject ID' cat "$work/body"
expect "an enrolment before the consent (422)" 0 "Enrolment date 2025-01-01 is before the consent on 2025-01-02" status POST /api/v1/subjects $C -d "{\"usubjid\": \"BAL-001-0103\", \"age\": 50, \"consent_date\": \"2025-01-02\", \"enrolment_date\": \"2025-01-01\", $elig}"
expect "a consent in the future (422)" 0 "Consent date 2099-01-02 is in the future" status POST /api/v1/subjects $C -d "{\"usubjid\": \"BAL-001-0103\", \"age\": 50, \"consent_date\": \"2099-01-02\", $elig}"
expect "... none of them enrolled" 0 "404" status GET /api/v1/subjects/BAL-001-0103 $A
expect "enrolling the same subject again (409)" 0 "that subject already exists" status POST /api/v1/subjects $C -d "{\"usubjid\": \"BAL-001-0101\", \"age\": 50, $elig}"
"$BAL" export "$db" --out "$work/e1" >/dev/null 2>&1
expect "... DM stored, SQL metacharacters verbatim" 0 "WHITE'); DROP TABLE records; --" grep BAL-001-0101 "$work/e1/dm.csv"
expect "... the disposition: ENROLLED on 2025-01-09" 0 "BAL-001-0101,2,ENROLLED,ENROLLED,PROTOCOL MILESTONE,SCREENING,2025-01-09" grep BAL-001-0101 "$work/e1/ds.csv"
expect "... eleven checklist answers in ie.csv" 0 "11" sh -c "grep -c BAL-001-0101 '$work/e1/ie.csv'"
expect "... balist check of the database is clean of errors" 0 "0 errors" "$BAL" check "$db"

# A record added, changed with a reason, and its audit trail.
expect "an adverse event (201)" 0 "201" status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ae", "values": {"AETERM": "Headache'"'"'); DROP TABLE audit; --", "AESTDTC": "2025-01-20"}}'
aeid=$(sed -n 's/^ *\([0-9][0-9]*\)$/\1/p' "$work/body" | head -1)
expect "... an automatic query: no CTCAE grade" 0 "has no CTCAE grade (1 to 5)" status GET /api/v1/subjects/BAL-001-0101 $A
expect "... AESEQ numbered by the server" 0 '"AESEQ": "1"' cat "$work/body"
expect "a subject's schedule: each cycle's doses against the plan" 0 '"drug": "SACITUZUMAB GOVITECAN"' status GET /api/v1/subjects/BAL-001-0003 $A
expect "... the planned dose and whether it was reduced" 0 '"reduced": false' cat "$work/body"
expect "... each cycle's day 1 on time or not" 0 '"early": false' cat "$work/body"
n2=$(audit_rows)
expect "a change that does not load (422)" 0 "the change is not valid; nothing was changed" status PUT /api/v1/records/$aeid $C -d '{"field": "AESTDTC", "value": "2025-13-01", "reason": "typo"}'
expect "... nothing written" 0 "$n2" audit_rows
expect "the grade entered, with a reason (200)" 0 '"AETOXGR": "2"' status PUT /api/v1/records/$aeid $C -d '{"values": {"AETOXGR": "2"}, "reason": "grade from the source notes"}'
expect "... the automatic query closed itself" 0 "resolved: the data no longer shows the discrepancy" status GET /api/v1/subjects/BAL-001-0101 $A
expect "the record's audit trail: the first entry" 0 '"action": "INSERT"' status GET /api/v1/records/$aeid/audit $A
expect "... the change, old -> new, with its reason" 0 '"reason": "grade from the source notes"' cat "$work/body"
expect "... by cora" 0 '"user": "cora"' cat "$work/body"

# Entry checks (issue 14, items 1 and 2; endpoints/entry.c): nothing is
# saved that nobody entered, a refusal names its field, a questioned value
# needs a confirmation with a reason, a subject's status forbids a dose.
# EVIDENCE: ENTRY-REQUIRED
n3=$(audit_rows)
expect "an AE with only its term (422)" 0 "Start date is required; nothing was saved" status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ae", "values": {"AETERM": "Rash"}}'
expect "... beside its field" 0 '"AESTDTC": "Start date is required"' cat "$work/body"
expect "a dose without a date (422)" 0 '"EXSTDTC": "Dose date is required"' status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ex", "values": {"EXTRT": "IVONESCIMAB", "EXDOSE": "20", "EXDOSU": "mg/kg"}}'
# EVIDENCE: ENTRY-DATES
expect "a dose dated in the future (422)" 0 "Dose date 2099-01-01 is in the future" status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ex", "values": {"EXTRT": "IVONESCIMAB", "EXDOSE": "20", "EXDOSU": "mg/kg", "EXSTDTC": "2099-01-01"}}'
# EVIDENCE: ENTRY-FULL-DATE. A dose date is a day; an AE's may be partial.
expect "a dose dated by its month only (422)" 0 '"EXSTDTC": "Dose date '"'"'2025-02'"'"' must be a full date, YYYY-MM-DD: a dose is given on a day"' status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ex", "values": {"EXTRT": "IVONESCIMAB", "EXDOSE": "20", "EXDOSU": "mg/kg", "EXSTDTC": "2025-02"}}'
expect "an AE by its month before the consent is named as entered (409)" 0 "Start date 2024-12 is before the subject's consent on 2025-01-02" status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ae", "values": {"AETERM": "Cough", "AETOXGR": "1", "AESTDTC": "2024-12"}}'
expect "a dose before the consent (422)" 0 "Dose date 2024-12-01 is before the subject's consent on 2025-01-02" status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ex", "values": {"EXTRT": "IVONESCIMAB", "EXDOSE": "20", "EXDOSU": "mg/kg", "EXSTDTC": "2024-12-01"}}'
# EVIDENCE: ENTRY-DOSE. 200 mg/kg of ivonescimab, planned 20 mg/kg: 1000%.
expect "a dose ten times the plan asks for a confirmation (409)" 0 "200 mg/kg is 1000% of the planned 20 mg/kg of Ivonescimab (more than 125%)" status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ex", "values": {"EXTRT": "IVONESCIMAB", "EXDOSE": "200", "EXDOSU": "mg/kg", "EXSTDTC": "2025-01-10"}}'
expect "... nothing written by the refusals" 0 "$n3" audit_rows
expect "... confirmed with a reason (201)" 0 "201" status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ex", "values": {"EXTRT": "IVONESCIMAB", "EXDOSE": "200", "EXDOSU": "mg/kg", "EXSTDTC": "2025-01-10"}, "confirm": {"reason": "loading dose per amendment 3"}}'
exid=$(sed -n 's/^ *\([0-9][0-9]*\)$/\1/p' "$work/body" | head -1)
expect "... the reason in the audit trail" 0 '"reason": "loading dose per amendment 3"' status GET /api/v1/records/$exid/audit $A
# EVIDENCE: ENTRY-STATUS. BAL-001-0001 died on 2025-08-05; BAL-001-0102
# failed screening.
expect "a dose after the subject's death (409)" 0 "the subject died on 2025-08-05: no dose can be recorded after it" status POST /api/v1/subjects/BAL-001-0001/records $C -d '{"domain": "ex", "values": {"EXTRT": "IVONESCIMAB", "EXDOSE": "20", "EXDOSU": "mg/kg", "EXSTDTC": "2025-09-01"}}'
expect "a dose for a screen failure (409)" 0 "the subject is a screen failure: no dose can be recorded" status POST /api/v1/subjects/BAL-001-0102/records $C -d '{"domain": "ex", "values": {"EXTRT": "IVONESCIMAB", "EXDOSE": "20", "EXDOSU": "mg/kg", "EXSTDTC": "2025-01-10"}}'
expect "balist check warns of the confirmed dose in the data" 0 "ex.csv" sh -c "'$BAL' check '$db' --max-messages 0 2>&1 | grep 'subject BAL-001-0101: 200 mg/kg is 1000% of the planned'"

# A tumour assessment at entry (endpoints/entry.c), on BAL-001-0101's
# baseline (consent 2025-01-02, first dose 2025-01-10).
# EVIDENCE: ENTRY-TARGETS. Targets by their criterion's rules.
base() { # base IDENTIFY-AND-LESIONS [CONFIRM]: a baseline proposal for 2025-01-05
    printf '{"visit": "SCREENING", "date": "2025-01-05", %s%s}' "$1" "${2:+, $2}"
}
ident() { # ident ID LOCATION RANO RECIST
    printf '{"id": "%s", "location": "%s", "rano": "%s", "recist": "%s"}' "$@"
}
lung=$(base "\"identify\": [$(ident T01 LUNG TARGET TARGET)], \"lesions\": [{\"id\": \"T01\", \"diameter_mm\": \"20\"}]")
expect "preview: a RANO-BM target in the lung is named in the checks" 0 '"text": "T01 (LUNG) is not in the brain: a RANO-BM target must be a CNS lesion' status POST /api/v1/subjects/BAL-001-0101/preview $A -d "$lung"
expect "... as a refusal beside lesion T01" 0 '"field": "lesion:T01"' cat "$work/body"
expect "... and the save is refused (422)" 0 '"lesion:T01": "T01 (LUNG) is not in the brain' status POST /api/v1/subjects/BAL-001-0101/assessments $A -d "$lung"
small=$(base "\"identify\": [$(ident T01 'FRONTAL LOBE' TARGET TARGET)], \"lesions\": [{\"id\": \"T01\", \"diameter_mm\": \"8\"}]")
expect "an assessment without a visit (422, at the field)" 0 '"visit": "Visit is required"' status POST /api/v1/subjects/BAL-001-0101/preview $A -d '{"visit": " ", "date": "2025-01-05", "lesions": [{"id": "T01", "diameter_mm": "12"}]}'
expect "a RANO-BM and RECIST target of 8 mm (422, both beside the lesion)" 0 '"lesion:T01": "T01: 8 mm is below the 10 mm longest diameter of a measurable RECIST 1.1 target; make it a non-target (response-criteria.md a.2); T01: 8 mm is below the 10 mm longest diameter of a measurable RANO-BM target' status POST /api/v1/subjects/BAL-001-0101/assessments $A -d "$small"
node=$(base "\"identify\": [$(ident T01 'FRONTAL LOBE' TARGET TARGET), $(ident T02 'LYMPH NODE, AXILLARY' '' TARGET)], \"lesions\": [{\"id\": \"T01\", \"diameter_mm\": \"12\"}, {\"id\": \"T02\", \"diameter_mm\": \"12\"}]")
expect "a RECIST nodal target with a 12 mm short axis (422)" 0 "T02: 12 mm is below the 15 mm short axis of a measurable RECIST 1.1 target" status POST /api/v1/subjects/BAL-001-0101/assessments $A -d "$node"
six="" ; les=""
for i in 1 2 3 4 5 6; do
    six="$six${six:+, }$(ident T0$i 'PARIETAL LOBE' TARGET '')"
    les="$les${les:+, }{\"id\": \"T0$i\", \"diameter_mm\": \"1$i\"}"
done
expect "six RANO-BM targets (422)" 0 '"identify": "6 RANO-BM target lesions: the criterion allows at most 5' status POST /api/v1/subjects/BAL-001-0101/assessments $A -d "$(base "\"identify\": [$six], \"lesions\": [$les]")"
brain3=$(base "\"identify\": [$(ident T01 'FRONTAL LOBE' TARGET TARGET), $(ident T02 CEREBELLUM TARGET TARGET), $(ident T03 'PARIETAL LOBE' TARGET TARGET)], \"lesions\": [{\"id\": \"T01\", \"diameter_mm\": \"12\"}, {\"id\": \"T02\", \"diameter_mm\": \"13\"}, {\"id\": \"T03\", \"diameter_mm\": \"14\"}]")
expect "three RECIST targets in the brain (422)" 0 "3 RECIST 1.1 targets in one organ (BRAIN): RECIST allows at most 2 per organ" status POST /api/v1/subjects/BAL-001-0101/assessments $A -d "$brain3"
expect "a scan dated in the future (422)" 0 '"date": "Scan date 2099-01-05 is in the future' status POST /api/v1/subjects/BAL-001-0101/assessments $A -d "$(echo "$small" | sed 's/2025-01-05/2099-01-05/; s/"8"/"18"/')"
expect "a scan of a screen failure (409)" 0 "the subject is a screen failure: no tumour assessment can be recorded" status POST /api/v1/subjects/BAL-001-0102/assessments $A -d "$(echo "$small" | sed 's/"8"/"18"/')"
# EVIDENCE: ENTRY-DIAMETER. 350 mm is outside 1 to 300 mm.
bigin="\"identify\": [$(ident T01 'FRONTAL LOBE' TARGET TARGET), $(ident T02 LIVER '' TARGET)], \"lesions\": [{\"id\": \"T01\", \"diameter_mm\": \"12\"}, {\"id\": \"T02\", \"diameter_mm\": \"350\"}, {\"id\": \"T03\", \"diameter_mm\": \"16\"}]"
bigin=$(echo "$bigin" | sed "s/\], \"lesions/, $(ident T03 'LYMPH NODE, AXILLARY' '' TARGET)], \"lesions/")
big=$(base "$bigin")
n2=$(audit_rows)
expect "a 350 mm lesion asks for a confirmation (409)" 0 '"text": "T02: 350 mm is outside the plausible range of 1 to 300 mm for a lesion"' status POST /api/v1/subjects/BAL-001-0101/assessments $A -d "$big"
expect "... nothing saved" 0 "$n2" audit_rows
expect "... confirmed with a reason (201)" 0 '"saved": true' status POST /api/v1/subjects/BAL-001-0101/assessments $A -d "$(base "$bigin" '"confirm": {"reason": "bulky liver mass, measured twice"}')"
expect "... the reason in the audit trail" 0 "bulky liver mass, measured twice" sh -c "'$BAL' audit '$db' --subject BAL-001-0101 | grep ',tr,'"
expect "... a lymph node's diameter saved as its short axis (SAXIS)" 0 "T03,SAXIS,Short Axis,16,mm" sh -c "'$BAL' export '$db' --out '$work/e3' >/dev/null 2>&1; grep BAL-001-0101 '$work/e3/tr.csv'"
expect "... and counted in the RECIST 1.1 baseline sum: 12 + 350 + 16 mm" 0 '"sum_mm": 378' status GET /api/v1/subjects/BAL-001-0101 $A
expect "balist check warns of it in the data" 0 "" sh -c "'$BAL' check '$db' --max-messages 0 2>&1 | grep -q 'subject BAL-001-0101: T02: 350 mm is outside the plausible range'"
expect "the same visit again, in other case (409, with a link)" 0 '"href": "/subject.html?id=BAL-001-0101#visit-screening"' status POST /api/v1/subjects/BAL-001-0101/assessments $A -d "$(echo "$small" | sed 's/SCREENING/screening/; s/"8"/"18"/')"
expect "... naming the visit" 0 "visit screening already has a saved assessment" cat "$work/body"
expect "... a preview of it is refused too (409)" 0 "409" status POST /api/v1/subjects/BAL-001-0101/preview $A -d "$(echo "$small" | sed 's/"8"/"18"/')"

# An AE's relatedness and action per study drug: SUPPAE qualifiers.
expect "an AE with per-drug relatedness and action (201)" 0 "201" status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ae", "values": {"AETERM": "Neutropenia", "AEDECOD": "Neutropenia", "AETOXGR": "3", "AESER": "N", "AEREL": "RELATED", "AEACN": "MULTIPLE", "AESTDTC": "2025-01-25"}, "qualifiers": {"AERELIVO": "NOT RELATED", "AERELADC": "RELATED", "AEACNIVO": "DOSE NOT CHANGED", "AEACNADC": "DOSE REDUCED"}}'
"$BAL" export "$db" --out "$work/e2" >/dev/null 2>&1
expect "... SUPPAE rows tied by AESEQ 2, labelled from the protocol" 0 "BAL-001-0101,AESEQ,2,AERELADC,Relationship to Sacituzumab govitecan,RELATED" cat "$work/e2/suppae.csv"
expect "... four of them" 0 "4" sh -c "grep -c '^[^,]*,AE,BAL-001-0101,AESEQ,2,' '$work/e2/suppae.csv'"
# AEREL and AEACN follow from the per-drug qualifiers (the server's, no
# longer the page's): related to the ADC alone is RELATED; two different
# actions are MULTIPLE; one action for both drugs is that action.
status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ae", "values": {"AETERM": "Nausea", "AETOXGR": "2", "AESTDTC": "2025-01-27"}, "qualifiers": {"AERELIVO": "NOT RELATED", "AERELADC": "RELATED", "AEACNIVO": "DOSE NOT CHANGED", "AEACNADC": "DOSE REDUCED"}}' >/dev/null
status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ae", "values": {"AETERM": "Fatigue", "AETOXGR": "1", "AESTDTC": "2025-01-28"}, "qualifiers": {"AERELIVO": "NOT RELATED", "AERELADC": "NOT RELATED", "AEACNIVO": "DOSE NOT CHANGED", "AEACNADC": "DOSE NOT CHANGED"}}' >/dev/null
"$BAL" export "$db" --out "$work/e2b" >/dev/null 2>&1
expect "an AE's AEREL and AEACN from its qualifiers: RELATED, MULTIPLE" 0 "Nausea RELATED MULTIPLE" awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } { print $c["AETERM"], $c["AEREL"], $c["AEACN"] }' "$work/e2b/ae.csv"
expect "... NOT RELATED, DOSE NOT CHANGED" 0 "Fatigue NOT RELATED DOSE NOT CHANGED" awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } { print $c["AETERM"], $c["AEREL"], $c["AEACN"] }' "$work/e2b/ae.csv"
expect "a qualifier that is not a QNAM (400)" 0 "a text value under a QNAM" status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ae", "values": {"AETERM": "Rash", "AETOXGR": "1", "AESTDTC": "2025-01-26"}, "qualifiers": {"aerel ivo": "RELATED"}}'
# Partial dates where SDTM allows them, kept as entered, never padded.
expect "an AE with a partial start date, 2025-02 (201)" 0 "201" status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ae", "values": {"AETERM": "Alopecia", "AETOXGR": "1", "AESTDTC": "2025-02"}}'
expect "... stored as entered" 0 ",2025-02," sh -c "'$BAL' export '$db' --out '$work/e4' >/dev/null 2>&1; grep Alopecia '$work/e4/ae.csv'"
expect "a date in another format is refused beside its field, in words (422)" 0 '"AESTDTC": "Start date '"'"'02/03/2025'"'"' ' status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ae", "values": {"AETERM": "Alopecia", "AETOXGR": "1", "AESTDTC": "02/03/2025"}}'

# Queries: raised by a monitor, answered by the site, closed.
expect "the automatic queries of the demo (16 recorded responses differ)" 0 "16" sh -c "curl -s -b '$work/ja2' '$U/api/v1/queries' | grep -c '\"check\": \"response/'"
# The monitor's checks raise automatic queries too (the same 13 reduced
# doses that balist check reports; tests/e2e/damage.sh counts them).
expect "automatic queries: doses reduced for an AE with no such AE action" 0 "13" sh -c "curl -s -b '$work/ja2' '$U/api/v1/queries' | grep -c '\"check\": \"dose-reduced-no-ae/'"
expect "a monitor raises a query (201)" 0 "201" status POST /api/v1/subjects/BAL-001-0101/queries $M -d '{"text": "Please attach the HER2 report; <script>alert(1)</script>"}'
qid=$(sed -n 's/.*"query": \([0-9]*\).*/\1/p' "$work/body")
expect "... the site answers (200)" 0 '"status": "answered"' status POST /api/v1/queries/$qid/answer $C -d '{"answer": "Attached to the source file."}'
expect "... the monitor closes it (200)" 0 '"status": "closed"' status POST /api/v1/queries/$qid/close $M -d '{"note": "Verified."}'
expect "... a closed query stays closed (409)" 0 "is closed" status POST /api/v1/queries/$qid/answer $C -d '{"answer": "again"}'
expect "... its text kept verbatim" 0 '<script>alert(1)</script>' status GET /api/v1/queries $M
expect "a query on no subject (404)" 0 "404" status POST /api/v1/subjects/NOBODY/queries $M -d '{"text": "x"}'

# A monitor's query attached to a visit and a record; signing with it
# open is refused with the list, unless acknowledged.
expect "a query on another subject's record (400)" 0 "is not a record of BAL-001-0101" status POST /api/v1/subjects/BAL-001-0101/queries $M -d '{"text": "x", "record": 1}'
expect "a monitor's query on a visit and a record (201)" 0 "201" status POST /api/v1/subjects/BAL-001-0101/queries $M -d "{\"text\": \"Grade of the headache?\", \"visit\": \"SCREENING\", \"record\": $aeid}"
q2=$(sed -n 's/.*"query": \([0-9]*\).*/\1/p' "$work/body")
expect "... listed with its visit and record" 0 "\"record\": $aeid" sh -c "curl -s -b '$work/ja2' '$U/api/v1/subjects/BAL-001-0101' | tr -d '\n' | grep -o '\"id\": $q2, [^}]*'"
expect "signing with an open query (409, listed)" 0 '"text": "Grade of the headache?"' status POST /api/v1/subjects/BAL-001-0101/sign $A -d '{"meaning": "I confirm the data", "password": "correct horse battery"}'
expect "... saying what to do" 0 "1 query is still open for BAL-001-0101: answer or close it first, or confirm that you sign with it open; nothing was done" cat "$work/body"
expect "... a wrong password still counts as one (401)" 0 "401" status POST /api/v1/subjects/BAL-001-0101/sign $A -d '{"meaning": "I confirm the data", "password": "nope"}'
expect "locking with it open (409)" 0 "confirm that you lock with it open" status POST /api/v1/subjects/BAL-001-0101/lock $M -d '{"meaning": "x", "password": "monitor pass phrase"}'
status POST /api/v1/queries/$q2/close $M -d '{"note": "Grade 1 confirmed by phone."}' >/dev/null

# Signatures: the password again; a later change voids it.
expect "sign with a wrong password (401)" 0 "nothing was signed" status POST /api/v1/subjects/BAL-001-0101/sign $A -d '{"meaning": "I confirm the data", "password": "nope"}'
expect "sign (201)" 0 "201" status POST /api/v1/subjects/BAL-001-0101/sign $A -d '{"meaning": "I confirm the data", "password": "correct horse battery"}'
expect "... valid" 0 '"valid": true' status GET /api/v1/subjects/BAL-001-0101 $A
status PUT /api/v1/records/$aeid $C -d '{"field": "AETOXGR", "value": "3", "reason": "re-graded after review"}' >/dev/null
expect "... voided by a later change, with its reason" 0 '"voided_reason": "re-graded after review"' status GET /api/v1/subjects/BAL-001-0101 $A
expect "... audited (UNSIGN)" 0 "UNSIGN" "$BAL" audit "$db" --table signatures

expect "a monitor verifies a visit's source data (201)" 0 '"kind": "verification"' status POST /api/v1/subjects/BAL-001-0101/verify $M -d '{"meaning": "Source data verified", "password": "monitor pass phrase"}'
expect "an investigator may not verify (403)" 0 "the investigator role may not do this" status POST /api/v1/subjects/BAL-001-0101/verify $A -d '{"meaning": "x", "password": "correct horse battery"}'
expect "... the verification is listed, valid" 0 '"kind": "verification"' status GET /api/v1/subjects/BAL-001-0101 $A

# Locks: no change until unlocked with a reason.
expect "a coordinator may not lock (403)" 0 "403" status POST /api/v1/subjects/BAL-001-0101/lock $C -d '{"meaning": "x", "password": "coordinator pass phrase"}'
expect "a monitor locks the subject (201)" 0 '"kind": "lock"' status POST /api/v1/subjects/BAL-001-0101/lock $M -d '{"meaning": "locked for review", "password": "monitor pass phrase"}'
lockid=$(sed -n 's/.*"signature": \([0-9]*\).*/\1/p' "$work/body")
n3=$(audit_rows)
expect "... a change is refused (409, who locked it)" 0 "BAL-001-0101 is locked (by mona" status PUT /api/v1/records/$aeid $C -d '{"field": "AETOXGR", "value": "4", "reason": "r"}'
expect "... a new record too" 0 "409" status POST /api/v1/subjects/BAL-001-0101/records $C -d '{"domain": "ae", "values": {"AETERM": "Rash", "AETOXGR": "1", "AESTDTC": "2025-02-01"}}'
expect "... nothing written" 0 "$n3" audit_rows
expect "unlock without a reason (400)" 0 "unlocking needs a reason" status POST /api/v1/locks/$lockid/unlock $A -d '{"reason": ""}'
expect "unlock (200)" 0 '"status": "unlocked"' status POST /api/v1/locks/$lockid/unlock $A -d '{"reason": "a late lab result"}'
expect "... the change goes through" 0 "200" status PUT /api/v1/records/$aeid $C -d '{"field": "AETOXGR", "value": "4", "reason": "worsened"}'
expect "... audited LOCK and UNLOCK" 0 "UNLOCK" "$BAL" audit "$db" --table signatures

# Exports: the ADaM datasets of balist derive, from the database.
echo 'statistician pass phrase' | "$BAL" user "$db" add stan --role statistician >/dev/null 2>&1
login stan 'statistician pass phrase' "$work/js" >/dev/null
expect "a statistician downloads adrs.csv" 0 "200 text/csv; charset=utf-8" sh -c "curl -s -b '$work/js' -o '$work/adrs-api.csv' -w '%{http_code} %{content_type}' '$U/api/v1/exports/adrs.csv'"
"$BAL" derive "$db" --out "$work/d3" --quiet >/dev/null 2>&1
expect "... the same file as balist derive's" 0 "" cmp "$work/d3/adrs.csv" "$work/adrs-api.csv"
expect "... adsl.csv too" 0 "" sh -c "curl -s -b '$work/js' '$U/api/v1/exports/adsl.csv' | cmp - '$work/d3/adsl.csv'"
expect "all five datasets as one zip" 0 "200 application/zip" sh -c "curl -s -b '$work/js' -o '$work/adam.zip' -w '%{http_code} %{content_type}' '$U/api/v1/exports/adam.zip'"
expect "... a zip archive" 0 "PK" head -c 2 "$work/adam.zip"
for f in adsl adrs adtte adtr adae; do
    expect "... holding $f.csv" 0 "" grep -aq "$f.csv" "$work/adam.zip"
done
if command -v python3 >/dev/null; then
    expect "... adsl.csv in it equal to balist derive's" 0 "" sh -c "python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(\"adsl.csv\"))' '$work/adam.zip' | cmp - '$work/d3/adsl.csv'"
fi
expect "no such dataset (404)" 0 "no such dataset" status GET /api/v1/exports/secrets.csv -b "$work/js"
expect "a coordinator may not export (403)" 0 "403" status GET /api/v1/exports/adsl.csv -b "$work/jc"
expect "anonymous: exports (401)" 0 "401" status GET /api/v1/exports/adsl.csv

# The dashboard: the report module's numbers, live.
expect "dashboard (200)" 0 '"ITEM": "CNS ORR"' status GET /api/v1/dashboard $M
expect "... the KM plot as SVG" 0 '"km_pfscns_svg": "<?xml' cat "$work/body"
expect "... enrolment by month" 0 '"month": "2024-09"' cat "$work/body"
expect "... all three Kaplan-Meier plots" 0 "3" sh -c "grep -c '\"km_[a-z]*_svg\": \"<?xml' '$work/body'"
expect "... with no inline style (the page's CSP forbids them)" 1 "" grep -q 'style=' "$work/body"
expect "... drawn with presentation attributes" 0 'stroke-width=' cat "$work/body"
# Every month from the first enrolment to the last, none left out.
sed -n 's/.*"month": "\([0-9-]*\)".*/\1/p' "$work/body" >"$work/months.txt"
expect "... every month on the enrolment axis, in order" 0 "" sh -c "awk -F- 'NR > 1 { want = (m == 12) ? sprintf(\"%04d-01\", y + 1) : sprintf(\"%04d-%02d\", y, m + 1); if (\$0 != want) { print \"gap before \" \$0; exit 1 } } { y = \$1 + 0; m = \$2 + 0 }' '$work/months.txt' && [ \$(wc -l <'$work/months.txt') -ge 10 ]"
expect "the subjects list kept up to date: 42 subjects" 0 "42" sh -c "curl -s -b '$work/ja2' '$U/api/v1/subjects' | grep -c '\"usubjid\"'"
expect "... BAL-001-0101 with its open queries counted" 0 '"usubjid": "BAL-001-0101"' curl -s -b "$work/ja2" "$U/api/v1/subjects"
expect "the audit chain verifies" 0 "SHA-256 chain intact" "$BAL" audit "$db" --verify

# Logout ends the session.
expect "logout (200)" 0 '"signed_out": true' status POST /api/v1/logout -b "$work/ja" -H "X-CSRF-Token: $csrf"
expect "... the cookie no longer works (401)" 0 "401" status GET /api/v1/me -b "$work/ja"

# Roles: the monitor reads; the admin manages accounts, not the study.
expect "monitor signs in" 0 '"role": "monitor"' login mona 'monitor pass phrase' "$work/jm"
expect "monitor reads subjects" 0 "200" status GET /api/v1/subjects -b "$work/jm"
expect "monitor may not list accounts (403)" 0 "403" status GET /api/v1/users -b "$work/jm"
expect "admin signs in" 0 '"role": "admin"' login root 'admin pass phrase' "$work/jr"
expect "admin lists accounts" 0 '"name": "mona"' status GET /api/v1/users -b "$work/jr"
expect "... no password hash in the answer" 1 "" grep -q 'argon2id' "$work/body"
login root 'admin pass phrase' "$work/jr" >/dev/null
rcsrf=$(csrf_of)
R="-b $work/jr -H X-CSRF-Token:$rcsrf"
expect "admin adds an account (201)" 0 '"role": "radiologist"' status POST /api/v1/users $R -d '{"name": "rita", "role": "radiologist", "password": "radiology pass"}'
expect "... she signs in" 0 '"role": "radiologist"' login rita 'radiology pass' "$work/jrt"
expect "... the same name again (409)" 0 "exists already" status POST /api/v1/users $R -d '{"name": "rita", "role": "monitor", "password": "another pass"}'
expect "... a short password (400)" 0 "8 characters or more" status POST /api/v1/users $R -d '{"name": "sam", "role": "monitor", "password": "short"}'
expect "... an unknown role (400)" 0 "is not one of" status POST /api/v1/users $R -d '{"name": "sam", "role": "superuser", "password": "long enough pass"}'
expect "... a name with a slash (400)" 0 "a user name is 1 to 63 characters" status POST /api/v1/users $R -d '{"name": "a/b", "role": "monitor", "password": "long enough pass"}'
expect "... without the CSRF token (403)" 0 "403" status POST /api/v1/users -b "$work/jr" -d '{"name": "sam", "role": "monitor", "password": "long enough pass"}'
expect "an investigator may not add accounts (403)" 0 "403" status POST /api/v1/users -b "$work/ja2" -d '{"name": "sam", "role": "monitor", "password": "long enough pass"}'
expect "admin disables rita (200)" 0 '"disabled": true' status POST /api/v1/users/rita/disable $R
expect "... her session ended at once (401)" 0 "401" status GET /api/v1/me -b "$work/jrt"
expect "... she cannot sign in (401)" 0 "401" login rita 'radiology pass' "$work/jrt2"
expect "... nor can the admin disable their own account (400)" 0 "their own account" status POST /api/v1/users/root/disable $R
expect "... audited" 0 "rita (radiologist)" "$BAL" audit "$db" --table users
expect "admin may not read the study (403)" 0 "the admin role may not do this" status GET /api/v1/subjects -b "$work/jr"
expect "an admin may not read a subject (403)" 0 "403" status GET /api/v1/subjects/BAL-001-0003 -b "$work/jr"
expect "a monitor may not preview (403)" 0 "the monitor role may not do this" status POST /api/v1/subjects/BAL-001-0040/preview -b "$work/jm" -d "$prop"

# Lockout: five failures lock the account, even for the right password.
for k in 1 2 3 4 5; do login mona wrong "$work/j0" >/dev/null; done
expect "locked after five failures (429)" 0 "too many failed logins" login mona 'monitor pass phrase' "$work/j0"
expect "... another account is not locked" 0 "200" login alice 'correct horse battery' "$work/j1"

# A wrong password entered to sign counts toward the lockout, as at login.
echo 'ivan pass phrase' | "$BAL" user "$db" add ivan --role investigator >/dev/null 2>&1
login ivan 'ivan pass phrase' "$work/ji" >/dev/null
icsrf=$(csrf_of)
for k in 1 2 3 4 5; do
    status POST /api/v1/subjects/BAL-001-0003/sign -b "$work/ji" -H "X-CSRF-Token: $icsrf" -d '{"meaning": "m", "password": "guess"}' >/dev/null
done
expect "five wrong passwords to sign: locked (429)" 0 "429" status POST /api/v1/subjects/BAL-001-0003/sign -b "$work/ji" -H "X-CSRF-Token: $icsrf" -d '{"meaning": "m", "password": "ivan pass phrase"}'
expect "... and at login" 0 "too many failed logins" login ivan 'ivan pass phrase' "$work/ji2"

# One's own password: the current one again; other sessions end.
echo 'pat pass phrase' | "$BAL" user "$db" add pat --role statistician >/dev/null 2>&1
login pat 'pat pass phrase' "$work/jp1" >/dev/null
pcsrf=$(csrf_of)
login pat 'pat pass phrase' "$work/jp2" >/dev/null
expect "change my password: a wrong current one (401)" 0 "the current password is not right" status POST /api/v1/me/password -b "$work/jp1" -H "X-CSRF-Token: $pcsrf" -d '{"current": "nope", "new": "a new pass phrase"}'
expect "... too short (400)" 0 "8 characters or more" status POST /api/v1/me/password -b "$work/jp1" -H "X-CSRF-Token: $pcsrf" -d '{"current": "pat pass phrase", "new": "short"}'
expect "... changed (200)" 0 '"changed": true' status POST /api/v1/me/password -b "$work/jp1" -H "X-CSRF-Token: $pcsrf" -d '{"current": "pat pass phrase", "new": "a new pass phrase"}'
expect "... this session goes on" 0 "200" status GET /api/v1/me -b "$work/jp1"
expect "... the other one ended (401)" 0 "401" status GET /api/v1/me -b "$work/jp2"
expect "... the old password no longer works" 0 "401" login pat 'pat pass phrase' "$work/jp3"
expect "... the new one does" 0 '"user": "pat"' login pat 'a new pass phrase' "$work/jp3"
expect "the password page" 0 'id="password"' status GET /password.html

# Static pages, embedded in the binary.
expect "the subjects page" 0 "<h2>Subjects</h2>" status GET /
expect "the login page" 0 'id="login"' status GET /login.html
expect "the script" 0 "async function api" status GET /app.js
expect "'..' in a path (400)" 0 "400" status GET /../CMakeLists.txt
expect "'..' encoded in a path (400)" 0 "400" status GET /%2e%2e/CMakeLists.txt
expect "a page that is not there (404)" 0 "404" status GET /nothing.html
expect "pages are read only (405)" 0 "405" status POST /index.html -d x
expect "security headers" 0 "Content-Security-Policy: default-src 'self'" curl -s -D - -o /dev/null "$U/"

# Usage errors.
expect "serve without a database" 2 "which database?" "$BAL" serve
expect "serve a folder" 2 "is a folder" "$BAL" serve "$SRC/data/demo"
expect "a bad --listen" 2 "--listen wants ADDR:PORT" "$BAL" serve "$db" --listen nowhere
kill $pid
wait $pid 2>/dev/null
expect "stops on SIGTERM" 0 "stopped" cat "$work/serve.out"

# HTTPS: a self-signed certificate made here; the cookie is Secure.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" \
    -out "$work/cert.pem" -days 2 -subj "/CN=127.0.0.1" >/dev/null 2>&1
expect "--cert without --key" 2 "--cert and --key go together" "$BAL" serve "$db" --cert "$work/cert.pem"
serve_start "$work/tls.out" "$db" --listen 127.0.0.1:0 --cert "$work/cert.pem" --key "$work/key.pem"
tport=$port
expect "serves HTTPS" 0 "https://127.0.0.1:" cat "$work/tls.out"
expect "HTTPS sign-in: the cookie is Secure" 0 "" sh -c "curl -sk -D - -o /dev/null -H 'Content-Type: application/json' -d '{\"user\": \"alice\", \"password\": \"correct horse battery\"}' 'https://127.0.0.1:$tport/api/v1/login' | grep -i '^Set-Cookie: balist_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict; Secure'"
expect "plain HTTP to the HTTPS port gets nothing" 0 "000" sh -c "curl -s -m 3 -o /dev/null -w '%{http_code}' 'http://127.0.0.1:$tport/api/v1/me'; true"
kill $pid
wait $pid 2>/dev/null
finish
