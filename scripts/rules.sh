#!/bin/sh
# Lists the clinical rules coded in src/ ("Rule ID:" comments) that no test
# names as evidence ("EVIDENCE: ID"); exits 1 when there is one.
# STYLE.md: "Clinical rules are written where they are coded".
SRC=${1:-.}
rules=$(grep -rhoE 'Rule [A-Z][A-Z0-9-]+' "$SRC/src" | sed 's/^Rule //' | sort -u)
cited=$(grep -rhoE 'EVIDENCE: [A-Z0-9, -]+' "$SRC/tests" |
    sed 's/^EVIDENCE: //; s/, */\n/g' | sed 's/ *$//' | sort -u)
n=0
missing=0
for r in $rules; do
    n=$((n + 1))
    if ! printf '%s\n' "$cited" | grep -qx "$r"; then
        echo "rule $r has no test citing it (EVIDENCE: $r)"
        missing=$((missing + 1))
    fi
done
echo "$n rules, $((n - missing)) cited by tests"
[ "$missing" -eq 0 ]
