#!/bin/sh
# Render the first page of November's written risk report and statistical
# tables (from the shipped samples) to PNG for README: LibreOffice headless
# to PDF, pdftoppm to PNG.  Offline, like make_samples.py; needs
# libreoffice-writer-nogui, poppler-utils and a CJK font (fonts-wqy-zenhei:
# the documents name 仿宋_GB2312 / 方正小标宋简体, which LibreOffice replaces).
set -eu
cd "$(dirname "$0")/.."
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cat >"$t/duty25.ini" <<INI
[campaign]
district = 示范区
rules = $PWD/config/rules-education.ini
units = $PWD/config/units.csv
[store]
database = $t/duty25.db
[stages]
rectify = 2026-10-01..2026-11-15
[enforcement]
after_stage = rectify
key_items = 1.1|2.1|3.3|9.1|12.1|22.9
not_done_min = 8
[report]
templates = $PWD/templates
out = $t/out
[document]
issuer_mark = 示范区教育局
doc_code = 示教安
signer = 王某某
recipient = 区安委办
signature = 示范区教育局
cc = 市教育局、区应急管理局
printer = 示范区教育局办公室
note = （联系人：张三，电话：12345678）
INI
# Receipt times as the bureau would see them: all before the deadline.
mkdir -p "$t/in/2026-10" "$t/in/2026-11"
for f in samples/2026-10/*; do cp "$f" "$t/in/2026-10/"; touch -d "2026-10-20 10:00" "$t/in/2026-10/$(basename "$f")"; done
for f in samples/2026-11/*; do cp "$f" "$t/in/2026-11/"; touch -d "2026-11-20 10:00" "$t/in/2026-11/$(basename "$f")"; done
build/duty25 --config "$t/duty25.ini" ingest -q "$t/in"
build/duty25 --config "$t/duty25.ini" report --period 2026-11
soffice --headless "-env:UserInstallation=file://$t/lo" --convert-to pdf --outdir "$t/pdf" "$t"/out/*.docx >/dev/null
pdftoppm -r 60 -png -f 1 -l 1 -singlefile "$t/pdf/示范区2026年11月书面风险报告.pdf" samples/preview-risk-report-1
pdftoppm -r 60 -png -f 1 -l 1 -singlefile "$t/pdf/示范区2026年11月统计表.pdf" samples/preview-tables-1
# The risk report's page with the hazards table and the trend chart (图1).
rr="$t/pdf/示范区2026年11月书面风险报告.pdf"
pages=$(pdfinfo "$rr" | awk '/^Pages:/{print $2}')
pg=1
while [ "$pg" -le "$pages" ] && ! pdftotext -f "$pg" -l "$pg" "$rr" - | grep -q '图 *1'; do pg=$((pg + 1)); done
pdftoppm -r 60 -png -f "$pg" -l "$pg" -singlefile "$rr" samples/preview-risk-report-chart
# A unit's blank checklist for December, and the notice for a flawed return.
build/duty25 --config "$t/duty25.ini" forms --period 2026-12 --unit SF-X001 --format docx --out "$t/forms" >/dev/null
build/duty25 --config "$t/duty25.ini" validate --period 2026-11 --feedback "$t/fb" "samples/flawed/城西小学-2026年11月-缺子项.docx" >/dev/null || true
soffice --headless "-env:UserInstallation=file://$t/lo" --convert-to pdf --outdir "$t/pdf2" "$t/forms/示范区实验小学-2026年12月-清单.docx" "$t/fb/城西小学-2026年11月-缺子项-退回通知.docx" >/dev/null
pdftoppm -r 60 -png -f 1 -l 1 -singlefile "$t/pdf2/示范区实验小学-2026年12月-清单.pdf" samples/preview-form-1
pdftoppm -r 60 -png -f 1 -l 1 -singlefile "$t/pdf2/城西小学-2026年11月-缺子项-退回通知.pdf" samples/preview-notice-1
ls samples/preview-*.png
