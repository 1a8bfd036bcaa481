# Shared by the end-to-end scripts: run balist, compare exit code and
# output, count, and print the closing "N passed, N failed" line.
passed=0
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect NAME WANT_RC WANT_TEXT CMD...   (WANT_TEXT "" = no text check)
expect() {
    name=$1 want_rc=$2 want=$3
    shift 3
    "$@" >"$work/out" 2>&1
    rc=$?
    if [ "$rc" -ne "$want_rc" ] ||
        { [ -n "$want" ] && ! grep -qF -- "$want" "$work/out"; }; then
        echo "FAIL $name: exit $rc (want $want_rc); want text: $want"
        sed 's/^/    | /' "$work/out" | head -15
        failed=$((failed + 1))
    else
        echo "ok   $name"
        passed=$((passed + 1))
    fi
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
