#!/usr/bin/python3
"""Editions as configuration (issue 18): the enterprise edition of seed 004
runs a whole month from `duty25 init --edition enterprise`, and says 企业
and its issuing body, never 教育, in every document.

Expectations come from independent sources: seed 004's text (the rule
set's quotations, stage dates, deadline and enforcement date), the
samples' manifest (samples/enterprise/expected.json, written by the script
that wrote the returns with python-docx / openpyxl), and the documents read
back with python-docx and openpyxl.

    tests/edition/check.py build/duty25
"""
import configparser
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import tap, skip, done  # noqa: E402

import docx  # noqa: E402
import openpyxl  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build/duty25"))
VALIDATE = os.path.join(ROOT, "../shared/tools/ooxml-validate")
SEED = os.path.join(ROOT, "../shared/seeds/004_f9125c899af8d431.txt")
SAMPLES = os.path.join(ROOT, "samples/enterprise")
EXPECTED = json.load(open(os.path.join(SAMPLES, "expected.json"), encoding="utf-8"))
PERIOD = EXPECTED["period"]
# Seed 004's own words that hold 教育 (安全生产教育培训, 督促、教育从业人员):
# the enterprise documents may quote them, and nothing else with 教育.
SEED_WORDS = ("教育培训", "教育从业人员")


def ini_of(path):
    c = configparser.ConfigParser(interpolation=None, comment_prefixes=(";", "#"), inline_comment_prefixes=None)
    c.optionxform = str
    c.read(path, encoding="utf-8")
    return c


def run(args, cwd, env=None):
    e = dict(os.environ, LC_ALL="C.UTF-8")
    e.update(env or {})
    return subprocess.run([BIN] + args, cwd=cwd, capture_output=True, text=True, env=e, timeout=300)


def doc_text(path):
    if path.endswith(".docx"):
        d = docx.Document(path)
        parts = [p.text for p in d.paragraphs]
        for t in d.tables:
            for row in t.rows:
                parts += [c.text for c in row.cells]
        return "\n".join(parts)
    if path.endswith(".xlsx"):
        wb = openpyxl.load_workbook(path)
        return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                         if c.value is not None)
    return open(path, encoding="utf-8").read()


def no_education(text):
    for w in SEED_WORDS:
        text = text.replace(w, "")
    return "教育" not in text and "学校" not in text


# ---- the rule set against seed 004 ----
if os.path.exists(SEED):
    seed = open(SEED, encoding="utf-8").read()
    sec2 = seed[seed.index("二、攻坚内容"):seed.index("三、攻坚安排")]
    rules = ini_of(os.path.join(ROOT, "config/rules-enterprise.ini"))
    items = sorted(int(s[5:]) for s in rules.sections() if re.fullmatch(r"item\.\d+", s))
    tap(items == list(range(1, 26)), "the enterprise rule set has seed 004's 25 items", items)
    bad = []
    for s in rules.sections():
        if not re.fullmatch(r"\d+\.\d+", s):
            continue
        m = re.fullmatch(r"二、(\d+) “(.*)”", rules[s].get("source", ""))
        if not m or m.group(1) != s.split(".")[0]:
            bad.append("%s: source %r" % (s, rules[s].get("source")))
            continue
        para = re.search(r"^%s\.(.*)$" % m.group(1), sec2, re.M).group(1)
        for part in m.group(2).split("……"):
            if part.replace("‘", "“").replace("’", "”") not in para:
                bad.append("%s: %s" % (s, part))
    tap(not bad, "every enterprise sub-item quotes its sentence of seed 004 section 二", bad)
    tap(rules["edition"]["deadline_day"] == "30" and "于每月30日前" in seed, "due by the 30th (seed 004 三（四）)")
    tap(rules["edition"]["enforcement_due"] == "8月10日" and "于8月10日前上报" in seed,
        "the enforcement list is due 8月10日 (seed 004 三（三）)")
    conf = ini_of(os.path.join(ROOT, "config/editions/enterprise/duty25.ini"))
    want = {}
    for key, name in (("mobilise", "动员部署"), ("rectify", "排查整治"), ("enforce", "集中攻坚"), ("consolidate", "巩固提升")):
        m = re.search(name + r"阶段（(\d+)年(\d+)月(\d+)日-(?:(\d+)月)?(\d+)日）", seed)
        y, m1, d1, m2, d2 = m.groups()
        want[key] = "%s-%02d-%02d..%s-%02d-%02d" % (y, int(m1), int(d1), y, int(m2 or m1), int(d2))
    got = {k: conf["stages"][k] for k in want}
    tap(got == want, "the enterprise stages are seed 004's 2025 dates", [got, want])
