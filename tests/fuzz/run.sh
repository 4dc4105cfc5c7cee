#!/bin/sh
# Run each fuzz target for SECONDS (default 60), seeded from the shared
# corpus (../shared/corpus/ooxml, when present), the test fixtures and the
# clerk layouts of tests/layouts (build/layouts, generated when absent);
# the mail target from the fixture mails, with tests/fuzz/mail.dict.
# Findings (crash-*, leak-*, timeout-*) are left in build/fuzz/.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
corpus=../shared/corpus/ooxml
/usr/bin/python3 tests/fixtures/make_fixtures.py build/fixtures >/dev/null
[ -f build/layouts/manifest.json ] || /usr/bin/python3 tests/layouts/gen.py build/layouts >/dev/null
status=0
for kind in xlsx docx mail; do
    seeds=build/fuzz/seeds-$kind
    mkdir -p "$seeds" build/fuzz/found-$kind
    ext=$kind
    dict=
    if [ "$kind" = mail ]; then
        ext=eml
        dict=-dict=../../tests/fuzz/mail.dict
    elif [ -d "$corpus" ]; then
        find "$corpus/$kind" "$corpus/bad" -type f -size -2M -exec cp {} "$seeds/" \;
    else
        echo "fuzz: ../shared/corpus/ooxml missing, seeding from fixtures only"
    fi
    find build/fixtures -name "*.$ext" -size -2M -exec cp {} "$seeds/" \;
    find build/layouts -name "*.$ext" -size -2M -exec cp {} "$seeds/" \;
    echo "fuzz_$kind: $(ls "$seeds" | wc -l) seeds, ${secs}s"
    (cd build/fuzz && ./fuzz_$kind -max_total_time="$secs" -max_len=2097152 -rss_limit_mb=2048 \
        -timeout=20 -print_final_stats=1 $dict found-$kind seeds-$kind 2>&1 | tail -12) || status=1
done
ls build/fuzz/crash-* build/fuzz/leak-* build/fuzz/timeout-* 2>/dev/null && status=1
exit $status
