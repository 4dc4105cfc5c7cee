#!/bin/sh
# Run the unit tests and the reader over the fixtures and the shared corpus
# (when present) under valgrind memcheck; any error or leak fails.
set -u
cd "$(dirname "$0")/.."
/usr/bin/python3 tests/fixtures/make_fixtures.py build/fixtures >/dev/null
VG="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
fail=0
D25_FIXTURES=build/fixtures CMOCKA_MESSAGE_OUTPUT=TAP $VG build/test_unit >/dev/null 2>build/valgrind-unit.log
[ $? -eq 99 ] && { echo "valgrind: errors in unit tests"; cat build/valgrind-unit.log; fail=1; }
files=$(find build/fixtures -type f)
corpus=../shared/corpus/ooxml
if [ -d "$corpus" ]; then
    # the two largest files take minutes under valgrind; they run under ASan in make check
    files="$files $(find "$corpus" -type f \( -name '*.xlsx' -o -name '*.xlsm' -o -name '*.docx' -o -name '*.docm' \
        -o -name '*.dotx' -o -name '*.xltx' -o -name '*.xls' -o -name '*.doc' -o -name '*.xlsb' -o -name '*.et' \) \
        ! -name 'miniexcel__Test100,000x10.xlsx' ! -name 'openpyxl__bigfoot.xlsx' | tr '\n' '\t')"
fi
n=0
IFS='	
'
for f in $files; do
    n=$((n + 1))
    $VG build/duty25 dump --format json "$f" >/dev/null 2>build/valgrind-one.log
    if [ $? -eq 99 ]; then echo "valgrind: errors on $f"; cat build/valgrind-one.log; fail=1; fi
done
# ingest (worker threads, SQLite) and status over the samples and the flawed returns
vdb=build/valgrind-db/duty25.db
rm -rf build/valgrind-db
$VG build/duty25 ingest -q --db "$vdb" samples/2026-10 samples/2026-11 samples/flawed >/dev/null 2>build/valgrind-one.log
[ $? -eq 99 ] && { echo "valgrind: errors in ingest"; cat build/valgrind-one.log; fail=1; }
$VG build/duty25 status --db "$vdb" --period 2026-11 --format json >/dev/null 2>build/valgrind-one.log
[ $? -eq 99 ] && { echo "valgrind: errors in status"; cat build/valgrind-one.log; fail=1; }
for args in "--dump-data" "--xlsx build/valgrind-db/tables.xlsx"; do
    # shellcheck disable=SC2086
    $VG build/duty25 report --db "$vdb" --period 2026-11 $args >/dev/null 2>build/valgrind-one.log
    [ $? -eq 99 ] && { echo "valgrind: errors in report $args"; cat build/valgrind-one.log; fail=1; }
done
# the cron job (notices for the flawed returns), the blank forms, init
$VG build/duty25 run --db "$vdb" --period 2026-11 --out build/valgrind-db/out samples/flawed >/dev/null 2>build/valgrind-one.log
[ $? -eq 99 ] && { echo "valgrind: errors in run"; cat build/valgrind-one.log; fail=1; }
$VG build/duty25 forms --period 2026-12 --unit SF-X001 --unit SF-B001 --out build/valgrind-db/forms >/dev/null 2>build/valgrind-one.log
[ $? -eq 99 ] && { echo "valgrind: errors in forms"; cat build/valgrind-one.log; fail=1; }
$VG build/duty25 validate --period 2026-11 --feedback build/valgrind-db/fb samples/flawed/城西小学-2026年11月-缺行.docx >/dev/null 2>build/valgrind-one.log
[ $? -eq 99 ] && { echo "valgrind: errors in validate --feedback"; cat build/valgrind-one.log; fail=1; }
$VG build/duty25 init build/valgrind-db/w >/dev/null 2>build/valgrind-one.log
[ $? -eq 99 ] && { echo "valgrind: errors in init"; cat build/valgrind-one.log; fail=1; }
# the report parses the progress tables and writes the workbook on threads of their own: no data race
valgrind --tool=helgrind --quiet --error-exitcode=99 build/duty25 report --db "$vdb" --period 2026-11 \
    --out build/valgrind-db/out >/dev/null 2>build/valgrind-one.log
[ $? -eq 99 ] && { echo "helgrind: races in report"; cat build/valgrind-one.log; fail=1; }
# the ingest workers open and read packages side by side: no data race
valgrind --tool=helgrind --quiet --error-exitcode=99 build/duty25 ingest -q --db build/valgrind-db/hg.db \
    samples/2026-10 samples/2026-11 samples/flawed >/dev/null 2>build/valgrind-one.log
[ $? -eq 99 ] && { echo "helgrind: races in ingest"; cat build/valgrind-one.log; fail=1; }
echo "valgrind: $n files read, $( [ $fail -eq 0 ] && echo 'no errors or leaks' || echo 'ERRORS')"
exit $fail
