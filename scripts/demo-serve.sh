#!/bin/sh
# The last step of `make demo`: the demo study in a database with one
# account per role, served on http://127.0.0.1:${DEMO_PORT:-8080}/ until
# Ctrl-C. The database takes the demo's data without its data cut-off,
# as a trial's live database would (the cut-off is an analysis setting).
set -eu
BAL=$1
out=out/serve
rm -rf "$out"
mkdir -p "$out/study"
cp data/demo/*.csv "$out/study/"
printf '{"_comment": "The demo study for live data capture: no data cut-off."}\n' \
    >"$out/study/protocol.json"
"$BAL" init "$out/demo.db" >"$out/setup.log" 2>&1 &&
    "$BAL" import "$out/demo.db" "$out/study" >>"$out/setup.log" 2>&1 ||
    { cat "$out/setup.log"; exit 1; }
PW=balist-demo
for r in investigator coordinator radiologist monitor statistician admin; do
    printf '%s\n' "$PW" | "$BAL" user "$out/demo.db" add "$r" --role "$r" \
        >>"$out/setup.log" 2>&1 || { cat "$out/setup.log"; exit 1; }
done
port=${DEMO_PORT:-8080}
echo
echo "== balist serve $out/demo.db --listen 127.0.0.1:$port"
echo "Open http://127.0.0.1:$port/ in a browser and sign in as"
echo "  investigator / $PW   (also coordinator, radiologist, monitor,"
echo "  statistician and admin, each with the password $PW)."
echo "Press Ctrl-C to stop the server; the data you enter stays in $out/demo.db."
exec "$BAL" serve "$out/demo.db" --listen "127.0.0.1:$port"
