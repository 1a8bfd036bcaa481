#!/bin/sh
# The web pages in a real browser: tests/browser/web.test.js (playwright-
# core driving Debian's chromium) against `balist serve` on a copy of the
# demo study, then `balist derive` of the same database must say what the
# pages showed. Screenshots of each page go to SHOTS (kept for a look).
BAL=$1
SRC=$2
SHOTS=$3
. "$(dirname "$0")/lib.sh"
for x in node chromium; do
    command -v $x >/dev/null || { echo "$x is missing (make test installs it)"; exit 1; }
done
[ -d "$SRC/tests/browser/node_modules/playwright-core" ] ||
    { echo "playwright-core is missing: npm ci --prefix tests/browser"; exit 1; }

db="$work/t.db"
"$BAL" init "$db" >/dev/null 2>&1 && "$BAL" import "$db" "$SRC/data/demo" >/dev/null 2>&1 || exit 1
echo 'investigator pass' | "$BAL" user "$db" add alice --role investigator >/dev/null 2>&1
echo 'coordinator pass' | "$BAL" user "$db" add cora --role coordinator >/dev/null 2>&1
echo 'monitor pass' | "$BAL" user "$db" add mona --role monitor >/dev/null 2>&1
echo 'admin pass phrase' | "$BAL" user "$db" add root --role admin >/dev/null 2>&1

mkdir -p "$SHOTS"
rm -f "$SHOTS"/*.png
serve_start "$work/serve.out" "$db" --listen 127.0.0.1:0

expect "the browser walk-through (see the ok lines)" 0 "ok - no script errors" \
    node "$SRC/tests/browser/web.test.js" "$U" "$SHOTS"
sed 's/^/    /' "$work/out"
expect "a screenshot of each page" 0 "" sh -c "[ \$(ls '$SHOTS'/*.png | wc -l) -ge 13 ]"
kill $pid 2>/dev/null
wait $pid 2>/dev/null

# The command line sees what the pages showed.
"$BAL" derive "$db" --out "$work/d" >/dev/null 2>&1
expect "derive: BAL-001-0099 confirmed PR under RANO-BM" 0 "" \
    grep -q '^[^,]*,BAL-001-0099,CBORCNS,.*,PR,.*PR confirmed: PR on 2026-06-19' "$work/d/adrs.csv"
expect "derive: ... and under RECIST 1.1" 0 "" \
    grep -q '^[^,]*,BAL-001-0099,CBOR,.*,PR,.*PR confirmed: PR on 2026-06-19' "$work/d/adrs.csv"
expect "derive: the corrected diameter (16.5 mm) is the one used" 0 "" \
    grep -q 'BAL-001-0099,.*T02,.*16\.5' "$work/d/adtr.csv"
expect "the audit chain verifies after the session" 0 "intact" "$BAL" audit "$db" --verify
finish
