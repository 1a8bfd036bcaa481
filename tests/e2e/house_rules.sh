#!/bin/sh
# The house rules of STYLE.md, checked rather than only written:
#   - src/<layer> is private to its library: a file of another layer that
#     includes its _int.h does not compile (a probe), while one including
#     the public header does (the control);
#   - a banned function (cmake/banned.h) does not compile;
#   - no exported symbol of the libraries takes a prefix a dependency owns
#     (csv_ of libcsv, sqlite3_, PQ, MHD_, cairo_, gsl_, json_ of jansson,
#     sodium_, lxw_), and none is a bare word of three letters or fewer
#     (such as `mm`) that any library might define too;
#   - the C sources are formatted as .clang-format says.
BUILD=$1
SRC=$2
. "$(dirname "$0")/lib.sh"

build() { cmake --build "$BUILD" --target "$1" 2>&1; }
# Exit 0 when the target does not build (its messages printed), 1 when it
# does.
build_fails() {
    if build "$1"; then
        echo "$1 was built"
        return 1
    fi
    return 0
}
expect "a layer including another layer's _int.h does not compile" 0 "store_int.h: No such file or directory" build_fails probe_int_include
expect "... the public header compiles (the control)" 0 "" build probe_public_include
expect "a banned function does not compile" 0 "attempt to use poisoned \"sprintf\"" build_fails probe_banned_call

syms() {
    for l in "$BUILD"/libbalist_*.a; do
        nm -g --defined-only "$l" | awk 'NF == 3 && $2 ~ /[TDBR]/ { print $3 }'
    done
}
expect "the libraries export symbols (the check below sees them)" 0 "sdtm_load" syms
expect "no exported symbol in a dependency's namespace" 1 "" sh -c "$(command -v nm) -g --defined-only '$BUILD'/libbalist_*.a | awk 'NF == 3 { print \$3 }' | grep -E '^(csv_|sqlite3_|PQ|MHD_|cairo_|gsl_|json_|sodium_|lxw_)'"
expect "no bare exported symbol of three letters or fewer" 1 "" sh -c "$(command -v nm) -g --defined-only '$BUILD'/libbalist_*.a | awk 'NF == 3 && length(\$3) <= 3 { print \$3 }' | grep ."

# A prefix belongs to one library (STYLE.md "Names": the module as
# prefix): no library exports a name in another's namespace (the
# server's store_status, or a report function named like criteria's
# resp_). Two prefixes are shared on purpose: subject_ (the model's struct
# subject in core; struct subject_result and the subject's status and
# schedule in endpoints) and lesion_ (the model's lesion_class_name in
# core; what a lesion is, in criteria).
prefix_owners() {
    for l in "$BUILD"/libbalist_*.a; do
        nm -g --defined-only "$l" | awk -v L="${l##*/}" 'NF == 3 && $2 ~ /[TDBR]/ { split($3, a, "_"); print a[1], L }'
    done | sort -u | awk '{ n[$1]++; libs[$1] = libs[$1] " " $2 } END { for (p in n) if (n[p] > 1 && p != "subject" && p != "lesion") print "prefix " p "_ in" libs[p] }'
}
shared=$(prefix_owners)
expect "... none shared (but subject_ and lesion_)" 0 "" sh -c "[ -z '$shared' ] || { echo '$shared'; exit 1; }"

if command -v clang-format >/dev/null 2>&1; then
    expect "the sources are formatted (make format)" 0 "" sh -c "[ -z \"\$(cd '$SRC' && for f in src/*/*.c src/*/*.h include/balist/*.h tests/unit/*.c tests/unit/*.h tests/probe/*.c; do clang-format --dry-run -Werror \"\$f\" >/dev/null 2>&1 || echo \"\$f\"; done)\" ] || { cd '$SRC' && for f in src/*/*.c src/*/*.h include/balist/*.h tests/unit/*.c tests/unit/*.h tests/probe/*.c; do clang-format --dry-run -Werror \"\$f\" >/dev/null 2>&1 || echo \"not formatted: \$f\"; done; exit 1; }"
else
    echo "clang-format is not installed (scripts/deps.sh installs it)"
    failed=$((failed + 1))
fi
finish
