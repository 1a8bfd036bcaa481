#!/bin/sh
# The command line: help, version, usage errors (exit 2), data errors
# (exit 1), success (exit 0).
BAL=$1
SRC=$2
. "$(dirname "$0")/lib.sh"

expect "no command" 2 "Usage: balist COMMAND" "$BAL"
expect "--help" 0 "Commands:" "$BAL" --help
expect "help lists check" 0 "check      validate a study folder" "$BAL" --help
expect "--version" 0 "balist 0.1.0" "$BAL" --version
expect "unknown command" 2 "balist: 'chek' is not a command." "$BAL" chek
expect "check --help" 0 "Usage: balist check STUDY [options]" "$BAL" check --help
expect "help check" 0 "Usage: balist check STUDY [options]" "$BAL" help check
expect "simulate --help" 0 "Usage: balist simulate --subjects N --seed S --out DIR" "$BAL" simulate --help
expect "check without a study" 2 "balist check: which study?" "$BAL" check
expect "check unknown option" 2 "balist check: unknown option '--frobnicate'" "$BAL" check "$SRC/data/demo" --frobnicate
expect "check bad evaluator" 2 "--evaluator needs INVESTIGATOR or INDEPENDENT" "$BAL" check "$SRC/data/demo" --evaluator RADIOLOGIST
expect "check bad cutoff" 2 "--cutoff needs a date YYYY-MM-DD" "$BAL" check "$SRC/data/demo" --cutoff 2025-02
expect "check two studies" 2 "one study at a time" "$BAL" check a b
expect "check not a folder" 1 "error: not a study folder" "$BAL" check "$work/nowhere"
expect "check --quiet prints the summary" 0 "40 subjects, 249 lesions" "$BAL" check "$SRC/data/demo" --quiet
expect "simulate without --out" 2 "balist simulate: where to? (--out DIR)" "$BAL" simulate --subjects 3
expect "simulate bad count" 2 "--subjects needs a number from 1 to 10000000" "$BAL" simulate --subjects 0 --out "$work/x"
expect "simulate bad seed" 2 "--seed needs a whole number, 0 or more" "$BAL" simulate --seed -1 --out "$work/x"
mkdir -p "$work/ro" && touch "$work/ro/file"
expect "simulate into a file" 1 "cannot create the folder" "$BAL" simulate --subjects 3 --out "$work/ro/file"
finish