else:  # a clone without the workplace's ../shared: the rule set is still read below
    rules = ini_of(os.path.join(ROOT, "config/rules-enterprise.ini"))
    conf = ini_of(os.path.join(ROOT, "config/editions/enterprise/duty25.ini"))
    for name in ("the enterprise rule set has seed 004's 25 items",
                 "every enterprise sub-item quotes its sentence of seed 004 section 二",
                 "due by the 30th (seed 004 三（四）)", "the enforcement list is due 8月10日 (seed 004 三（三）)",
                 "the enterprise stages are seed 004's 2025 dates"):
        skip(name, "../shared/seeds absent")
tap(conf["campaign"]["rules"] == "rules-enterprise.ini", "the enterprise config names its rule set")

tmp = tempfile.mkdtemp(prefix="duty25-edition-")
try:
    # ---- init --edition ----
    w = os.path.join(tmp, "qy")
    r = run(["init", "--edition", "enterprise", w], tmp)
    tap(r.returncode == 0 and os.path.exists(os.path.join(w, "config/rules-enterprise.ini"))
        and os.path.exists(os.path.join(w, "templates/统计表.docx")) and not r.stderr,
        "init --edition enterprise makes a working folder", [r.returncode, r.stdout, r.stderr])
    r = run(["init", "--edition", "nosuch", os.path.join(tmp, "x")], tmp)
    tap(r.returncode == 2 and "enterprise" in r.stderr, "an unknown edition is a usage error naming the editions",
        r.stderr)

    # ---- a month: the samples into the inbox, run ----
    shutil.copytree(os.path.join(SAMPLES, PERIOD), os.path.join(w, "inbox", PERIOD))
    r = run(["run", "--period", PERIOD], w)
    tap(r.returncode == 1, "run --period %s: exit 1 (one return rejected)" % PERIOD, [r.returncode, r.stdout, r.stderr])
    r = run(["status", "--period", PERIOD, "--format", "json"], w)
    st = json.loads(r.stdout) if r.returncode == 0 else {}
    tap({k: st.get(k) for k in EXPECTED["status"]} == EXPECTED["status"],
        "status: the manifest's on time, late, incomplete, rejected, missing",
        [{k: st.get(k) for k in EXPECTED["status"]}, EXPECTED["status"]])
    states = {u["code"]: u["state"] for u in st.get("units", [])}
    tap(sorted(c for c, s in states.items() if s == "late") == EXPECTED["late"] and
        sorted(c for c, s in states.items() if s == "missing") == EXPECTED["missing"] and
        sorted(c for c, s in states.items() if s == "rejected") == EXPECTED["rejected"],
        "status: which enterprises are late, missing, rejected", states)
    labels = {g["type"]: (g["label"], g["expected"]) for g in st.get("by_type", [])}
    tap(labels == {t: (rules["types"][t], n) for t, n in EXPECTED["by_type"].items()},
        "status by type: the edition's types with their labels", labels)
    r = run(["report", "--period", PERIOD, "--dump-data"], w)
    data = json.loads(r.stdout) if r.returncode == 0 else {}
    tap(data.get("hazards", {}).get("found") == EXPECTED["hazards"]["found"] and
        data.get("hazards", {}).get("rectified") == EXPECTED["hazards"]["rectified"],
        "hazards found and rectified: the samples' totals", [data.get("hazards"), EXPECTED["hazards"]])
    tap(sorted(k["code"] for k in data.get("key_units", [])) == EXPECTED["key_units"],
        "key-supervision enterprises: the flag the rule set names", data.get("key_units"))
    tap(sorted(e["code"] for e in data.get("enforcement", [])) == EXPECTED["enforcement"],
        "the enforcement list (in July, for 8月10日)", data.get("enforcement"))
    tap(data.get("words", {}).get("unit_word") == "企业" and data.get("edition_id") == "enterprise-2025",
        "the report data carries the edition's words", data.get("words"))

    # ---- forms, reminders ----
    r1 = run(["forms", "--period", PERIOD, "-q"], w)
    r2 = run(["remind", "--period", PERIOD], w)
    tap(r1.returncode == 0 and r2.returncode == 0, "forms and remind write", [r1.stderr, r2.stderr])

    # ---- every document: 企业, the issuing body, no 教育 ----
    out = os.path.join(w, "out")
    docs = sorted(os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs if f.endswith((".docx", ".xlsx", ".txt")))
    kinds = {"书面风险报告": False, "统计表.docx": False, "统计表.xlsx": False, "报送情况": False, "退回通知": False,
             "退回清单": False, "催报通知": False, "催报清单": False, "清单.docx": False, "推进情况.docx": False,
             "%s.xlsx" % "2025年7月": False}
    bad_edu, no_qy = [], []
    texts = {}
    for p in docs:
        t = doc_text(p)
        texts[p] = t
        for k in kinds:
            if k in os.path.basename(p):
                kinds[k] = True
        if not no_education(t):
            bad_edu.append(os.path.relpath(p, out))
        if "企业" not in t:
            no_qy.append(os.path.relpath(p, out))
    tap(all(kinds.values()), "report, tables, workbook, status, notices, reminders and forms were written", kinds)
    tap(not bad_edu, "no 教育 or 学校 in any document (seed 004's 教育培训 aside)", bad_edu)
    tap(not no_qy, "every document says 企业", no_qy)
    issuer = "示范区城市管理局"
    signed = [p for p in docs if any(k in os.path.basename(p) for k in ("书面风险报告", "退回通知.docx", "催报通知"))]
    tap(signed and all(issuer in texts[p] for p in signed), "the report and notices are signed by " + issuer,
        [os.path.relpath(p, out) for p in signed if issuer not in texts[p]])
    forms = [p for p in docs if p.endswith("-清单.docx")]
    tap(forms and all("由城市管理局填写" in texts[p] and "企业自查情况" in texts[p] for p in forms),
        "the blank checklists: 企业自查情况, 监督检查情况由城市管理局填写")
    tables = [p for p in docs if p.endswith("统计表.docx")]
    heads = [h.split(":")[1] for h in rules["progress"]["summary"].split("|")]
    tap(tables and all(h in texts[tables[0]] for h in heads), "the tables' progress columns are the rule set's", heads)
    if os.access(VALIDATE, os.X_OK):
        fails, seen = [], set()
        for p in docs:
            # one file of each kind (the forms of 20 enterprises are alike)
            kind = re.sub(r"^.*?-%s" % "2025年7月", "", os.path.basename(p))
            if p.endswith((".docx", ".xlsx")) and kind not in seen:
                seen.add(kind)
                v = subprocess.run([VALIDATE, p], capture_output=True, text=True)
                if v.returncode != 0:
                    fails.append("%s: %s" % (os.path.relpath(p, out), (v.stdout + v.stderr)[-300:]))
        tap(not fails, "every enterprise document passes ooxml-validate", fails)

    # ---- the database records the edition; another campaign reads none of it ----
    db = sqlite3.connect(os.path.join(w, "data/duty25.db"))
    eds = db.execute("SELECT DISTINCT edition FROM returns").fetchall()
    db.close()
    tap(eds == [("enterprise-2025",)], "each return records its edition", eds)
    cfgdir = os.path.join(w, "config")
    with open(os.path.join(cfgdir, "rules-enterprise.ini"), encoding="utf-8") as f:
        r26 = f.read().replace("id = enterprise-2025", "id = enterprise-2026")
    with open(os.path.join(cfgdir, "rules-2026.ini"), "w", encoding="utf-8") as f:
        f.write(r26)
    with open(os.path.join(cfgdir, "duty25.ini"), encoding="utf-8") as f:
        c26 = f.read().replace("rules = rules-enterprise.ini", "rules = rules-2026.ini")
    with open(os.path.join(cfgdir, "duty25-2026.ini"), "w", encoding="utf-8") as f:
        f.write(c26)
    r = run(["--config", "config/duty25-2026.ini", "status", "--period", PERIOD, "--format", "json"], w)
    st26 = json.loads(r.stdout) if r.returncode == 0 else {}
    tap(st26.get("missing") == EXPECTED["status"]["expected"] and st26.get("on_time") == 0,
        "a second campaign in the same database counts none of the first's returns",
        [r.returncode, r.stderr, {k: st26.get(k) for k in ("on_time", "missing")}])

    # ---- templates of another edition: told before the run takes anything ----
    w2 = os.path.join(tmp, "mixed")
    run(["init", "--edition", "enterprise", w2], tmp)
    shutil.copy(os.path.join(ROOT, "templates/统计表.docx"), os.path.join(w2, "templates/统计表.docx"))
    shutil.copytree(os.path.join(SAMPLES, PERIOD), os.path.join(w2, "inbox", PERIOD))
    r = run(["run", "--period", PERIOD], w2)
    tap(r.returncode == 2 and "统计表.docx" in r.stderr and "targeted_checks" in r.stderr
        and not os.path.exists(os.path.join(w2, "data/duty25.db")),
        "education templates with the enterprise rules: run says which field, before taking any return",
        [r.returncode, r.stderr])
    r = run(["report", "--period", PERIOD], w2)
    tap(r.returncode == 2 and "targeted_checks" in r.stderr, "… and report says it too", r.stderr)

    # ---- the registry takes the edition's types ----
    with open(os.path.join(w2, "config/units.csv"), encoding="utf-8-sig") as f:
        reg = f.read()
    with open(os.path.join(w2, "config/units.csv"), "w", encoding="utf-8") as f:
        f.write(reg.replace(",metallurgy,", ",school,", 1))
    r = run(["status", "--period", PERIOD], w2)
    tap(r.returncode == 2 and "冶金企业" in r.stderr and "metallurgy" in r.stderr,
        "a type the edition lacks is refused, listing the edition's types", r.stderr)

    # ---- the education edition: its words from its rule set ----
    we = os.path.join(tmp, "edu")
    run(["init", we], tmp)
    for m in ("2026-10", "2026-11"):
        shutil.copytree(os.path.join(ROOT, "samples", m), os.path.join(we, "inbox", m))
    r = run(["run", "--period", "2026-11"], we)
    rep = [os.path.join(we, "out", f) for f in os.listdir(os.path.join(we, "out")) if f.endswith("书面风险报告.docx")]
    t = doc_text(rep[0]) if rep else ""
    tap(r.returncode == 0 and "示范区教育系统落实安全生产主体责任" in t and "示范区教育局" in t
        and "全区重点监管单位" in t and "企业自查" not in t,
        "the education edition's report keeps its words", [r.returncode, r.stderr])

    # ---- two campaigns in one database: each report sets aside its own implausible values ----
    # The November samples plant one implausible count (SF-X001 已检查 3000 次): the report's
    # `flagged`.  A second campaign (the same rule set under another [edition] id) then takes a
    # newer return of SF-X001 whose count is plausible (已检查 21 次).  The first campaign's
    # report must still set its own flagged value aside, and the second's flag nothing.
    def flagged(*cfg):
        r = run(list(cfg) + ["report", "--period", "2026-11", "--dump-data"], we)
        try:
            return sorted((f["code"], f["field"]) for f in json.loads(r.stdout)["flagged"])
        except (ValueError, KeyError):
            return ["error", r.returncode, r.stderr]

    f1 = flagged()
    tap(f1 == [("SF-X001", "inspections")], "the first campaign's report sets aside the planted count", f1)
    with open(os.path.join(ROOT, "config/rules-education.ini"), encoding="utf-8") as f:
        r27 = f.read().replace("id = education-2021", "id = education-2027")
    with open(os.path.join(we, "config/rules-2027.ini"), "w", encoding="utf-8") as f:
        f.write(r27)
    with open(os.path.join(we, "config/duty25.ini"), encoding="utf-8") as f:
        c27 = re.sub(r"^rules\s*=.*$", "rules = rules-2027.ini", f.read(), count=1, flags=re.M)
    with open(os.path.join(we, "config/duty25-2027.ini"), "w", encoding="utf-8") as f:
        f.write(c27)
    src = os.path.join(ROOT, "samples/2026-11/示范区实验小学-2026年11月-清单及推进情况.docx")
    dst = os.path.join(tmp, "示范区实验小学-2027.docx")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                assert b"\xe5\xb7\xb2\xe6\xa3\x80\xe6\x9f\xa5 3000 \xe6\xac\xa1" in data  # 已检查 3000 次
                data = data.replace("已检查 3000 次".encode(), "已检查 21 次".encode())
            zout.writestr(item, data)
    r = run(["--config", "config/duty25-2027.ini", "ingest", dst], we)
    db = sqlite3.connect(os.path.join(we, "data/duty25.db"))
    rows = db.execute("SELECT edition, verdict, unit_code, period FROM returns WHERE file_name = ?",
                      (os.path.basename(dst),)).fetchall()
    db.close()
    tap(r.returncode == 0 and rows == [("education-2027", "accepted", "SF-X001", "2026-11")],
        "a second campaign's newer return of SF-X001 is stored in the same database", [r.stdout, r.stderr, rows])
    f2 = flagged()
    tap(f2 == f1, "the first campaign still sets aside its own flagged count, not reading the second's newer return",
        f2)
    f3 = flagged("--config", "config/duty25-2027.ini")
    tap(f3 == [], "the second campaign flags nothing of the first's", f3)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
done()
