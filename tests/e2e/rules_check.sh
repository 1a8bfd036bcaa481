#!/bin/sh
# scripts/rules.sh itself: it fails on a rule defined twice, on a numbered
# rule without an ID and on a rule no test cites, and passes a clean tree.
SRC=$1
. "$(dirname "$0")/lib.sh"

tree() { # tree NAME SRC_TEXT TEST_TEXT
    mkdir -p "$work/$1/src" "$work/$1/tests"
    printf '%b' "$2" >"$work/$1/src/x.c"
    printf '%b' "$3" >"$work/$1/tests/t.c"
}
tree clean '/* Rule A-B: one. */\n * Rule C-D (e.3 row 1): two.\n' '/* EVIDENCE: A-B, C-D */\n'
tree twice '/* Rule A-B: one. */\n/* Rule A-B: again. */\n' '/* EVIDENCE: A-B */\n'
tree numbered '/* Rule A-B: one. */\n    /* Row 3: target NE. */\n' '/* EVIDENCE: A-B */\n'
tree uncited '/* Rule A-B: one. */\n/* Rule C-D: two. */\n' '/* EVIDENCE: A-B */\n'
expect "a clean tree passes" 0 "2 rules, 2 cited by tests, 0 defined twice or unnamed" sh "$SRC/scripts/rules.sh" "$work/clean"
expect "a rule defined twice fails" 1 "rule A-B is defined more than once" sh "$SRC/scripts/rules.sh" "$work/twice"
expect "a numbered rule without an ID fails" 1 "numbered rule without an ID: $work/numbered/src/x.c:2:" sh "$SRC/scripts/rules.sh" "$work/numbered"
expect "a rule no test cites fails" 1 "rule C-D has no test citing it (EVIDENCE: C-D)" sh "$SRC/scripts/rules.sh" "$work/uncited"
expect "the tree itself passes" 0 "0 defined twice or unnamed" sh "$SRC/scripts/rules.sh" "$SRC"
finish
