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

# serve_start OUT ARGS...: starts `balist serve ARGS` in the background
# (its output in OUT, TMPDIR $work/tmp) and waits for it; sets pid, U (the
# URL it serves, http or https) and port. Stops it at exit; exits when it
# does not start.
serve_start() {
    out=$1
    shift
    mkdir -p "$work/tmp"
    TMPDIR="$work/tmp" "$BAL" serve "$@" >"$out" 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
    i=0
    while ! grep -q "Ctrl-C" "$out" 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    U=$(sed -n 's|.* at \(https*://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$out")
    port=${U##*:}
    [ -n "$U" ] || { cat "$out"; echo "the server did not start"; exit 1; }
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
