#!/bin/sh
# The database commands end to end, on SQLite and (when the test cluster is
# up) PostgreSQL: init, import, export and import again give identical
# files (the demo study, and with SIZE=10000 a 10,000-subject simulated
# one); check, derive and endpoints read a database as they read a folder;
# import of bad data writes nothing; users and the audit trail.
BAL=$1
SRC=$2
SIZE=${3:-0}
. "$(dirname "$0")/lib.sh"

fresh_pg() {
    psql "$BALIST_TEST_PG_URL" -qc "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null
}

round_trip() {
    name=$1 db=$2 study=$3
    expect "$name: init" 0 "initialised" "$BAL" init "$db" --user alice
    expect "$name: import" 0 "imported" "$BAL" import "$db" "$study" --user alice
    expect "$name: export" 0 "exported" "$BAL" export "$db" --out "$work/x1"
    expect "$name: export = the study" 0 "" diff -r "$study" "$work/x1"
    expect "$name: the audit chain verifies" 0 "SHA-256 chain intact" "$BAL" audit "$db" --verify
    rm -rf "$work/x1"
}

engines="sqlite"
[ -n "${BALIST_TEST_PG_URL:-}" ] && command -v psql >/dev/null && engines="sqlite postgresql"

if [ "$SIZE" -gt 0 ]; then
    "$BAL" simulate --subjects "$SIZE" --seed 11 --out "$work/big" 2>/dev/null
    for e in $engines; do
        if [ "$e" = sqlite ]; then db="$work/big.db"; else fresh_pg; db=$BALIST_TEST_PG_URL; fi
        # The export is byte-identical to the study, so importing it again
        # is importing the study again: one round trip proves both.
        round_trip "$e $SIZE subjects" "$db" "$work/big"
    done
    finish
    exit $?
fi

for e in $engines; do
    if [ "$e" = sqlite ]; then db="$work/demo.db"; else fresh_pg; db=$BALIST_TEST_PG_URL; fi
    round_trip "$e demo" "$db" "$SRC/data/demo"
    # import -> export -> import: the second import gives the same files.
    "$BAL" export "$db" --out "$work/e1" 2>/dev/null
    expect "$e: import the export again" 0 "imported" sh -c "'$BAL' init '$work/again-$e.db' >/dev/null 2>&1; '$BAL' import '$work/again-$e.db' '$work/e1'"
    expect "$e: ... and export it: identical" 0 "" sh -c "'$BAL' export '$work/again-$e.db' --out '$work/e2' >/dev/null 2>&1 && diff -r '$SRC/data/demo' '$work/e2'"
    rm -rf "$work/e1" "$work/e2"
    expect "$e: check reads the database" 0 "40 subjects, 249 lesions, 1155 measurements: 0 errors" "$BAL" check "$db" --quiet
    expect "$e: endpoints read the database" 0 "13/40   32.5% (95% CI 18.6-49.1)" "$BAL" endpoints "$db"
    expect "$e: derive reads the database" 0 "wrote adsl.csv" "$BAL" derive "$db" --out "$work/d" --quiet
    expect "$e: a second import is refused" 1 "already holds a study" "$BAL" import "$db" "$SRC/data/demo"
    expect "$e: audit by subject" 0 "alice,INSERT,dm," "$BAL" audit "$db" --subject BAL-001-0003
    expect "$e: audit by table and user" 0 ",alice,INSERT,tr," "$BAL" audit "$db" --table tr --user alice
    expect "$e: audit of nobody is empty" 0 "" sh -c "test \$('$BAL' audit '$db' --user nobody | wc -l) -eq 1"
    expect "$e: add a user" 0 "user ana: add done" sh -c "echo 'long-enough-pw' | '$BAL' user '$db' add ana --role radiologist"
    expect "$e: list users" 0 "radiologist" "$BAL" user "$db" list
    expect "$e: a short password" 1 "8 characters or more" sh -c "echo 'short' | '$BAL' user '$db' add bob --role monitor"
    expect "$e: a bad role" 2 "--role needs admin" sh -c "echo 'long-enough-pw' | '$BAL' user '$db' add bob --role wizard"
    expect "$e: disable" 0 "disable done" "$BAL" user "$db" disable ana
    expect "$e: the user changes are audited" 0 "UPDATE,users,,,disabled,,1,ana" "$BAL" audit "$db" --table users
done

# Bad data: nothing is written.
mkdir -p "$work/bad" && cp "$SRC"/data/demo/*.csv "$work/bad/"
sed -i '2s/,TARGET,TARGET,/,TARGT,TARGT,/' "$work/bad/tu.csv"
"$BAL" init "$work/bad.db" >/dev/null 2>&1
expect "import of bad data is refused" 1 "nothing imported" "$BAL" import "$work/bad.db" "$work/bad"
expect "... and the database is as it was" 0 "2 rows, SHA-256 chain intact" "$BAL" audit "$work/bad.db" --verify
expect "init twice is refused" 1 "already initialised" "$BAL" init "$work/bad.db"
expect "import into a missing database" 1 "cannot open" "$BAL" import "$work/none.db" "$SRC/data/demo"
finish
