#!/bin/sh
# Command-line tests: run duty25 and check exit code and output together.
# usage: tests/cli/run.sh path/to/duty25 fixtures-dir     (prints TAP)
set -u
BIN=$(readlink -f "$1")
REPO=$PWD
FX=$2
PY=/usr/bin/python3
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
n=0
fails=0

check() { # description, expected exit code, command... ; output in $T/out, $T/err
    desc=$1; want=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    n=$((n + 1))
    if [ "$rc" -eq "$want" ]; then
        echo "ok $n - $desc"
        return 0
    fi
    echo "not ok $n - $desc (exit $rc, wanted $want)"
    sed 's/^/#   /' "$T/err" | head -5
    fails=$((fails + 1))
    return 1
}

expect() { # description, grep pattern, file
    n=$((n + 1))
    if grep -q -- "$2" "$3"; then echo "ok $n - $1"; else
        echo "not ok $n - $1: no '$2' in $(basename "$3")"; head -5 "$3" | sed 's/^/#   /'; fails=$((fails + 1)); fi
}

# --- global usage
check "--help exits 0" 0 "$BIN" --help
expect "--help is in Chinese and lists dump" "dump" "$T/out"
check "--version" 0 "$BIN" --version
expect "--version prints the version" "^duty25 [0-9]" "$T/out"
check "no command is a usage error" 2 "$BIN"
check "unknown command is a usage error" 2 "$BIN" frobnicate
expect "unknown command named" "frobnicate" "$T/err"
check "dump --help" 0 "$BIN" dump --help
expect "dump --help shows examples" "示例" "$T/out"
check "dump without files" 2 "$BIN" dump
check "dump --format xml is refused" 2 "$BIN" dump --format xml "$FX/types.xlsx"
expect "bad --format named" "xml" "$T/err"

# --- issue 16: git-style habits (a suggestion, a short usage error, help and version as commands)
check "a mistyped command is a usage error" 2 "$BIN" stauts
expect "... suggesting the command" "是不是 status？" "$T/err"
check "... in at most 3 lines (no help dump)" 0 test "$(wc -l <"$T/err")" -le 3
check "a mistyped option is a usage error" 2 "$BIN" status --perod 2026-11
expect "... suggesting the option" "是不是 --period？" "$T/err"
expect "... with the command's usage line" "^用法：duty25 status " "$T/err"
expect "... and where the help is" "duty25 help status" "$T/err"
check "... in at most 6 lines, fitting a 24-line terminal" 0 test "$(wc -l <"$T/err")" -le 6
check "a mistyped global option" 2 "$BIN" --cofig x status
expect "... suggests --config" "是不是 --config？" "$T/err"
check "a missing argument: short usage, no help dump" 2 "$BIN" ingest
check "... at most 6 lines" 0 test "$(wc -l <"$T/err")" -le 6
check "duty25 help" 0 "$BIN" help
expect "... lists the commands" "^  status " "$T/out"
expect "... and describes report as writing the report and tables" "^  report .*书面风险报告" "$T/out"
check "... and its examples use inbox/, as init makes it" 1 grep -q "收件箱/" "$T/out"
check "duty25 help status" 0 "$BIN" help status
expect "... is the status help" "某月的报送情况" "$T/out"
check "duty25 help with an unknown command" 2 "$BIN" help stauts
expect "... suggests" "是不是 status？" "$T/err"
check "duty25 version" 0 "$BIN" version
expect "... prints the version" "^duty25 [0-9]" "$T/out"
check "ingest --help" 0 "$BIN" ingest --help
sed -n '1,/^$/p' "$T/out" >"$T/usage-ingest"   # the usage line, not the options listed below it
for o in --threads --rules --units --period --db "-q|--quiet"; do
    expect "ingest's usage line shows $o" "$o" "$T/usage-ingest"
done
check "validate --help" 0 "$BIN" validate --help
sed -n '1,/^$/p' "$T/out" >"$T/usage-validate"
for o in --answers --feedback --codes --rules --units --format; do
    expect "validate's usage line shows $o" "$o" "$T/usage-validate"
