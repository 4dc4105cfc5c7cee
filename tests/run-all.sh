#!/bin/sh
# Run every test suite against the normal build, then against the
# ASan+UBSan build; print each suite's result and one closing summary line
# "N passed, N failed" (what .ci/run reports).
#
# Suites speak TAP ("ok N - ...", "not ok N - ..."); a suite that exits
# non-zero without reporting a failure counts as one failure.
set -u
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
passed=0
failed=0
log=build/test-logs
mkdir -p "$log"

suite() { # name command...
    name=$1; shift
    out="$log/$(echo "$name" | tr ' /' '__').tap"
    "$@" >"$out" 2>&1
    rc=$?
    p=$(grep -c '^ok ' "$out")
    f=$(grep -c '^not ok ' "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "not ok - $name exited with status $rc" >>"$out"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    skip=$(grep -m1 '# SKIP' "$out" || true)
    printf '%-34s %5d passed %4d failed %s\n' "$name" "$p" "$f" "${skip:+($skip)}"
    if [ "$f" -gt 0 ]; then
        grep -E '^not ok|^#|ERROR|Sanitizer|runtime error' "$out" | head -40
    fi
    grep -E '^# .*(match rate|tab stops)' "$out" || true
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export CMOCKA_MESSAGE_OUTPUT=TAP

for variant in "" asan; do
    b=build${variant:+/$variant}
    tag=${variant:-plain}
    $PY tests/fixtures/make_fixtures.py build/fixtures >"$log/fixtures.log" 2>&1 ||
        { echo "fixture generation failed:"; cat "$log/fixtures.log"; exit 1; }
    suite "unit ($tag)" env D25_FIXTURES=build/fixtures "$b/test_unit"
    suite "cli ($tag)" tests/cli/run.sh "$b/duty25" build/fixtures
    suite "samples ($tag)" $PY tests/samples/check.py "$b/duty25"
    suite "store ($tag)" $PY tests/store/check.py "$b/duty25"
    suite "city ($tag)" $PY tests/city/check.py "$b/duty25"
    suite "city report ($tag)" $PY tests/city/report.py "$b/duty25"
    suite "province ($tag)" $PY tests/province/check.py "$b/duty25"
    suite "month ($tag)" $PY tests/month/check.py "$b/duty25"
    suite "edition ($tag)" $PY tests/edition/check.py "$b/duty25"
    suite "firstday ($tag)" $PY tests/firstday/check.py "$b/duty25"
    suite "corpus ($tag)" $PY tests/corpus/compare.py "$b/duty25"
    suite "registry ($tag)" $PY tests/registry/check.py "$b/duty25"
    suite "install ($tag)" tests/install/check.sh "$b/duty25"
    suite "layouts ($tag)" $PY tests/layouts/check.py "$b/duty25"
    suite "serve ($tag)" $PY tests/serve/check.py "$b/duty25"
    # a real browser is slow under the sanitizers: the plain build only
    [ -z "$variant" ] && suite "serve browser" $PY tests/serve/browser.py "$b/duty25"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
