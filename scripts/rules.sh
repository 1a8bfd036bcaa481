#!/bin/sh
# The clinical rules coded in src/ ("Rule ID:" comments, STYLE.md "Clinical
# rules are written where they are coded"), checked three ways; exits 1
# when any check fails:
#   - each ID is defined once: one "Rule ID:" (or "Rule ID (...):") at the
#     start of a comment in all of src/ (a grep for it lands on one place);
#   - no numbered rule without an ID ("Rule 3:", "Row 2:" in a comment);
#   - each ID is cited by a test ("EVIDENCE: ID" in tests/).
SRC=${1:-.}
defs=$(grep -rhoE '(/\*|^ *\*) *Rule [A-Z][A-Z0-9-]+( \(|:)' "$SRC/src" |
    sed -E 's/.*Rule ([A-Z][A-Z0-9-]+).*/\1/')
rules=$(printf '%s\n' "$defs" | sort -u)
cited=$(grep -rhoE 'EVIDENCE: [A-Z0-9, -]+' "$SRC/tests" |
    sed 's/^EVIDENCE: //; s/, */\n/g' | sed 's/ *$//' | sort -u)
bad=0
for r in $(printf '%s\n' "$defs" | sort | uniq -d); do
    echo "rule $r is defined more than once:"
    grep -rnE "Rule $r( \\(|:)" "$SRC/src" | sed 's/^/    /'
    bad=$((bad + 1))
done
numbered=$(grep -rnE '(/\*|^ *\*) *(Rules?|Rows?) [0-9]+' "$SRC/src")
if [ -n "$numbered" ]; then
    printf '%s\n' "$numbered" | sed 's/^/numbered rule without an ID: /'
    bad=$((bad + $(printf '%s\n' "$numbered" | wc -l)))
fi
n=0
missing=0
for r in $rules; do
    n=$((n + 1))
    if ! printf '%s\n' "$cited" | grep -qx "$r"; then
        echo "rule $r has no test citing it (EVIDENCE: $r)"
        missing=$((missing + 1))
    fi
done
echo "$n rules, $((n - missing)) cited by tests, $bad defined twice or unnamed"
[ "$missing" -eq 0 ] && [ "$bad" -eq 0 ]