done
for c in init forms run validate ingest status remind report dump export merge; do "$BIN" help $c | sed -n '1,/^$/p'; done >"$T/usage"
check "no generated usage line is wider than 80 columns" 0 $PY -c '
import sys, unicodedata as u
w = max(sum(2 if u.east_asian_width(ch) in "WF" else 1 for ch in l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8"))
sys.exit(w > 80)' "$T/usage"
check "run --help" 0 "$BIN" run --help
expect "... the crontab example names the real binary" "&& $(readlink -f "$BIN") run" "$T/out"

# --- issue 16: system and library errors in Chinese, whatever the locale
check "a missing registry (LANG=C): a configuration error" 2 env LANG=C LC_ALL=C "$BIN" forms --units "$T/none.csv" --period 2026-12 --out "$T/f0"
expect "... the system error in Chinese" "无法打开：没有这个文件或文件夹" "$T/err"
check "... and no English" 1 grep -q "No such file" "$T/err"
head -c 3000 /dev/zero | tr '\0' x >"$T/notdb.db"
check "a file that is not a database: exit 3" 3 "$BIN" status --db "$T/notdb.db" --period 2026-11
expect "... SQLite's error in Chinese, its code for the log" "不是 duty25 的数据库文件.*SQLITE_NOTADB" "$T/err"
check "... and no English" 1 grep -q "file is not a database" "$T/err"

# --- issue 16: the configuration: our own Chinese errors, suggestions, found from below
printf '[run]\ninbx = x\n' >"$T/typo.ini"
check "a mistyped key in the config" 2 "$BIN" --config "$T/typo.ini" status
expect "... is named with its line and a suggestion" "第 2 行.*inbx.*是不是 inbox？" "$T/err"
printf '[rn]\ninbox = x\n' >"$T/typo2.ini"
check "a mistyped section" 2 "$BIN" --config "$T/typo2.ini" status
expect "... suggests the section" "是不是 \[run\]？" "$T/err"
printf '[run\ninbox = x\n' >"$T/broken.ini"
check "a broken section header" 2 "$BIN" --config "$T/broken.ini" status
expect "... is reported in Chinese with its line" "第 1 行.*缺少右方括号" "$T/err"
check "... without iniparser's English" 1 grep -q "iniparser\|syntax error" "$T/err"
printf '[run]\ninbox x\n' >"$T/noeq.ini"
check "a line without =" 2 "$BIN" --config "$T/noeq.ini" status
expect "... says how to write it" "第 2 行.*设置项 = 值" "$T/err"
# issue 19: the report's measures and grade lines are checked when read
printf '[report]\nweak_min_base = 10\nmeasure1 = missed|not_done>=5 : 约谈\n' >"$T/measure.ini"
check "a measure with a condition not known" 2 "$BIN" --config "$T/measure.ini" status
expect "... names the line and the word, listing the conditions" "第 3 行.*“missed”看不懂.*not_done>=N" "$T/err"
printf '[report]\nmeasure2 = not_done>=5 约谈\n' >"$T/measure2.ini"
check "a measure without its colon" 2 "$BIN" --config "$T/measure2.ini" status
expect "... says how to write it" "第 2 行.*条件 : 措施" "$T/err"
printf '[report]\ngrade_rate = 80|90\n' >"$T/grade.ini"
check "grade lines in the wrong order" 2 "$BIN" --config "$T/grade.ini" status
expect "... says which comes first" "第 2 行.*大的在前" "$T/err"
check "a missing config file" 2 "$BIN" --config "$T/none.ini" status
expect "... in Chinese" "无法打开：没有这个文件或文件夹" "$T/err"
check "... without iniparser's English" 1 grep -q "iniparser\|cannot open" "$T/err"
check "init a working folder" 0 "$BIN" init "$T/wf"
check "ingest inside its inbox/ finds the configuration above" 0 sh -c "cd '$T/wf/inbox' && '$BIN' ingest . >'$T/out' 2>'$T/err'"
expect "... and its database" "数据库：$T/wf/data/duty25.db" "$T/out"
check "status from inbox/ too" 0 sh -c "cd '$T/wf/inbox' && '$BIN' status --period 2026-11 >'$T/out'"
mkdir -p "$T/outside"
check "ingest outside a working folder, without --db: a usage error" 2 sh -c "cd '$T/outside' && '$BIN' ingest '$REPO/samples/2026-11' 2>'$T/err'"
expect "... saying why and what to do" "不是 duty25 的工作文件夹.*--db" "$T/err"
check "... no database created there" 1 test -e "$T/outside/data"

# --- issue 16: paths that do not exist are usage errors (exit 2) in every command; folders for validate
check "validate of a missing file: exit 2, not a rejected return" 2 "$BIN" validate "$T/no-such.docx"
expect "... naming it" "找不到“$T/no-such.docx”" "$T/err"
check "ingest inbx/ in a working folder: exit 2" 2 sh -c "cd '$T/wf' && '$BIN' ingest inbx/ 2>'$T/err'"
expect "... suggesting inbox/" "是不是 inbox/？" "$T/err"
check "run with a missing PATH: exit 2" 2 sh -c "cd '$T/wf' && '$BIN' run --period 2026-11 inbx/ 2>'$T/err'"
expect "... suggesting inbox/" "是不是 inbox/？" "$T/err"
check "dump of a missing file: exit 2" 2 "$BIN" dump "$T/no-such.xlsx"
mkdir -p "$T/vin/sub"
cp samples/2026-11/示范区实验小学-2026年11月-清单及推进情况.docx "$T/vin/sub/"
cp samples/flawed/城西小学-2026年11月-自查为空.docx "$T/vin/"
echo x >"$T/vin/readme.txt"
check "validate of a folder: recursive, like ingest" 1 "$BIN" validate --format json "$T/vin"
cp "$T/out" "$T/vin.json"
check "... both returns checked, none with an empty file name, the .txt skipped" 0 $PY -c "
import json, sys
d = json.load(open(sys.argv[1], encoding='utf-8'))
names = sorted(f['file'] for f in d['files'])
assert len(names) == 2 and all(names), names
assert any(n.endswith('/sub/示范区实验小学-2026年11月-清单及推进情况.docx') for n in names), names
assert d['accepted'] == 1 and d['rejected'] == 1, d
" "$T/vin.json"
check "validate of a folder as text" 1 "$BIN" validate "$T/vin"
expect "... names the skipped file" "readme.txt" "$T/out"

# --- issue 16: paths in messages tidied, absolute in run's cron line
cp samples/flawed/城西小学-2026年11月-自查为空.docx "$T/wf/inbox/"
check "run with a rejected return: exit 1" 1 sh -c "cd '$T/wf' && '$BIN' run --period 2026-11 >'$T/out' 2>'$T/err'"
expect "... the cron line names the notices' folder absolute and tidied" "退回通知在 $T/wf/out/退回通知/2026-11；" "$T/out"
expect "... and the log absolute" "结果见 $T/wf/data/duty25.log" "$T/out"
check "... no config/../ in it" 1 grep -q "/\.\./" "$T/out"
expect "... the log names each file by its absolute path" "$T/wf/inbox/城西小学-2026年11月-自查为空.docx" "$T/wf/data/duty25.log"
check "... and no per-file line relative" 1 grep -q "　inbox/" "$T/wf/data/duty25.log"
expect "... the notice in the log absolute" "退回通知　$T/wf/out/退回通知/2026-11/" "$T/wf/data/duty25.log"
printf '文件名,收到时间\r\n城西小学-2026年11月-自查为空.docx,11月21日上午\r\n' >"$T/wf/inbox/收件登记-补.csv"
check "run with a register it cannot read: exit 1" 1 sh -c "cd '$T/wf' && '$BIN' run --period 2026-11 >'$T/out' 2>'$T/err'"
expect "... the reason on screen (cron mails it), not only in the log" "^  $T/wf/inbox/收件登记-补.csv：.*第 2 行.*11月21日上午" "$T/out"
rm -f "$T/wf/inbox/收件登记-补.csv"
rm -f "$T/wf/inbox/城西小学-2026年11月-自查为空.docx"
check "status --db of a missing database: a usage error" 2 "$BIN" --config "$T/wf/config/duty25.ini" status --db "$T/no.db"
expect "... naming it and what to do" "还没有数据库 $T/no.db.*duty25 ingest" "$T/err"
check "report --db of a missing database: a usage error" 2 "$BIN" --config "$T/wf/config/duty25.ini" report --db "$T/no.db" --period 2026-11
check "export --db of a missing database: a usage error" 2 "$BIN" --config "$T/wf/config/duty25.ini" export --db "$T/no.db" --period 2026-11 --out "$T/p.d25"
check "report --template of a mistyped file: a usage error" 2 sh -c "cd '$T/wf' && '$BIN' report --period 2026-11 --template templates/书面风险报告.dox --out '$T/x.docx' 2>'$T/err'"
expect "... suggesting the template" "是不是 templates/书面风险报告.docx？" "$T/err"
check "help version" 0 "$BIN" help version
expect "... is the version's own help, not the whole list" "^用法：duty25 version" "$T/out"
check "help export: required options without [ ]" 0 "$BIN" help export
expect "... --period and --out required" "^用法：duty25 export --period YYYY-MM --out 文件 \[--db" "$T/out"
check "forms outside a working folder, without --out: a usage error" 2 sh -c "cd '$T/outside' && '$BIN' forms -q 2>'$T/err'"
expect "... saying why" "不是 duty25 的工作文件夹.*--out" "$T/err"
check "... and no forms written there" 1 test -e "$T/outside/out"
mkdir -p "$T/wf/tout"
check "report --template with --out a folder" 0 sh -c "cd '$T/wf' && '$BIN' report --period 2026-11 --template templates/统计表.docx --out tout/ >'$T/out'"
check "... writes the template's name into it" 0 test -s "$T/wf/tout/统计表.docx"
check "report without --period in a month with nothing yet" 1 sh -c "cd '$T/wf' && ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" faketime '2027-03-04 10:00' '$BIN' report 2>'$T/err'"
expect "... says how to write last month's" "duty25 report --period 2027-02" "$T/err"
mv "$T/wf/inbox" "$T/wf/inbox.away"
check "run when the configured inbox is missing: a usage error" 2 sh -c "cd '$T/wf' && '$BIN' run --period 2026-11 2>'$T/err'"
expect "... naming it absolute and how to make it" "收件箱 $T/wf/inbox 不存在.*duty25 init" "$T/err"
mv "$T/wf/inbox.away" "$T/wf/inbox"
sed 's/^penalty = 《中华人民共和国安全生产法》第九十一条/penalti = 第九十一条/' config/rules-education.ini >"$T/rules-typo.ini"
check "a mistyped key in a rules file" 2 "$BIN" validate --rules "$T/rules-typo.ini" samples/2026-11/示范区实验小学-2026年11月-清单及推进情况.docx
expect "... is named with its line and a suggestion" "第 [0-9]* 行.*penalti.*是不是 penalty？" "$T/err"
check "a bad --format: the usage line and the help hint too" 2 "$BIN" status --format xml
expect "... with the help hint" "duty25 help status" "$T/err"

# --- issue 16: status fits an 80-column terminal (CJK counted 2), forms -q
cp samples/2026-11/* "$T/wf/inbox/"
check "the month's returns into a working folder" 0 sh -c "cd '$T/wf' && '$BIN' ingest -q inbox >/dev/null"
check "status of the samples' November" 0 sh -c "cd '$T/wf' && '$BIN' status --period 2026-11 >'$T/status.txt'"
check "... every line at most 80 columns" 0 $PY -c '
import sys, unicodedata as u
w = max(sum(2 if u.east_asian_width(ch) in "WF" else 1 for ch in l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8"))
sys.exit(w > 80)' "$T/status.txt"
expect "... the counts still on one line" "^  合计 *应报 39　按时 *[0-9]*　逾期 *[0-9]*　缺表 *[0-9]*　退回 *[0-9]*　未报 *[0-9]*$" "$T/status.txt"
expect "... a long name wraps its phone onto the next line" "^        电话：13612340304" "$T/status.txt"
check "forms -q" 0 sh -c "cd '$T/wf' && '$BIN' forms -q --period 2026-12 --format xlsx >'$T/forms.txt'"
check "... prints one line" 0 test "$(wc -l <"$T/forms.txt")" -eq 1
expect "... the closing count" "共为 .* 个单位写出" "$T/forms.txt"

# --- issue 16: libxml2's English stays out of a unit's message
$PY - "$T/badxml.docx" <<'PYEOF'
import sys, zipfile
src = zipfile.ZipFile("samples/flawed/城西小学-2026年11月-自查为空.docx")
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for it in src.infolist():
        data = src.read(it.filename)
        if it.filename == "word/document.xml":
            data = data.replace(b"</w:body>", b"</w:bodx>", 1)
        z.writestr(it.filename, data)
PYEOF
check "a return whose XML is malformed is refused" 1 "$BIN" validate "$T/badxml.docx"
expect "... saying what is wrong in Chinese" "XML 格式错误（开始标签和结束标签不匹配）" "$T/out"
check "... without libxml2's English" 1 grep -q "mismatch" "$T/out"

# --- ingest and status: usage
for c in ingest status; do
    check "$c --help" 0 "$BIN" $c --help
    expect "$c --help shows examples" "示例" "$T/out"
    if [ $c = ingest ]; then arg=$T; else arg=; fi
    check "$c --period 2026-13 is refused" 2 "$BIN" $c --period 2026-13 --db "$T/u.db" $arg
    expect "$c: bad --period named" "2026-13" "$T/err"
done
check "ingest without paths" 2 "$BIN" ingest --db "$T/u.db"
check "ingest --threads 0 is refused" 2 "$BIN" ingest --threads 0 --db "$T/u.db" "$T"
check "status --format xml is refused" 2 "$BIN" status --format xml --db "$T/u.db"
check "status with a stray argument" 2 "$BIN" status --db "$T/u.db" extra
check "an option missing its value is a usage error" 2 "$BIN" status --period
expect "... that says the value is missing" "“--period”后面要写一个值" "$T/err"
check "status before any ingest: exit 2 (a path that does not exist)" 2 "$BIN" status --db "$T/none/u.db"
expect "status says to ingest first" "duty25 ingest" "$T/err"
check "ingest of a missing path: a usage error (exit 2)" 2 "$BIN" ingest --db "$T/u.db" "$T/no-such-folder"
expect "the missing path is named" "no-such-folder" "$T/err"
check "ingest where the database cannot be created: exit 3" 3 "$BIN" ingest --db /proc/duty25/x.db "$T"

# --- reading
check "dump of good files exits 0" 0 "$BIN" dump "$FX/types.xlsx" "$FX/tables.docx"
expect "text shows a sheet name" "「清单」" "$T/out"
expect "text shows a merged cell" "与\[2,1\]合并" "$T/out"
check "one unreadable file: exit 1, the others still read" 1 "$BIN" dump "$FX/legacy.doc" "$FX/types.xlsx"
expect "the refusal names the file and says what to do" "legacy.doc.*另存为" "$T/out"
expect "the good file after it is still read" "六、落实阶段性重点工作责任" "$T/out"
check "json dump" 1 "$BIN" dump --format json "$FX/types.xlsx" "$FX/features.docx" "$FX/encrypted.docx"
n=$((n + 1))
if $PY - "$T/out" <<'PYEOF'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().rstrip("\n").split("\n")
assert len(lines) == 3, "one object per file"
x, d, e = (json.loads(l) for l in lines)
assert x["format"] == "xlsx" and x["error"] is None
s = x["sheets"][1]
assert s["name"] == "清单" and s["merged"] == ["A6:C6"]
c = {c["ref"]: c for c in s["cells"]}
assert c["B7"] == {"ref": "B7", "row": 7, "col": 2, "type": "n", "text": "1234567.25"}, c["B7"]
assert c["A4"]["type"] == "d" and c["A4"]["text"] == "2026-11-25"
assert c["A3"]["text"] == "TRUE" and c["C3"]["type"] == "e"
assert d["format"] == "docx" and d["error"] is None
row = d["tables"][0]["rows"][0]
assert row[1]["checked"] is True and row[2]["checked"] is False and row[0]["checked"] is None
assert row[0]["controls"][0]["tag"] == "unit_name"
assert d["tables"][0]["rows"][3][1]["merged_from"] == [3, 1]
assert d["paragraphs"][1]["text"] == "张三" and d["paragraphs"][1]["tables_before"] == 0
assert e["error"]["code"] == "READ_ENCRYPTED" and "encrypted.docx" in e["error"]["message"]
assert "sheets" not in e and "tables" not in e
PYEOF
then echo "ok $n - json follows the contract"; else echo "not ok $n - json follows the contract"; fails=$((fails + 1)); fi

# --- the shipped samples (what `make run` shows): values a person reads in them
check "samples are read" 0 "$BIN" dump samples/2026-11/*
expect "checklist: merged item cell as written" "（一）压紧压实主要负责人第一责任" "$T/out"
expect "checklist: a vertical merge is reported" "与\[[0-9]*,1\]合并" "$T/out"
expect "progress: row 9 read from a sheet" "B12 .*已检查" "$T/out"

# --- configuration
printf '[reader]\nmax_entries = 77\nmax_ratio = lots\n' >"$T/bad.ini"
check "a bad setting is a configuration error" 2 "$BIN" --config "$T/bad.ini" dump "$FX/types.xlsx"
expect "it names the file, key and line" "bad.ini 第 3 行.*max_ratio" "$T/err"
check "DUTY25_CONFIG is honoured" 2 env DUTY25_CONFIG="$T/bad.ini" "$BIN" dump "$FX/types.xlsx"
printf '[reader]\nmax_entries = 20\n' >"$T/small.ini"
check "a limit from the config file applies" 1 "$BIN" --config "$T/small.ini" dump "$FX/entries.docx"
expect "too many entries reported" "READ_TOO_MANY_ENTRIES" "$T/out"
check "a missing config file is an error" 2 "$BIN" --config "$T/none.ini" dump "$FX/types.xlsx"

# --- init, forms, run: usage (the month itself is tests/month/check.py)
for c in init forms run report validate; do
    check "$c --help" 0 "$BIN" $c --help
    expect "$c --help shows examples" "示例" "$T/out"
done
check "--help lists the new commands" 0 sh -c "'$BIN' --help | grep -q '^  run ' && '$BIN' --help | grep -q '^  forms ' && '$BIN' --help | grep -q '^  init '"
check "init without a folder" 2 "$BIN" init
check "init with an empty district" 2 "$BIN" init --district "" "$T/w"
check "forms --format pdf is refused" 2 "$BIN" forms --format pdf
expect "bad --format named" "pdf" "$T/err"
check "forms for an unknown unit code" 2 "$BIN" forms --period 2026-12 --unit SF-X0O1 --out "$T/f"
expect "the unknown code is named, with a suggestion" "SF-X0O1.*是不是" "$T/err"
printf 'code,name,type,area\nT1,城东小学/分校:一,school,东区\nT2,.隐藏,school,东区\n' >"$T/odd.csv"
check "forms for units whose names are not file names" 0 "$BIN" forms --period 2026-12 --units "$T/odd.csv" --format xlsx --out "$T/odd"
check "... are written with those characters replaced" 0 test -f "$T/odd/城东小学_分校_一-2026年12月.xlsx" -a -f "$T/odd/_隐藏-2026年12月.xlsx"
printf '[campaign]\nrules = %s/config/rules-education.ini\nunits = %s/config/units.csv\n[run]\ninbox = %s/nowhere\nlog =\n' "$PWD" "$PWD" "$T" >"$T/run.ini"
check "run with a missing inbox: exit 2 (a path that does not exist)" 2 "$BIN" --config "$T/run.ini" run --db "$T/r.db" --out "$T/o"
expect "the missing inbox is named" "nowhere" "$T/err"
printf '[run]\narchive_dir = x\n' >"$T/run2.ini"
check "an unknown [run] key is a configuration error" 2 "$BIN" --config "$T/run2.ini" run
expect "it names the key and line" "第 2 行.*archive_dir" "$T/err"

# --- what is not a return's file: never a hang, never stored (issue 17)
mkfifo "$T/pipe.docx"
check "validate of a FIFO returns at once, refused" 1 timeout 10 "$BIN" validate "$T/pipe.docx"
expect "... saying it is not a regular file" "不是普通文件" "$T/out"
check "ingest of a FIFO and /dev/zero returns at once" 0 timeout 10 "$BIN" ingest --db "$T/fifo.db" "$T/pipe.docx" /dev/zero
expect "... each skipped as not a regular file" "跳过　/dev/zero　不是普通文件" "$T/out"
check "... and nothing is stored" 0 test "$(sqlite3 "$T/fifo.db" 'SELECT count(*) FROM returns')" = 0
mkdir "$T/empty-inbox"
check "an empty folder (the inbox between months) is ingested without a fault" 0 "$BIN" ingest --db "$T/fifo.db" "$T/empty-inbox"
truncate -s 20G "$T/huge.docx"
check "a 20 GB sparse file is refused by its size, not read whole" 1 timeout 20 "$BIN" ingest --db "$T/fifo.db" "$T/huge.docx"
expect "... as a rejected return naming why" "退回　$T/huge.docx" "$T/out"
rm -f "$T/huge.docx"

# --- a file name that is not UTF-8 (saved by another system) still gets its notice
mkdir "$T/nonutf8"
cp samples/flawed/城西小学-2026年11月-自查为空.docx "$T/nonutf8/$(printf 'bad\377\376')名.docx"
check "validate --feedback of a return whose file name is not UTF-8 writes the notices" 1 "$BIN" validate --feedback "$T/nonutf8/fb" "$T/nonutf8"/*.docx
check "... the unit's notice, its name made safe, and the office's list" 0 test -f "$T/nonutf8/fb/bad__名-退回通知.docx" -a -f "$T/nonutf8/fb/退回清单.docx"

# --- what XML 1.0 forbids never reaches a document: a registry with a control character and U+FFFE
printf 'code,name,aliases,type,area,flags,contact,phone,active_from,active_until\nSF-Q001,示范区\001控制\357\277\276小学,,school,城东街道,,王\002五,138\357\277\277,,\n' >"$T/ctl.csv"
check "forms for a unit whose registry entry holds a control character and U+FFFE" 0 "$BIN" forms --units "$T/ctl.csv" --period 2026-12 --out "$T/ctl"
check "... open in python-docx and openpyxl (the characters dropped)" 0 $PY -c "
import docx, glob, openpyxl, sys
fs = sorted(glob.glob(sys.argv[1] + '/*'))
assert len(fs) == 3, fs
for f in fs:
    if f.endswith('.docx'):
        t = '\n'.join(p.text for p in docx.Document(f).paragraphs)
        t += '\n'.join(c.text for tb in docx.Document(f).tables for r in tb.rows for c in r.cells)
    else:
        t = '\n'.join(str(c.value) for ws in openpyxl.load_workbook(f) for r in ws.iter_rows() for c in r if c.value)
    assert '示范区控制小学' in t, f
    assert not any(ord(ch) < 32 and ch not in '\t\n\r' or ch in '\ufffe\uffff' for ch in t), f
" "$T/ctl"

# --- zips built to mislead: 500,000 empty entries, two document.xml parts
$PY - "$T" <<'PYEOF'
import struct, sys, zipfile, warnings
t = sys.argv[1]
# 500,000 empty stored entries, written record by record (zipfile takes 15 s)
loc, cen, off = [], [], 0
for i in range(500000):
    name = b"e%d" % i
    h = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0) + name
    cen.append(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0, 0, 0, 0, off) + name)
    loc.append(h)
    off += len(h)
cd = b"".join(cen)
# more than 65,535 entries: the zip64 end records carry the count
z64 = struct.pack("<4sQ2H2I4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 500000, 500000, len(cd), off)
loc64 = struct.pack("<4sIQI", b"PK\x06\x07", 0, off + len(cd), 1)
eocd = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
open(t + "/many.docx", "wb").write(b"".join(loc) + cd + z64 + loc64 + eocd)
warnings.simplefilter("ignore")
a = zipfile.ZipFile("samples/2026-11/示范区实验小学-2026年11月-清单及推进情况.docx")
b = zipfile.ZipFile("samples/2026-11/示范区湖塘高级中学-2026年11月-清单及推进情况.docx")
with zipfile.ZipFile(t + "/dup.docx", "w", zipfile.ZIP_DEFLATED) as z:
    for it in a.infolist():
        z.writestr(it.filename, a.read(it.filename))
    z.writestr("word/document.xml", b.read("word/document.xml"))  # the copy LibreOffice shows
PYEOF
check "a zip declaring 500,000 entries is refused" 1 "$BIN" validate --format json "$T/many.docx"
expect "... from its declared count, before its directory is read" "500000 个部件.*READ_TOO_MANY_ENTRIES" "$T/out"
check "a zip with two word/document.xml parts is refused" 1 "$BIN" validate "$T/dup.docx"
expect "... naming the part twice over" "两个同名部件 word/document.xml" "$T/out"

# --- make install (into a DESTDIR): the installed copy finds its templates and config
check "make install into a DESTDIR" 0 make -s install DESTDIR="$T/inst"
check "the installed duty25 initialises a working folder" 0 "$T/inst/usr/local/bin/duty25" init "$T/w2"
check "... with every template and the config" 0 test -f "$T/w2/templates/退回通知.docx" -a -f "$T/w2/config/rules-education.ini" -a -f "$T/inst/usr/local/share/man/man1/duty25.1"
check "the installed duty25 writes forms from its working folder" 0 sh -c "cd '$T/w2' && '$T/inst/usr/local/bin/duty25' forms --period 2026-12 --unit SF-X001 >/dev/null"

# --- every setting of config/duty25.ini is documented in README
missing=$(awk '/^[a-z_]+ *=/{print $1}' config/duty25.ini | while read -r k; do grep -q "\`$k\`" README.md || echo "$k"; done)
n=$((n + 1))
if [ -z "$missing" ]; then echo "ok $n - README documents every setting of config/duty25.ini"; else
    echo "not ok $n - README does not document: $missing"; fails=$((fails + 1)); fi

# --- issue 16: what users read is Chinese: the configuration's comments, docs/errors.md
n=$((n + 1))
if $PY - <<'PYEOF'
import re, sys
lines = [l for l in open("config/duty25.ini", encoding="utf-8") if l.lstrip().startswith(";")]
cn = [l for l in lines if re.search("[\u4e00-\u9fff]", l)]
sys.exit(0 if len(cn) >= 0.8 * len(lines) else 1)
PYEOF
then echo "ok $n - at least 80 % of config/duty25.ini's comment lines are Chinese"; else
    echo "not ok $n - at least 80 % of config/duty25.ini's comment lines are Chinese"; fails=$((fails + 1)); fi
n=$((n + 1))
if $PY - <<'PYEOF'
import re, sys
prose = [l for l in open("docs/errors.md", encoding="utf-8") if l.strip() and not l.startswith("|---")]
cn = [l for l in prose if re.search("[\u4e00-\u9fff]", l)]
sys.exit(0 if len(cn) >= 0.9 * len(prose) else 1)
PYEOF
then echo "ok $n - docs/errors.md is in Chinese"; else echo "not ok $n - docs/errors.md is in Chinese"; fails=$((fails + 1)); fi

# --- issue 16: the office's guide, first in the README, with its pictures
check "docs/使用说明.md exists" 0 test -f docs/使用说明.md
n=$((n + 1))
if $PY - <<'PYEOF'
import os, re, sys
readme = open("README.md", encoding="utf-8").read()
first = readme.split("\n## ")[0]
assert "docs/使用说明.md" in first, "README's opening does not link the guide"
assert readme.index("docs/使用说明.md") < readme.index("For developers"), "the guide comes after the developers' part"
guide = open("docs/使用说明.md", encoding="utf-8").read()
for step in ("单位名册", "duty25 forms", "收件登记", ".eml", "duty25 validate", "duty25 run", "duty25 status", "duty25 report", "退回通知"):
    assert step in guide, step
pics = re.findall(r"!\[[^]]*\]\(([^)]+)\)", guide)
assert sum(p.startswith("img/终端-") for p in pics) >= 5 and any("samples/preview-" in p for p in pics), pics
for p in pics:
    assert os.path.isfile(os.path.join("docs", p)), p
PYEOF
then echo "ok $n - README opens with the guide; the guide covers the month and its pictures exist"; else
    echo "not ok $n - README opens with the guide; the guide covers the month and its pictures exist"; fails=$((fails + 1)); fi
check "the installed duty25's help names the installed guide" 0 sh -c "'$T/inst/usr/local/bin/duty25' help | grep -q '使用说明：/usr/local/share/doc/duty25/使用说明.md'"
check "make install installs the guide with its pictures (links rewritten)" 0 sh -c "test -f '$T/inst/usr/local/share/doc/duty25/img/终端-5-status.png' && test -f '$T/inst/usr/local/share/doc/duty25/samples/preview-form-1.png' && grep -q '](samples/preview-form-1.png)' '$T/inst/usr/local/share/doc/duty25/使用说明.md'"

# --- the manual page
if command -v man >/dev/null 2>&1; then
    check "the man page renders" 0 sh -c "MANWIDTH=100 man -l docs/duty25.1 >'$T/man' 2>/dev/null"
    expect "the man page documents exit code 4" "另一个 duty25 正在写入" "$T/man"
    expect "the man page shows a crontab line" "duty25 run" "$T/man"
    # issue 16: read in the source tree it shows real paths, not placeholders; no groff warning at 80 columns
    check "... in the source tree shows no @PLACEHOLDER@, SYSCONFDIR/ or PREFIX/" 1 grep -qE "@[A-Z_]+@|SYSCONFDIR/|PREFIX/" "$T/man"
    expect "... but the default paths" "/usr/local/etc/duty25/duty25.ini" "$T/man"
    check "groff gives no warning at 80 columns (source)" 0 test "$(MANWIDTH=80 man -l docs/duty25.1 2>&1 >/dev/null | grep -c warning)" = 0
    check "groff gives no warning at 80 columns (installed)" 0 test "$(MANWIDTH=80 man -l "$T/inst/usr/local/share/man/man1/duty25.1" 2>&1 >/dev/null | grep -c warning)" = 0
    check "the installed page names the installed documents, which are installed" 0 sh -c "MANWIDTH=100 man -l '$T/inst/usr/local/share/man/man1/duty25.1' 2>/dev/null | grep -q '/usr/local/share/doc/duty25/' && test -f '$T/inst/usr/local/share/doc/duty25/errors.md' -a -f '$T/inst/usr/local/share/doc/duty25/README.md'"
    expect "the man page documents help and version" "duty25 help" "$T/man"
fi

# --- issue 16: bash completion, installed, from duty25's own tables
check "make install installs the bash completion" 0 test -f "$T/inst/usr/local/share/bash-completion/completions/duty25"
if command -v bash >/dev/null 2>&1; then
    comp() { # words... : the completions of the last word
        bash -c 'PATH=$1:$PATH; . "$2"; shift 2; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _duty25; echo "${COMPREPLY[*]}"' \
            sh "$(dirname "$BIN")" "$T/inst/usr/local/share/bash-completion/completions/duty25" "$@"
    }
    check "completion of a command" 0 test "$(comp duty25 sta)" = status
    check "completion of an option from the usage line" 0 test "$(comp duty25 ingest --th)" = --threads
    check "completion of --format's values" 0 test "$(comp duty25 forms --format "")" = "docx xlsx both"
    check "completion after help" 0 test "$(comp duty25 help vers)" = version
fi

echo "1..$n"
[ "$fails" -eq 0 ]
