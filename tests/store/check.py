#!/usr/bin/python3
"""duty25 ingest and duty25 status against hand counts.

Every expectation comes from outside duty25: samples/expected.json (what
samples/make_samples.py put in each file), config/units.csv read with
Python's csv module, the receipt times this test gives the files, and
files this test edits with python-docx.  The database is read with
Python's sqlite3.  Prints TAP.

    tests/store/check.py build/duty25
"""
import csv
import datetime
import fcntl
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
import xml.etree.ElementTree as ET

import docx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import tap, skip, done  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(sys.argv[1])
SAMPLES = os.path.join(ROOT, "samples")
MANIFEST = json.load(open(os.path.join(SAMPLES, "expected.json"), encoding="utf-8"))
TMP = tempfile.mkdtemp(prefix="duty25-store-")

with open(os.path.join(ROOT, "config", "units.csv"), encoding="utf-8-sig", newline="") as f:
    UNITS = {r["code"]: r for r in csv.DictReader(f)}


KEY_ITEMS = ("1.1", "2.1", "3.3", "9.1", "12.1", "22.9")


def write_config(name, **store):
    db = store.pop("database", os.path.join(TMP, name + ".db"))
    # The files' times below are chosen as receipt times: trusted here.
    store.setdefault("received_time", "mtime")
    path = os.path.join(TMP, name + ".ini")
    lines = ["[campaign]", "rules = %s" % os.path.join(ROOT, "config", "rules-education.ini"),
             "units = %s" % store.pop("units", os.path.join(ROOT, "config", "units.csv")),
             "[store]", "database = %s" % db]
    lines += ["%s = %s" % kv for kv in store.items()]
    lines += ["[stages]", "rectify = 2026-10-01..2026-11-15", "[enforcement]", "after_stage = rectify",
              "key_items = %s" % "|".join(KEY_ITEMS), "not_done_min = 8", "missing = yes", "rejected = yes"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path, db


def duty25(cfg, *args, **kw):
    return subprocess.run([BIN, "--config", cfg] + list(args), capture_output=True, text=True, **kw)


def stamp(path, when):
    t = time.mktime(time.strptime(when, "%Y-%m-%d %H:%M"))
    os.utime(path, (t, t))


def active(code, period):
    u = UNITS[code]
    return (not u["active_from"] or u["active_from"][:7] <= period) and \
        (not u["active_until"] or period <= u["active_until"][:7])


def status(cfg, period):
    r = duty25(cfg, "status", "--period", period, "--format", "json")
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"error": r.stdout + r.stderr, "exit": r.returncode}


def q(db, sql, *args):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


# The schema version this build writes (docs/store.md).
LATEST = 8


def dump(db):
    """The database's content, the run log aside: returns keyed by hash,
    their answers, values and findings, the units and their changes."""
    c = sqlite3.connect(db)
    sha = dict(c.execute("SELECT id, sha256 FROM returns"))
    cols = [r[1] for r in c.execute("PRAGMA table_info(returns)")]
    out = {"returns": {}}
    for row in c.execute("SELECT * FROM returns"):
        d = dict(zip(cols, row))
        # edition: the campaign it was taken under ('' when migrated), checked by tests/edition
        for k in ("id", "run_id", "stored", "edition"):
            d.pop(k, None)
        d["superseded_by"] = sha.get(d["superseded_by"])
        out["returns"][d["sha256"]] = d
    for t in ("answers", "progress_values", "findings"):
        out[t] = sorted((sha[r[0]],) + tuple(r[1:]) for r in c.execute("SELECT * FROM %s" % t))
    out["units"] = sorted(c.execute("SELECT code, name, type, area, flags, aliases, contact, phone, active_from,"
                                    " active_until, in_registry FROM units"))
    out["unit_changes"] = sorted(c.execute("SELECT code, field, old, new FROM unit_changes"))
    out["dirty"] = sorted(c.execute("SELECT * FROM dirty_periods"))
    c.close()
    return out


def first_diff(a, b):
    for k in a:
        if a[k] != b.get(k):
            if isinstance(a[k], dict):
                ka, kb = set(a[k]), set(b.get(k) or {})
                return "%s: %d vs %d entries, %s" % (k, len(ka), len(kb), sorted(ka ^ kb)[:3] or
                                                     [x for x in ka if a[k][x] != b[k][x]][:1])
            return "%s differs: %d vs %d rows" % (k, len(a[k]), len(b.get(k) or []))
    return "same"


# ---- a month's inbox, with receipt times chosen here ----

LATE = {"SF-X002", "SF-Y001"}  # their November files arrive after the 25th
inbox = os.path.join(TMP, "inbox")
for period in ("2026-10", "2026-11"):
    os.makedirs(os.path.join(inbox, period))
    for name in sorted(n for n in os.listdir(os.path.join(SAMPLES, period)) if not n.startswith("收件登记")):
        dst = os.path.join(inbox, period, name)
        shutil.copyfile(os.path.join(SAMPLES, period, name), dst)
        unit = MANIFEST["files"]["%s/%s" % (period, name)]["unit"]
        day = "2026-11-27 09:30" if period == "2026-11" and unit in LATE else "%s-20 10:00" % period
        stamp(dst, day)
open(os.path.join(inbox, "2026-11", "说明.txt"), "w").write("不是报表")
shutil.copyfile(os.path.join(SAMPLES, "2026-11", sorted(os.listdir(os.path.join(SAMPLES, "2026-11")))[0]),
                os.path.join(inbox, "2026-11", "~$临时文件.docx"))
nfiles = sum(1 for k in MANIFEST["files"] if k[:7] in ("2026-10", "2026-11"))

cfg, db = write_config("main")
r = duty25(cfg, "ingest", inbox)
lines = r.stdout.splitlines()
tap(r.returncode == 0, "ingest of two months of samples exits 0", r.stdout[-2000:] + r.stderr)
tap(sum(l.startswith("新收") for l in lines) == nfiles, "one 新收 line per sample file (%d)" % nfiles, r.stdout[-1500:])
tap(sum(l.startswith("跳过") for l in lines) == 2 and any("~$临时文件" in l for l in lines),
    "the ~$ owner file and the .txt are skipped with a note", r.stdout[:1500])
tap(q(db, "SELECT count(*) FROM returns") == [(nfiles,)], "the database holds %d returns" % nfiles,
    q(db, "SELECT count(*) FROM returns"))
tap(q(db, "PRAGMA integrity_check") == [("ok",)] and q(db, "PRAGMA foreign_key_check") == [],
    "integrity_check ok, no foreign key violations")
tap(q(db, "PRAGMA user_version") == [(LATEST,)] and q(db, "PRAGMA journal_mode") == [("wal",)],
    "schema version %d, WAL journal" % LATEST)


def hand_status(period, late=(), extra=None):
    """What a person counts from the manifest and the registry."""
    forms = {}
    for rel, e in MANIFEST["files"].items():
        if rel[:7] == period and e["verdict"] == "accepted":
            forms.setdefault(e["unit"], set()).update(e["forms"])
    states = {}
    for code in UNITS:
        if not active(code, period):
            continue
        f = forms.get(code, set())
        if f >= {"checklist", "progress"}:
            states[code] = "late" if code in late else "on_time"
        elif f:
            states[code] = "incomplete"
        else:
            states[code] = "missing"
    states.update(extra or {})
    return states


def check_status(period, states, label):
    st = status(cfg, period)
    if "error" in st:
        tap(False, label + ": status JSON", st)
        return st
    got = {u["code"]: u["state"] for u in st["units"]}
    tap(got == states, label + ": every unit's state", sorted(set(got.items()) ^ set(states.items()))[:10])
    counts = {k: sum(1 for s in states.values() if s == k) for k in ("on_time", "late", "incomplete", "rejected", "missing")}
    tap(all(st[k] == v for k, v in counts.items()) and st["expected"] == len(states),
        label + ": totals %s" % counts, {k: st.get(k) for k in counts})
    for key, field in (("by_type", "type"), ("by_area", "area")):
        want = {}
        for code, s in states.items():
            g = want.setdefault(UNITS[code][field], {"expected": 0})
            g["expected"] += 1
            g[s] = g.get(s, 0) + 1
        gotg = {g[field]: {k: v for k, v in g.items() if isinstance(v, int) and v} for g in st[key]}
        tap(gotg == want, "%s: counts %s" % (label, key), (gotg, want))
    return st


st10 = check_status("2026-10", hand_status("2026-10"), "October")
st11 = check_status("2026-11", hand_status("2026-11", LATE), "November")
miss = [u for u in st11.get("units", []) if u["state"] == "missing"]
tap(len(miss) == 3 and all(u["contact"] == UNITS[u["code"]]["contact"] and u["phone"] == UNITS[u["code"]]["phone"]
                           for u in miss),
    "missing units are listed with the registry's contact and phone", miss)
text = duty25(cfg, "status", "--period", "2026-11").stdout
tap(all(UNITS[c]["phone"] in text for c in ("SF-P006", "SF-B004", "SF-Y010")) and "逾期" in text,
    "the text status lists whom to call", text[:1500])

# ---- report data and a template filled with it ----
r = duty25(cfg, "report", "--period", "2026-11", "--dump-data")
try:
    rd = json.loads(r.stdout)
except ValueError:
    rd = {}
tap(r.returncode == 0 and rd.get("period") == "2026-11", "report --dump-data prints the data tree", r.stderr)
want = {}
found = fixed = insp = 0
for rel, e in MANIFEST["files"].items():
    if rel[:7] != "2026-11" or e["verdict"] != "accepted":
        continue
    for code, st_ in e.get("checklist", {}).items():
        want.setdefault(code, {"done": 0, "partial": 0, "not_done": 0, "not_applicable": 0})[st_] += 1
    pv = e.get("progress")
    if pv:
        found += pv["hazards_found"]
        fixed += pv["hazards_rectified"]
        # The generator plants its implausible figure (OUTLIER_PEERS) in
        # 已检查次数 (samples/make_samples.py): the report leaves it out.
        if not any(c_.startswith("OUTLIER") for c_ in e.get("quality", [])):
            insp += pv["inspections"]
got = {x["code"]: {k: x[k] for k in ("done", "partial", "not_done", "not_applicable")} for x in rd.get("sub_items", [])}
tap(got == want, "every sub-item's done / partial / not done / not applicable counts equal a count of the returns",
    [(k, got.get(k), want.get(k)) for k in want if got.get(k) != want.get(k)][:5])
tot = {k: sum(v[k] for v in want.values()) for k in ("done", "partial", "not_done")}
app = tot["done"] + tot["partial"] + tot["not_done"]
comp = rd.get("compliance", {})
tap(comp.get("applicable") == app and comp.get("done") == tot["done"] and
    comp.get("rate_text") == "%.1f%%（%d/%d）" % (100.0 * tot["done"] / app, tot["done"], app),
    "the compliance rate prints its numerator and denominator", (comp, tot))
prev = {"done": 0, "partial": 0, "not_done": 0}
for rel, e in MANIFEST["files"].items():
    if rel[:7] == "2026-10" and e["verdict"] == "accepted":
        for st_ in e.get("checklist", {}).values():
            if st_ in prev:
                prev[st_] += 1
rp = prev["done"] / sum(prev.values())
tap(abs((comp.get("rate_prev") or -1) - rp) < 1e-9 and
    comp.get("change_text") == ("上升%.1f个百分点" % ((tot["done"] / app - rp) * 100) if tot["done"] / app > rp
                                else "下降%.1f个百分点" % ((rp - tot["done"] / app) * 100)),
    "last month's compliance rate and the change in percentage points", (comp, rp))
items = {}
for code, c in want.items():
    it = items.setdefault(int(code.split(".")[0]), [0, 0])
    it[0] += c["done"]
    it[1] += c["done"] + c["partial"] + c["not_done"]
# Only items with at least [report] weak_min_base (10) applicable answers are ranked.
ranked = sorted((v[0] / v[1], n) for n, v in items.items() if v[1] >= 10)
tap([w["n"] for w in rd.get("weakest_items", [])] == [n for _, n in ranked[:5]],
    "the five weakest items, by hand, among items with 10 or more applicable answers",
    ([w["n"] for w in rd.get("weakest_items", [])], ranked[:5]))
below = sorted(n for n, v in items.items() if 0 < v[1] < 10)
tap(not set(below) & {w["n"] for w in rd.get("weakest_items", [])} and rd.get("weak_min_base") == 10,
    "no item with fewer than 10 applicable answers is ranked weak (%s)" % below, rd.get("weakest_items"))
units_nd = {}
for rel, e in MANIFEST["files"].items():
    if rel[:7] == "2026-11" and e["verdict"] == "accepted":
        for it_ in {int(code.split(".")[0]) for code, st_ in e.get("checklist", {}).items() if st_ == "not_done"}:
            units_nd.setdefault(it_, set()).add(e["unit"])
got_nd = {w["n"]: w["units_not_done"] for w in rd.get("items", [])}
tap(got_nd == {n: len(units_nd.get(n, ())) for n in got_nd},
    "each item's count of units with a sub-item not done, by hand",
    [(n, got_nd[n], len(units_nd.get(n, ()))) for n in got_nd if got_nd[n] != len(units_nd.get(n, ()))][:5])
# Attachment 2, by hand: registry order; missing units, key sub-items not
# done (named with their text, from the rule set as configparser reads it),
# 8 or more sub-items not done.
import configparser  # noqa: E402
_sub_ini = configparser.ConfigParser(interpolation=None, strict=False)
_sub_ini.read(os.path.join(ROOT, "config", "rules-education.ini"), encoding="utf-8")
SUB_TEXT = {c: _sub_ini[c]["text"] for c in KEY_ITEMS}
checklists = {e["unit"]: e["checklist"] for rel, e in MANIFEST["files"].items()
              if rel[:7] == "2026-11" and e["verdict"] == "accepted" and "checklist" in e}
hand = []
for code, state in hand_status("2026-11", LATE).items():
    why = []
    if state == "missing":
        why.append("未报送报表")
    nd = [c for c, v in checklists.get(code, {}).items() if v == "not_done"]
    nd.sort(key=lambda c: tuple(int(x) for x in c.split(".")))
    keys = [c for c in nd if c in KEY_ITEMS]
    if keys:
        why.append("关键子项未落实：" + "、".join("%s“%s”" % (c, SUB_TEXT[c]) for c in keys))
    if len(nd) >= 8:
        why.append("共%d个子项未落实" % len(nd))
    if why:
        hand.append((code, "；".join(why)))
got = [(x["code"], x["remark"]) for x in rd.get("enforcement", [])]
tap(rd.get("enforcement_active") is True and got == hand and [x["n"] for x in rd.get("enforcement", [])] ==
    list(range(1, len(hand) + 1)), "the enforcement list (Attachment 2) equals the configured rules applied by hand",
    (got, hand))
r10 = json.loads(duty25(cfg, "report", "--period", "2026-10", "--dump-data").stdout or "{}")
tap(r10.get("enforcement_active") is False and r10.get("enforcement") == [] and r10.get("stage") == "排查整治",
    "before the rectify stage ends there is no enforcement list", {k: r10.get(k) for k in ("stage", "enforcement_active")})
# The same tables as an Excel workbook, read back with openpyxl.
import openpyxl  # noqa: E402
xl = os.path.join(TMP, "tables.xlsx")
r = duty25(cfg, "report", "--period", "2026-11", "--xlsx", xl)
ok = r.returncode == 0 and os.path.exists(xl)
diag = r.stderr
if ok:
    wb = openpyxl.load_workbook(xl, data_only=True)  # the totals are formulas with their values cached
    labels = {"on_time": "按时", "late": "逾期", "incomplete": "缺表", "rejected": "退回", "missing": "未报"}
    subm = {row[1]: row[5] for row in wb["报送情况"].iter_rows(min_row=2, values_only=True)}
    want_sub = {c: labels[v] for c, v in hand_status("2026-11", LATE).items()}
    prog = list(wb["推进情况汇总"].iter_rows(values_only=True))
    col = prog[0].index("已检查次数")
    total_row = next((row for row in prog if row[1] == "全区合计"), prog[-1])
    enf = [row[1] for row in wb["拟列入专项执法计划名单"].iter_rows(min_row=2, values_only=True)]
    comp_tot = list(wb["落实情况"].iter_rows(values_only=True))[-1]
    ok = subm == want_sub and total_row[1] == "全区合计" and total_row[col] == insp and \
        enf == [UNITS[c]["name"] for c, _ in hand] and comp_tot[0] == "合计" and comp_tot[3] == tot["done"]
    diag = (sorted(set(subm.items()) ^ set(want_sub.items()))[:5], total_row[col] if col else None, insp, enf[:3],
            comp_tot)
tap(ok, "report --xlsx writes the tables (submissions, compliance, progress with a total row, enforcement list); "
    "openpyxl reads back the hand-counted figures", diag)
# The workbook prints: landscape A4 one page wide, header row (and name
# column) repeated, a title and page numbers on every page; totals are
# formulas over the rows above; received times are dates.
ok_print, diag = False, None
if os.path.exists(xl):
    wbf = openpyxl.load_workbook(xl)
    sheets = [wbf[n_] for n_ in ("报送情况", "落实情况", "推进情况汇总")]
    tot_f = next(row for row in wbf["推进情况汇总"].iter_rows(values_only=True) if row[1] == "全区合计")
    comp_f = list(wbf["落实情况"].iter_rows(values_only=True))[-1]
    recv = [row[6] for row in wbf["报送情况"].iter_rows(min_row=2, values_only=True) if row[6] is not None]
    ok_print = all(ws_.page_setup.orientation == "landscape" and ws_.print_title_rows == "$1:$1" and
                   ws_.sheet_properties.pageSetUpPr.fitToPage and ws_.page_setup.fitToWidth in (1, None) and
                   "&P" in (ws_.oddFooter.center.text or "") and "2026年11月" in (ws_.oddHeader.center.text or "")
                   for ws_ in sheets) and \
        wbf["推进情况汇总"].print_title_cols == "$B:$B" and \
        str(tot_f[col]).startswith("=SUM(") and str(comp_f[3]).startswith("=SUM(") and \
        recv and all(isinstance(v_, datetime.datetime) for v_ in recv)
    diag = [(ws_.title, ws_.page_setup.orientation, ws_.print_title_rows, ws_.print_title_cols,
             ws_.oddHeader.center.text) for ws_ in sheets] + [tot_f[col], comp_f[3], recv[:2]]
tap(ok_print, "the workbook is set up for printing (landscape, one page wide, repeated header row and name column,"
    " title and page numbers), its totals are formulas and its received times dates", diag)
# The shipped statistical-tables template, filled.
built = os.path.join(TMP, "built")
os.makedirs(built)
subprocess.run([sys.executable, os.path.join(ROOT, "templates", "build.py"), built], capture_output=True)
for name in ("统计表.docx", "书面风险报告.docx"):
    tap(open(os.path.join(built, name), "rb").read() == open(os.path.join(ROOT, "templates", name), "rb").read(),
        "templates/%s is what templates/build.py makes" % name)
shipped = os.path.join(ROOT, "templates", "统计表.docx")
st_out = os.path.join(TMP, "统计表-2026-11.docx")
r = duty25(cfg, "report", "--period", "2026-11", "--template", shipped, "--out", st_out)
ok = r.returncode == 0
diag = r.stderr
if ok:
    back = docx.Document(st_out)
    hs = hand_status("2026-11", LATE)
    summary = next((p_.text for p_ in back.paragraphs if p_.text.startswith("应报")), "")
    t1, t3, t4 = back.tables[0], back.tables[2], back.tables[3]
    ok = ("应报%d家，已报%d家" % (len(hs), sum(v in ("on_time", "late") for v in hs.values()))) in summary and \
        len(t1.rows) == len(hs) + 1 and t3.rows[-1].cells[1].text == "全区合计" and \
        t3.rows[-1].cells[3].text == str(insp) and [row.cells[1].text for row in t4.rows[1:]] == \
        [UNITS[c]["name"] for c, _ in hand] and "%d/%d" % (fixed, found) in t3.rows[-1].cells[8].text
    diag = (summary, len(t1.rows), [c.text for c in t3.rows[-1].cells], len(t4.rows))
tap(ok, "the shipped statistical-tables template filled for November reads back (python-docx) with the hand counts",
    diag)
rr_out = os.path.join(TMP, "书面风险报告-2026-11.docx")
r = duty25(cfg, "report", "--period", "2026-11", "--template", os.path.join(ROOT, "templates", "书面风险报告.docx"),
           "--out", rr_out)
ok_rr = r.returncode == 0
diag = r.stderr
if ok_rr:
    back = docx.Document(rr_out)
    text = "\n".join(p_.text for p_ in back.paragraphs)
    hs = hand_status("2026-11", LATE)
    want_lines = ["应报送单位%d家，已报送%d家" % (len(hs), sum(v in ("on_time", "late") for v in hs.values())),
                  "落实率%.1f%%（%d/%d）" % (100.0 * tot["done"] / app, tot["done"], app),
                  "全区共发现隐患%d条，已完成整改%d条，尚有%d条未整改" % (found, fixed, found - fixed),
                  "等%d家单位，会同有关部门开展联合执法检查" % len(hand)]
    footer = back.sections[0].footer._element.xml
    ok_rr = all(w_ in text for w_ in want_lines) and "{{" not in text and 'w:instr=" PAGE "' in footer and \
        back.sections[0].page_height == 16838 * 635
    diag = ([w_ for w_ in want_lines if w_ not in text], text[:300])
tap(ok_rr, "the shipped written risk report filled for November says the hand-counted figures, with page numbers",
    diag)
if r.returncode == 0:
    # The risk is named: the units with no return at all come first among the
    # riskiest, the list is capped and says how many there are in all; no
    # placeholder is left for the office to fill.
    missing_names = [UNITS[c]["name"] for c, v in hs.items() if v == "missing"]
    paras = [p_.text for p_ in back.paragraphs]
    sec5 = paras.index("五、存在的主要问题") if "五、存在的主要问题" in paras else len(paras)
    named = [t_ for t_ in paras[sec5:] if re.match(r"^\d．", t_)]
    # Risky by hand: a reason of the enforcement list, or 10 or more hazards
    # not rectified ([report] risk_unrectified_min's default).
    unrect = {}
    for rel, e in MANIFEST["files"].items():
        if rel[:7] == "2026-11" and e["verdict"] == "accepted" and e.get("progress"):
            unrect[e["unit"]] = unrect.get(e["unit"], 0) + e["progress"]["hazards_found"] - \
                e["progress"]["hazards_rectified"]
    risky = {c for c, _ in hand} | {c for c, n in unrect.items() if n >= 10}
    tap(len(named) == min(5, len(risky)) and all(any(n in l for l in named[:len(missing_names)]) for n in missing_names)
        and "未报送报表" in named[0] and ("共%d家" % len(risky)) in text and "此处由" not in text and
        "约谈" in text and "联合执法" in text,
        "the report names the riskiest units with their reasons (the %d missing first, %d named of %d) and writes"
        " the next steps from the data" % (len(missing_names), min(5, len(risky)), len(risky)), named)
    # A unit named for its hazards says them as the progress tables gave them.
    hz_named = [l for l in named if "仅整改" in l]
    ok_hz = bool(hz_named)
    for l in hz_named:
        m_ = re.search(r"^\d．(.+?)（.*发现隐患(\d+)条，仅整改(\d+)条", l)
        code_ = next((c for c, u in UNITS.items() if m_ and u["name"] == m_.group(1)), None)
        ok_hz = ok_hz and code_ is not None and unrect.get(code_) == int(m_.group(2)) - int(m_.group(3)) >= 10
    tap(ok_hz, "a unit named for its hazards has 10 or more not rectified, as its progress table says", hz_named)
    # The hazards' worst group by hand: the lowest rate among the types with
    # at least weak_min_base (10) hazards found.
    by_type = {}
    for rel, e in MANIFEST["files"].items():
        if rel[:7] == "2026-11" and e["verdict"] == "accepted" and e.get("progress"):
            t_ = by_type.setdefault(UNITS[e["unit"]]["type"], [0, 0])
            t_[0] += e["progress"]["hazards_found"]
            t_[1] += e["progress"]["hazards_rectified"]
    worst = min((t for t, v in by_type.items() if v[0] >= 10), key=lambda t: by_type[t][1] / by_type[t][0])
    wf, wr = by_type[worst]
    type_label = {"school": "学校", "kindergarten": "幼儿园", "training": "校外培训机构", "school_bus": "校车服务提供者"}
    tap("分类型看，%s整改率最低，为%.1f%%（%d/%d），尚有%d条未整改" % (type_label[worst], 100.0 * wr / wf, wr, wf, wf - wr)
        in text, "the report names the type with the lowest rectification rate (hand count: %s)" % worst,
        [t_ for t_ in paras if "分类型看" in t_])
    # Key-supervision units: their number from the registry's flags, the
    # one not on time named among those to watch, the others summed up.
    keys_ = [c for c, u in UNITS.items() if "key_supervision" in u["flags"] and c in hs]
    late_keys = [UNITS[c]["name"] for c in keys_ if hs[c] != "on_time"]
    tap(("全区重点监管单位%d家" % len(keys_)) in text and all(
        any(t_.startswith(("%d．%s" % (i + 1, n))) for t_ in paras) for i, n in enumerate(late_keys)) and
        "第23条“" in text, "the key-supervision section counts them (%d) and names those not on time %s"
        % (len(keys_), late_keys), [t_ for t_ in paras if "重点监管" in t_])
    # The overall grade by hand from the shipped lines (90|80 for the
    # compliance rate, 80|60 for the rectification rate).
    def level(r_, hi, lo):
        return 0 if r_ * 100 >= hi else 1 if r_ * 100 >= lo else 2
    g_ = max(level(tot["done"] / app, 90, 80), level(fixed / found, 80, 60))
    tap(("风险等级为“%s”" % ["较低", "一般", "较高"][g_]) in text,
        "the overall risk grade from the configured lines (hand: %s)" % ["较低", "一般", "较高"][g_],
        [t_ for t_ in paras if "综合研判" in t_])
outdir = os.path.join(TMP, "out")
r = duty25(cfg, "report", "--period", "2026-11", "--out", outdir)
names = sorted(os.listdir(outdir)) if os.path.isdir(outdir) else []
tap(r.returncode == 0 and names == sorted(["2026年11月书面风险报告.docx", "2026年11月统计表.docx", "2026年11月统计表.xlsx"]),
    "report --period writes the risk report, the tables and the workbook into --out", (r.returncode, r.stderr, names))
# The month's files are a set: when one cannot be written (here the tables'
# template is broken; a full disk is the same), none of last run's is replaced.
broken_tpl = os.path.join(TMP, "broken-templates")
shutil.copytree(os.path.join(ROOT, "templates"), broken_tpl)
with zipfile.ZipFile(os.path.join(ROOT, "templates", "统计表.docx")) as zin, \
        zipfile.ZipFile(os.path.join(broken_tpl, "统计表.docx"), "w", zipfile.ZIP_DEFLATED) as zout:
    for it in zin.infolist():
        data = zin.read(it.filename)
        if it.filename == "word/document.xml":
            data = data.replace(b"</w:body>", b"<w:p><w:r><w:t>{{no_such_figure}}</w:t></w:r></w:p></w:body>")
        zout.writestr(it, data)
before_set = {n: open(os.path.join(outdir, n), "rb").read() for n in names}
cfg_broken, _ = write_config("broken", database=db)
with open(cfg_broken, "a", encoding="utf-8") as f:
    f.write("[report]\ntemplates = %s\n" % broken_tpl)
time.sleep(1.1)
r = duty25(cfg_broken, "report", "--period", "2026-11", "--out", outdir)
after_set = {n: open(os.path.join(outdir, n), "rb").read() for n in sorted(os.listdir(outdir))}
tap(r.returncode == 2 and "no_such_figure" in r.stderr and after_set == before_set,
    "a report whose tables cannot be written replaces none of the month's files, and leaves no temporary file",
    (r.returncode, r.stderr[-300:], sorted(after_set)))
# WPS lays tables out from w:gridCol, and a run of Chinese text without an
# East Asian font is drawn in whatever the reader picks: every table's grid
# agrees with its cells, and every such run names its font.
W_ = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def layout_problems(path):
    out = []
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("word/document.xml"))
    for ti, tbl in enumerate(root.iter(W_ + "tbl")):
        grid = [int(g.get(W_ + "w")) for g in tbl.findall(W_ + "tblGrid/" + W_ + "gridCol")]
        if not grid:
            out.append("table %d has no w:tblGrid" % (ti + 1))
            continue
        for ri, tr in enumerate(tbl.findall(W_ + "tr")):
            col = 0
            for tc in tr.findall(W_ + "tc"):
                span_el = tc.find(W_ + "tcPr/" + W_ + "gridSpan")
                span = int(span_el.get(W_ + "val")) if span_el is not None else 1
                tcw = tc.find(W_ + "tcPr/" + W_ + "tcW")
                if tcw is None or int(tcw.get(W_ + "w")) != sum(grid[col:col + span]):
                    out.append("table %d row %d column %d: tcW %s, grid %s" % (
                        ti + 1, ri + 1, col + 1, None if tcw is None else tcw.get(W_ + "w"), grid[col:col + span]))
                col += span
            if col != len(grid):
                out.append("table %d row %d spans %d of %d grid columns" % (ti + 1, ri + 1, col, len(grid)))
    for run_ in root.iter(W_ + "r"):
        text = "".join(t.text or "" for t in run_.findall(W_ + "t"))
        fonts = run_.find(W_ + "rPr/" + W_ + "rFonts")
        if re.search("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]", text) and \
                (fonts is None or not fonts.get(W_ + "eastAsia")):
            out.append("run %r names no East Asian font" % text[:20])
    return out


for f_ in [st_out, rr_out] + [os.path.join(outdir, n_) for n_ in names if n_.endswith(".docx")]:
    probs = layout_problems(f_) if os.path.exists(f_) else ["not written"]
    tap(not probs, "%s: every table's w:tblGrid agrees with its cells' widths and every Chinese run names its "
        "East Asian font" % os.path.basename(f_), probs[:5])
r = duty25(cfg, "report", "--period", "2026-08", "--out", os.path.join(TMP, "out-empty"))
# (The workbook is written while the figures are read, staged in the
# nearest folder that exists: here TMP, where nothing may be left.)
strays = [n_ for n_ in os.listdir(TMP) if n_.startswith(".") and ".tmp" in n_]
tap(r.returncode == 1 and "2026年8月" in r.stderr and "没有收到" in r.stderr and not os.path.exists(os.path.join(TMP, "out-empty"))
    and not strays, "a period with no returns gives a clear message and writes nothing", (r.stderr, strays))
# A progress table stored under a rule set without one of today's fields
# (an older edition) has that field null: the report still fills, with
# "—" in its cell, and the total leaves it out.
old_db = os.path.join(TMP, "older-edition.db")
src_, dst_ = sqlite3.connect(db), sqlite3.connect(old_db)
src_.backup(dst_)
src_.close()  # an open connection would keep later copies of the file from holding the WAL's pages
dst_.close()
c_ = sqlite3.connect(old_db)
with c_:
    rid, pj = c_.execute("SELECT m.return_id, m.progress FROM return_summaries m JOIN returns r ON r.id = m.return_id"
                         " WHERE r.period = '2026-11' AND r.verdict = 'accepted' AND m.progress IS NOT NULL"
                         " ORDER BY r.unit_code LIMIT 1").fetchone()
    old_code = c_.execute("SELECT unit_code FROM returns WHERE id = ?", (rid,)).fetchone()[0]
    # docs/store.md: the blanks joined by RS, each field US state US value US text
    c_.execute("UPDATE return_summaries SET progress = ? WHERE return_id = ?",
               ("\x1e".join(b for b in pj.split("\x1e") if b.split("\x1f")[0] != "inspections"), rid))
c_.close()
cfg_old, _ = write_config("older-edition", database=old_db)
r = duty25(cfg_old, "report", "--period", "2026-11", "--dump-data")
d_ = json.loads(r.stdout) if r.returncode == 0 else {}
rows_ = {x["code"]: x for x in d_.get("progress", [])}
outliers = {e["unit"] for rel, e in MANIFEST["files"].items() if rel[:7] == "2026-11"
            and any(c_.startswith("OUTLIER") for c_ in e.get("quality", []))}
others = sum(x["inspections"] for c, x in rows_.items()
             if c != old_code and c not in outliers and x["inspections"] is not None)
old_out = os.path.join(TMP, "older-edition.docx")
r2 = duty25(cfg_old, "report", "--period", "2026-11", "--template", shipped, "--out", old_out)
cells_ = []
if r2.returncode == 0:
    t3_ = docx.Document(old_out).tables[2]
    cells_ = [row.cells[3].text for row in t3_.rows if row.cells[1].text == UNITS[old_code]["name"]]
tap(old_code in rows_ and rows_[old_code]["inspections"] is None and "inspections" in rows_[old_code] and
    d_["progress_total"]["inspections"] == others and cells_ == ["—"],
    "a progress table stored without a field reads as null there: the tables still fill (—), the total leaves it out",
    (r.stderr, r2.stderr, rows_.get(old_code), cells_))
# A template that is not there is named as missing, not as damaged.
r = duty25(cfg, "report", "--period", "2026-11", "--template", os.path.join(TMP, "无此模板.docx"),
           "--out", os.path.join(TMP, "none.docx"))
tap(r.returncode == 2 and "无此模板.docx”" in r.stderr and "找不到" in r.stderr and not os.path.exists(os.path.join(TMP, "none.docx")),
    "a missing template is reported as missing (exit 2)", r.stderr)
# Where the files cannot go, the office is told in Chinese before anything
# is written (libxlsxwriter would say it in English on stderr).
a_file = os.path.join(TMP, "a-file")
open(a_file, "w").close()
r = duty25(cfg, "report", "--period", "2026-11", "--out", a_file)
r2 = duty25(cfg, "report", "--period", "2026-11", "--xlsx", os.path.join(TMP, "no-such-folder", "t.xlsx"))
r3 = duty25(cfg, "report", "--period", "2026-11", "--template", shipped, "--out",
            os.path.join(TMP, "no-such-folder", "t.docx"))
tap(r.returncode == 3 and "已有同名的文件" in r.stderr and "[ERROR]" not in r.stderr and
    r2.returncode == 3 and "no-such-folder 不存在" in r2.stderr and "[ERROR]" not in r2.stderr and
    r3.returncode == 3 and "no-such-folder 不存在" in r3.stderr,
    "an output folder that is a file or missing is a clear Chinese error, before anything is written",
    (r.stderr, r2.stderr, r3.stderr))
# A month whose progress tables have not come in (checklists only, so far)
# still gets its report and tables: the total row says 0.
np_db = os.path.join(TMP, "no-progress.db")
src_, dst_ = sqlite3.connect(db), sqlite3.connect(np_db)
src_.backup(dst_)
src_.close()
dst_.close()
c_ = sqlite3.connect(np_db)
with c_:
    c_.execute("UPDATE return_summaries SET progress = NULL")
    c_.execute("UPDATE returns SET has_progress = 0")
c_.close()
cfg_np, _ = write_config("no-progress", database=np_db)
np_out = os.path.join(TMP, "out-no-progress")
r = duty25(cfg_np, "report", "--period", "2026-11", "--out", np_out)
total_ = []
if r.returncode == 0:
    t3_ = docx.Document(os.path.join(np_out, "2026年11月统计表.docx")).tables[2]
    total_ = [c.text for c in t3_.rows[-1].cells]
tap(r.returncode == 0 and len(os.listdir(np_out)) == 3 and total_[1:4] == ["全区合计", "", "0"] and total_[-1] == "—",
    "a month with no progress table yet still gets its report and tables (total row 0, rate —)", (r.stderr, total_))
# LibreOffice headless turns both into PDF; pdftotext finds the figures.
soffice = shutil.which("soffice")
if soffice and shutil.which("pdftotext") and ok and ok_rr:
    pdfdir = os.path.join(TMP, "pdf")
    lo = subprocess.run([soffice, "--headless", "-env:UserInstallation=file://" + os.path.join(TMP, "lo-profile"),
                         "--convert-to", "pdf", "--outdir", pdfdir, st_out, rr_out],
                        capture_output=True, text=True, timeout=300)
    texts = {}
    for f_ in (st_out, rr_out):
        pdf = os.path.join(pdfdir, os.path.splitext(os.path.basename(f_))[0] + ".pdf")
        t_ = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True) \
            if os.path.exists(pdf) else None
        texts[f_] = t_.stdout.replace(" ", "") if t_ and t_.returncode == 0 else ""
    figure = "%d/%d" % (fixed, found)
    tap(figure in texts[st_out] and figure in texts[rr_out] and "—1—" in texts[rr_out],
        "LibreOffice converts both filled documents to PDF; the PDF text holds the figures and the page number",
        (lo.stderr[-300:], texts[st_out][:200], texts[rr_out][:200]))
else:
    skip("LibreOffice converts both filled documents to PDF", "soffice or pdftotext not installed (make deps)")
# The native chart: the campaign's months (October, November), each with
# its compliance rate and its rectification rate counted by hand from the
# returns (the flagged value is an inspection count, not a hazard).
import configparser  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402
rules_ini = configparser.ConfigParser(interpolation=None, strict=False)
rules_ini.read(os.path.join(ROOT, "config", "rules-education.ini"), encoding="utf-8")


def month_rates(prefix):
    t_ = {"done": 0, "partial": 0, "not_done": 0}
    hz = [0, 0]
    for rel, e in MANIFEST["files"].items():
        if rel[:7] != prefix or e["verdict"] != "accepted":
            continue
        for st_ in e.get("checklist", {}).values():
            if st_ in t_:
                t_[st_] += 1
        if e.get("progress"):
            hz[0] += e["progress"]["hazards_found"]
            hz[1] += e["progress"]["hazards_rectified"]
    return t_["done"] / (t_["done"] + t_["partial"] + t_["not_done"]), hz[1] / hz[0]


hand_trend = [month_rates("2026-10"), month_rates("2026-11")]
ok_chart = False
diag = None
if ok_rr:
    with zipfile.ZipFile(rr_out) as z:
        chart = ET.fromstring(z.read("word/charts/chart1.xml"))
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    sers = chart.findall(".//c:ser", ns)
    cats = [[v.text for v in s_.findall("c:cat//c:pt/c:v", ns)] for s_ in sers]
    vals = [[float(v.text) for v in s_.findall("c:val//c:pt/c:v", ns)] for s_ in sers]
    names_ = [s_.find("c:tx//c:v", ns).text for s_ in sers]
    ok_chart = len(sers) == 2 and names_ == ["子项落实率", "隐患整改率"] and \
        all(c_ == ["2026年10月", "11月"] for c_ in cats) and \
        all(abs(vals[k][m] - hand_trend[m][k]) < 1e-5 for k in range(2) for m in range(2))
    diag = (names_, cats, vals, hand_trend)
tap(ok_chart, "the report's native chart: the compliance and rectification rates of October and November, counted by"
    " hand", diag)
# The report as an official document (GB/T 9704-2012 §7), every element from
# [document] of the configuration.  The 发文字号's number: doc_number_first
# plus the earlier months of 2026 that have returns, counted in the database.
cfg_gb = os.path.join(TMP, "gb.ini")
with open(cfg, encoding="utf-8") as f_:
    gb_text = f_.read()
with open(cfg_gb, "w", encoding="utf-8") as f_:
    f_.write(gb_text + "[document]\nissuer_mark = 测试区教育局文件\ndoc_code = 测教安\ndoc_number_first = 5\n"
             "signer = 王某某\nrecipient = 区安委办\nsignature = 测试区教育局\ncc = 市教育局、区应急管理局\n"
             "printer = 测试区教育局办公室\nnote = （联系人：张三，电话：12345678）\n")
earlier = sqlite3.connect(db).execute("SELECT count(DISTINCT period) FROM returns WHERE period >= '2026-01'"
                                      " AND period < '2026-11'").fetchone()[0]
gb_out = os.path.join(TMP, "gb-report.docx")
r = duty25(cfg_gb, "report", "--period", "2026-11", "--template", os.path.join(ROOT, "templates", "书面风险报告.docx"),
           "--out", gb_out)
gb = {}
if r.returncode == 0:
    W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(gb_out) as z:
        names_ = z.namelist()
        body = ET.fromstring(z.read("word/document.xml")).find(W_NS + "body")
        settings = z.read("word/settings.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        ctrels = z.read("word/charts/_rels/chart1.xml.rels").decode()
        chart_x = z.read("word/charts/chart1.xml").decode()
        book = z.read("word/embeddings/Microsoft_Excel_Worksheet1.xlsx") \
            if "word/embeddings/Microsoft_Excel_Worksheet1.xlsx" in names_ else b""
        rel_target = {m.group(1): m.group(2) for m in re.finditer(r'Id="(rId\d+)"[^>]*?Target="([^"]+)"', rels)}
        sect = body.find(W_NS + "sectPr")
        refs = {fr.get(W_NS + "type"): fr.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
                for fr in sect.findall(W_NS + "footerReference")}
        footers = {k: z.read("word/" + rel_target[v]).decode() for k, v in refs.items() if v in rel_target}
    paras = list(body.iter(W_NS + "p"))
    ptext = ["".join(t.text or "" for t in p_.iter(W_NS + "t")) for p_ in paras]

    def ppr(i, path):
        return paras[i].find(W_NS + "pPr/" + path) if i is not None else None

    def find(pred):
        return next((i for i, t in enumerate(ptext) if pred(t)), None)
    i_mark, i_num = find(lambda t: t == "测试区教育局文件"), find(lambda t: "测教安〔2026〕" in t)
    i_title = find(lambda t: t.endswith("落实安全生产主体责任"))
    i_to = find(lambda t: t == "区安委办：")
    i_sig, i_date = find(lambda t: t == "测试区教育局"), None
    i_date = i_sig + 1 if i_sig is not None else None
    mark_run = paras[i_mark].find(W_NS + "r/" + W_NS + "rPr/" + W_NS + "color") if i_mark is not None else None
    heads = [i for i, t in enumerate(ptext) if re.match(r"^[一二三四五六]、", t)]
    date_ind = ppr(i_date, W_NS + "ind")
    gb = {
        "mark red": mark_run is not None and mark_run.get(W_NS + "val") == "FF0000",
        "number": i_num is not None and ("测教安〔2026〕%d号" % (5 + earlier)) in ptext[i_num]
        and "签发人：王某某" in ptext[i_num],
        "red line": i_num is not None and 'w:color="FF0000"' in ET.tostring(paras[i_num + 1]).decode().replace(
            "ns0:", "w:") if i_num is not None else False,
        "recipient after title": i_to is not None and i_title is not None and 1 <= i_to - i_title <= 3,
        "headings keep with next": len(heads) == 6 and all(ppr(i, W_NS + "keepNext") is not None for i in heads),
        "date 4 chars in from the right": date_ind is not None and date_ind.get(W_NS + "right") == "1264"
        and ppr(i_date, W_NS + "jc").get(W_NS + "val") == "right",
        "signature on a centre tab over the date": i_sig is not None and
        ppr(i_sig, W_NS + "tabs/" + W_NS + "tab").get(W_NS + "val") == "center",
        "note": any(t == "（联系人：张三，电话：12345678）" for t in ptext),
        "cc": any(t == "抄送：市教育局、区应急管理局。" for t in ptext),
        "printer and date": any(t.startswith("测试区教育局办公室") and t.endswith("日印发") for t in ptext),
        "odd/even footers outside": "evenAndOddHeaders" in settings and 'w:jc w:val="right"' in footers.get("default", "")
        and 'w:jc w:val="left"' in footers.get("even", "") and 'w:right="280"' in footers.get("default", "")
        and 'w:left="280"' in footers.get("even", "") and "PAGE" in footers.get("even", ""),
        "line grid": sect.find(W_NS + "docGrid").get(W_NS + "linePitch") == "579",
        "caption": any(t.startswith("图1") for t in ptext),
        "chart data embedded": "externalData" in chart_x and "Microsoft_Excel_Worksheet1.xlsx" in ctrels and bool(book),
    }
    if book:
        wb_ = openpyxl.load_workbook(io.BytesIO(book))
        rows_ = list(wb_.active.iter_rows(values_only=True))
        gb["embedded workbook holds the chart's points"] = [r_[0] for r_ in rows_[1:]] == ["2026年10月", "11月"] and \
            list(rows_[0][1:3]) == ["子项落实率", "隐患整改率"] and all(
            abs(r_[1 + k] - hand_trend[m][k]) < 1e-5 for m, r_ in enumerate(rows_[1:]) for k in range(2))
tap(r.returncode == 0 and gb and all(gb.values()),
    "the written risk report has every GB/T 9704 element from [document]: red issuing-body mark, 发文字号 with its"
    " sequence and 签发人, red line, 主送机关, headings kept with the next paragraph, 署名 over the date four characters"
    " in, 附注, 抄送 and 印发 lines, odd/even page numbers outside, the line grid, a captioned chart with its workbook",
    (r.stderr, [k for k, v in gb.items() if not v]))
if os.path.exists(os.path.join(ROOT, "..", "shared", "tools", "ooxml-validate")) and r.returncode == 0:
    v_ = subprocess.run([os.path.join(ROOT, "..", "shared", "tools", "ooxml-validate"), gb_out], capture_output=True,
                        text=True)
    tap(v_.returncode == 0, "the GB/T report with its embedded workbook passes ooxml-validate", v_.stdout[-400:])
validator = os.path.join(ROOT, "..", "shared", "tools", "ooxml-validate")
for label, f_, good in (("statistical tables", st_out, ok), ("written risk report", rr_out, ok_rr)):
    if os.path.exists(validator) and good:
        v = subprocess.run([validator, f_], capture_output=True, text=True)
        tap(v.returncode == 0, "the filled %s pass ooxml-validate" % label, v.stdout[-800:] + v.stderr[-400:])
    else:
        skip("the filled %s pass ooxml-validate" % label, "../shared/tools/ooxml-validate not present")
hz = rd.get("hazards", {})
tap(hz.get("found") == found and hz.get("rectified") == fixed and
    hz.get("rate_text") == "%.1f%%（%d/%d）" % (100.0 * fixed / found, fixed, found) and
    rd.get("progress_total", {}).get("inspections") == insp,
    "hazards found and rectified, and total inspections, equal the sums of the returns", (hz, found, fixed, insp))
tpl = os.path.join(TMP, "tpl.docx")
d = docx.Document()
d.add_paragraph("截至{{as_of_cn}}，应报{{units.expected}}家，已报{{units.returned}}家，整改率{{hazards.rate_text}}。")
t = d.add_table(rows=2, cols=3)
t.cell(0, 0).text, t.cell(0, 1).text, t.cell(0, 2).text = "单位", "状态", "电话"
t.cell(1, 0).text, t.cell(1, 1).text, t.cell(1, 2).text = "{{#not_returned}}{{name}}", "{{state_label}}", "{{phone}}{{/not_returned}}"
d.save(tpl)
outdoc = os.path.join(TMP, "filled.docx")
r = duty25(cfg, "report", "--period", "2026-11", "--template", tpl, "--out", outdoc)
ok = r.returncode == 0 and os.path.exists(outdoc)
if ok:
    back = docx.Document(outdoc)
    expected_n = len(hand_status("2026-11", LATE))
    returned = sum(1 for v in hand_status("2026-11", LATE).values() if v in ("on_time", "late"))
    line = back.paragraphs[0].text
    rows = [[c.text for c in row.cells] for row in back.tables[0].rows[1:]]
    missing = [c for c, v in hand_status("2026-11", LATE).items() if v == "missing"]
    ok = ("应报%d家，已报%d家" % (expected_n, returned)) in line and \
        sorted(r_[0] for r_ in rows) == sorted(UNITS[c]["name"] for c in missing) and \
        all(r_[1] == "未报" and r_[2] for r_ in rows)
tap(ok, "a template filled by report --template reads back (python-docx) with the hand-counted figures",
    (r.stderr, locals().get("line"), locals().get("rows")))

# Answers as stored equal what the generator wrote.
ok = True
diag = ""
for rel in ("2026-11/示范区实验小学-2026年11月-清单及推进情况.docx", "2026-10/示范区南山小学-2026年10月-清单.docx"):
    e = MANIFEST["files"].get(rel)
    if not e:
        continue
    rows = dict(q(db, "SELECT a.sub_item, a.status FROM answers a JOIN returns r ON r.id = a.return_id"
                      " WHERE r.file_name = ?", os.path.basename(rel)))
    if rows != e["checklist"]:
        ok, diag = False, (rel, sorted(set(rows.items()) ^ set(e["checklist"].items()))[:5])
tap(ok and rows, "each sub-item's stored status equals the generator's", diag)
e = MANIFEST["files"]["2026-11/示范区实验小学-2026年11月-清单及推进情况.docx"]
vals = dict(q(db, "SELECT v.field, coalesce(v.value, v.raw) FROM progress_values v JOIN returns r ON r.id = v.return_id"
                  " WHERE r.file_name = ?", "示范区实验小学-2026年11月-清单及推进情况.docx"))
want = {k: (int(v) if isinstance(v, bool) else v) for k, v in e["progress"].items()}
tap(vals == want, "each progress value stored equals the generator's", sorted(set(vals.items()) ^ set(want.items()))[:6])

# Data quality: exactly the anomalies the generator planted.
planted = sorted((e["unit"], c) for rel, e in MANIFEST["files"].items() if rel[:7] == "2026-11"
                 for c in e.get("quality", []))
flagged = sorted({(x["unit"], x["code"]) for x in st11.get("quality", [])})
tap(planted and flagged == planted, "quality warnings are exactly the planted anomalies %s" % planted, flagged)
w = q(db, "SELECT r.warnings, (SELECT count(*) FROM findings f WHERE f.return_id = r.id AND f.severity = 'warning')"
          " FROM returns r")
tap(all(a == b for a, b in w), "each return's warning count includes its quality warnings")

# ---- re-ingest: nothing changes ----
before = dump(db)
r = duty25(cfg, "ingest", inbox)
tap(r.returncode == 0 and sum(l.startswith("未变") for l in r.stdout.splitlines()) == nfiles,
    "re-ingesting the same folder reports every file 未变", r.stdout[-800:])
tap(dump(db) == before, "re-ingesting the same folder changes nothing (run log aside)", first_diff(before, dump(db)))
tap(q(db, "SELECT count(*) FROM runs WHERE outcome = 'ok'") == [(2,)], "both runs are logged")

# ---- a correction supersedes ----
fix = os.path.join(TMP, "fix")
os.makedirs(fix)
shutil.copyfile(os.path.join(SAMPLES, "flawed", "城西小学-2026年11月-无误.docx"), os.path.join(fix, "城西小学-更正.docx"))
stamp(os.path.join(fix, "城西小学-更正.docx"), "2026-11-26 08:00")
old_ids = [i for (i,) in q(db, "SELECT id FROM returns WHERE unit_code = 'SF-X003' AND period = '2026-11'")]
r = duty25(cfg, "ingest", fix)
new_id = q(db, "SELECT id FROM returns WHERE file_name = '城西小学-更正.docx'")
tap(r.returncode == 0 and r.stdout.startswith("更正"), "a corrected return is reported 更正", r.stdout + r.stderr)
sup = q(db, "SELECT superseded_by FROM returns WHERE unit_code = 'SF-X003' AND period = '2026-11' AND id != ?",
        new_id[0][0] if new_id else -1)
tap(old_ids and new_id and all(s == new_id[0] for s in sup) and len(sup) == len(old_ids),
    "the unit's earlier November returns are kept and marked superseded by it", (old_ids, new_id, sup))
cur = q(db, "SELECT return_id FROM current_returns WHERE unit_code = 'SF-X003' AND period = '2026-11'")
tap(cur and all(c == new_id[0] for c in cur), "the correction is what counts now", cur)
st = status(cfg, "2026-11")
x3 = [u for u in st.get("units", []) if u["code"] == "SF-X003"]
tap(x3 and x3[0]["state"] == "on_time", "a correction after the deadline keeps an on-time unit on time", x3)

# An older copy arriving later does not displace the newer one.
old = os.path.join(TMP, "old")
os.makedirs(old)
src = os.path.join(SAMPLES, "flawed", "城西小学-2026年11月-子项小改动.docx")
shutil.copyfile(src, os.path.join(old, "城西小学-早先.docx"))
stamp(os.path.join(old, "城西小学-早先.docx"), "2026-11-01 08:00")
r = duty25(cfg, "ingest", old)
cur2 = q(db, "SELECT return_id FROM current_returns WHERE unit_code = 'SF-X003' AND period = '2026-11'")
tap(r.stdout.startswith("过时") and cur2 == cur, "an older return found later is kept as 过时 and does not count",
    r.stdout + str(cur2))

# ---- forms in two files that contradict each other ----
# SF-P002 sent its checklist (Word) and progress table (Excel) apart; both
# say the duty report is posted (manifest).  A corrected checklist now says
# sub-item 1.4 (公示履职报告) is not done: the progress table's row 7 "是"
# contradicts it, which only the database can see.
xf = os.path.join(TMP, "cross")
os.makedirs(xf)
src = os.path.join(SAMPLES, "2026-11", "示范区书香艺术培训学校-2026年11月-清单.docx")
e_c = MANIFEST["files"]["2026-11/示范区书香艺术培训学校-2026年11月-清单.docx"]
e_p = MANIFEST["files"]["2026-11/示范区书香艺术培训学校-2026年11月-推进情况.xlsx"]
d = docx.Document(src)
edited = 0
for t in d.tables:
    col = None
    for row in t.rows:
        texts = [c.text for c in row.cells]
        if col is None and any("单位自查情况" in x for x in texts):
            col = next(i for i, x in enumerate(texts) if "单位自查情况" in x)
        elif col is not None and any("公示履职报告" in x for x in texts[:col]):
            cell = row.cells[col]
            for par in cell.paragraphs[1:]:
                par._element.getparent().remove(par._element)
            cell.paragraphs[0].text = "未落实，整改措施：本月内公示，时限12月10日"
            edited += 1
d.save(os.path.join(xf, "书香艺术-清单-更正.docx"))
stamp(os.path.join(xf, "书香艺术-清单-更正.docx"), "2026-11-22 09:00")
r = duty25(cfg, "ingest", xf)
st = status(cfg, "2026-11")
conf = [x for x in st.get("quality", []) if x["unit"] == "SF-P002" and x["code"] == "CROSS_CHECK_CONFLICT"]
tap(edited == 1 and e_c["checklist"]["1.4"] == "done" and e_p["progress"]["duty_report_posted"] is True and
    r.stdout.startswith("更正") and len(conf) == 1 and "1.4" in conf[0]["message"] and
    conf[0]["file"] == "示范区书香艺术培训学校-2026年11月-推进情况.xlsx",
    "a checklist and a progress table in different files that contradict each other are flagged",
    (edited, r.stdout, conf))

# ---- a unit whose only return is rejected ----
rej = os.path.join(TMP, "rej")
os.makedirs(rej)
d = docx.Document(os.path.join(SAMPLES, "flawed", "城西小学-2026年11月-自查为空.docx"))
n_repl = 0


def repl(par):
    global n_repl
    for run in par.runs:
        if "示范区城西小学" in run.text:
            run.text = run.text.replace("示范区城西小学", "示范区科创编程培训中心")
            n_repl += 1


for p in d.paragraphs:
    repl(p)
for t in d.tables:
    for row in t.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                repl(p)
d.save(os.path.join(rej, "科创编程-2026年11月.docx"))
stamp(os.path.join(rej, "科创编程-2026年11月.docx"), "2026-11-21 16:00")
shutil.copyfile(os.path.join(SAMPLES, "flawed", "2026年11月-单位名称有误.docx"), os.path.join(rej, "无名.docx"))
stamp(os.path.join(rej, "无名.docx"), "2026-11-21 16:05")
shutil.copyfile(os.path.join(SAMPLES, "flawed", "城西小学-2026年11月-损坏.docx"), os.path.join(rej, "损坏.docx"))
shutil.copyfile(os.path.join(SAMPLES, "flawed", "城西小学-2026年11月-旧版.doc"), os.path.join(rej, "旧版.doc"))
r = duty25(cfg, "ingest", rej)
tap(n_repl > 0 and r.returncode == 1 and sum(l.startswith("退回") for l in r.stdout.splitlines()) == 4,
    "four rejected returns (wrong content, unknown unit, corrupt zip, legacy .doc): exit 1, run completes",
    r.stdout + r.stderr)
st = status(cfg, "2026-11")
p6 = [u for u in st.get("units", []) if u["code"] == "SF-P006"]
tap(p6 and p6[0]["state"] == "rejected" and p6[0]["last_rejected_codes"],
    "a unit whose only return was rejected counts as rejected, not submitted", p6)
tap(st.get("rejected") == 1 and st.get("missing") == 2, "November totals move from missing to rejected",
    {k: st.get(k) for k in ("rejected", "missing")})
tap(any(u["file"] == "无名.docx" for u in st.get("unidentified", [])),
    "a rejected return with no identifiable unit is listed apart", st.get("unidentified"))
tap(q(db, "SELECT count(*) FROM findings f JOIN returns r ON r.id = f.return_id WHERE r.file_name = '旧版.doc'"
          " AND f.code = 'FILE_UNREADABLE'") == [(1,)], "the legacy .doc is kept with its finding")

# ---- registry changes are tracked; units with returns are never deleted ----
units2 = os.path.join(TMP, "units2.csv")
with open(os.path.join(ROOT, "config", "units.csv"), encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
hdr = rows[0]
rows = [r for r in rows if r[0] != "SF-Y008"]
for r_ in rows:
    if r_[0] == "SF-X001":
        r_[hdr.index("phone")] = "13800000000"
with open(units2, "w", encoding="utf-8", newline="") as f:
    csv.writer(f).writerows(rows)
cfg2, _ = write_config("main2", database=db, units=units2)
empty = os.path.join(TMP, "empty")
os.makedirs(empty)
r = duty25(cfg2, "ingest", empty)
ch = q(db, "SELECT code, field, old, new FROM unit_changes WHERE field != 'added'")
tap(("SF-X001", "phone", UNITS["SF-X001"]["phone"], "13800000000") in ch and ("SF-Y008", "in_registry", "1", "0") in ch,
    "a changed phone and a removed unit are logged", ch)
tap(q(db, "SELECT in_registry FROM units WHERE code = 'SF-Y008'") == [(0,)] and
    q(db, "SELECT count(*) FROM returns WHERE unit_code = 'SF-Y008'")[0][0] > 0,
    "the removed unit stays, with its returns")

# ---- the lock ----
cfg3, db3 = write_config("locked", lock_wait="0.5")
duty25(cfg3, "ingest", empty)
with open(db3 + ".lock", "a+") as lk:
    fcntl.flock(lk, fcntl.LOCK_EX)
    t0 = time.time()
    r = duty25(cfg3, "ingest", empty)
    waited = time.time() - t0
tap(r.returncode == 4 and "锁文件" in r.stderr and waited >= 0.4,
    "while another process holds the lock, ingest waits lock_wait and exits 4 with a clear message",
    (r.returncode, r.stderr, waited))

# ---- bad databases ----
bad = os.path.join(TMP, "bad.db")
open(bad, "wb").write(b"this is not a database" * 100)
cfgb, _ = write_config("bad", database=bad)
r = duty25(cfgb, "ingest", empty)
tap(r.returncode == 3 and "bad.db" in r.stderr, "a file that is not a database: exit 3 naming it", r.stderr)
newer = os.path.join(TMP, "newer.db")
shutil.copyfile(db3, newer)
c = sqlite3.connect(newer)
c.execute("PRAGMA user_version = 99")
c.commit()
c.close()
cfgn, _ = write_config("newer", database=newer)
r = duty25(cfgn, "ingest", empty)
tap(r.returncode == 3 and "更新版本" in r.stderr, "a database from a newer duty25 is refused, not damaged", r.stderr)
r = duty25(cfgn, "status", "--db", os.path.join(TMP, "nonexistent.db"))
tap(r.returncode == 2 and "ingest" in r.stderr, "status without a database says to ingest first (exit 2: a path that does not exist)", r.stderr)

# Version 7 had no unit_tokens (the links of duty25 serve): a version-7
# database gains the table on open, its content unchanged.
V6_SCHEMA = """
DROP TABLE unit_tokens;
PRAGMA user_version = 7;
"""
v6 = os.path.join(TMP, "v6.db")
shutil.copyfile(db, v6)
c = sqlite3.connect(v6)
c.executescript(V6_SCHEMA)
c.commit()
c.close()
v6_before = dump(v6)
r = duty25(cfg, "status", "--period", "2026-11", "--format", "json", "--db", v6)
tap(r.returncode == 0 and q(v6, "PRAGMA user_version") == [(LATEST,)] and dump(v6) == v6_before and
    q(v6, "SELECT count(*) FROM unit_tokens") == [(0,)] and q(v6, "PRAGMA integrity_check") == [("ok",)],
    "a version-7 database is migrated on open: unit_tokens added (empty), nothing else changed", r.stderr[-300:])

# Version 5 keyed units by code alone and returns by their bytes alone (no
# district, package or withdrawn mark), and had no packages.
V5_SCHEMA = V6_SCHEMA.replace("PRAGMA user_version = 7;", "") + """
DROP VIEW current_returns;
CREATE TABLE units_5 (code TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, area TEXT NOT NULL,
  flags TEXT NOT NULL DEFAULT '', aliases TEXT NOT NULL DEFAULT '', contact TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '', active_from TEXT, active_until TEXT,
  in_registry INTEGER NOT NULL DEFAULT 1 CHECK (in_registry IN (0, 1)), first_seen TEXT NOT NULL, changed TEXT NOT NULL);
INSERT INTO units_5 SELECT code, name, type, area, flags, aliases, contact, phone, active_from, active_until,
  in_registry, first_seen, changed FROM units;
CREATE TABLE unit_changes_5 (id INTEGER PRIMARY KEY, code TEXT NOT NULL REFERENCES units(code),
  run_id INTEGER REFERENCES runs(id), at TEXT NOT NULL, field TEXT NOT NULL, old TEXT, new TEXT);
INSERT INTO unit_changes_5 SELECT id, code, run_id, at, field, old, new FROM unit_changes;
CREATE TABLE returns_5 (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, file_name TEXT NOT NULL,
  path TEXT NOT NULL, size INTEGER NOT NULL, has_checklist INTEGER NOT NULL CHECK (has_checklist IN (0, 1)),
  has_progress INTEGER NOT NULL CHECK (has_progress IN (0, 1)), unit_code TEXT REFERENCES units(code),
  unit_written TEXT, period TEXT, period_from TEXT, report_date_written TEXT, reporter_written TEXT,
  phone_written TEXT, seal INTEGER NOT NULL DEFAULT 0, received TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')), errors INTEGER NOT NULL,
  warnings INTEGER NOT NULL, superseded_by INTEGER REFERENCES returns(id), run_id INTEGER REFERENCES runs(id),
  stored TEXT NOT NULL, received_source TEXT NOT NULL DEFAULT 'mtime'
  CHECK (received_source IN ('seen', 'mtime', 'mail', 'register')), file_mtime TEXT);
INSERT INTO returns_5 SELECT id, sha256, file_name, path, size, has_checklist, has_progress, unit_code, unit_written,
  period, period_from, report_date_written, reporter_written, phone_written, seal, received, verdict, errors, warnings,
  superseded_by, run_id, stored, received_source, file_mtime FROM returns;
DROP TABLE returns;
DROP TABLE unit_changes;
DROP TABLE units;
DROP TABLE packages;
ALTER TABLE units_5 RENAME TO units;
ALTER TABLE unit_changes_5 RENAME TO unit_changes;
ALTER TABLE returns_5 RENAME TO returns;
CREATE INDEX returns_period_unit ON returns(period, verdict, unit_code, received DESC, id DESC);
CREATE VIEW current_returns AS
 SELECT r.id AS return_id, r.unit_code, r.period, 'checklist' AS form, r.received FROM returns r
  WHERE r.verdict = 'accepted' AND r.has_checklist = 1 AND r.unit_code IS NOT NULL AND r.period IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM returns n WHERE n.period = r.period AND n.verdict = 'accepted'
   AND n.unit_code = r.unit_code AND n.has_checklist = 1
   AND (n.received > r.received OR (n.received = r.received AND n.id > r.id)))
 UNION ALL
 SELECT r.id, r.unit_code, r.period, 'progress', r.received FROM returns r
  WHERE r.verdict = 'accepted' AND r.has_progress = 1 AND r.unit_code IS NOT NULL AND r.period IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM returns n WHERE n.period = r.period AND n.verdict = 'accepted'
   AND n.unit_code = r.unit_code AND n.has_progress = 1
   AND (n.received > r.received OR (n.received = r.received AND n.id > r.id)));
PRAGMA user_version = 5;
"""
v5 = os.path.join(TMP, "v5.db")
shutil.copyfile(db, v5)
c = sqlite3.connect(v5)
c.executescript(V5_SCHEMA)
c.commit()
c.close()
v5_before = dump(v5)


def v5_view(d):
    """A dump without the columns version 6 added to returns."""
    d = dict(d)
    d["returns"] = {k: {c: v for c, v in r.items() if c not in ("district", "package_id", "withdrawn")}
                    for k, r in d["returns"].items()}
    return d


st6 = duty25(cfg, "status", "--period", "2026-11", "--format", "json")
r = duty25(cfg, "status", "--period", "2026-11", "--format", "json", "--db", v5)
strip = lambda t: re.sub(r'"as_of":"[^"]*"', "", t)  # noqa: E731
tap(r.returncode == 0 and q(v5, "PRAGMA user_version") == [(LATEST,)] and v5_view(dump(v5)) == v5_before and
    strip(r.stdout) == strip(st6.stdout) and
    q(v5, "SELECT count(*) FROM units WHERE district IS NOT NULL") == [(0,)] and
    q(v5, "PRAGMA foreign_key_check") == [] and q(v5, "PRAGMA integrity_check") == [("ok",)],
    "a version-5 database is migrated on open: its units, returns and changes kept (district NULL), the same status",
    [r.stderr[-300:], first_diff(v5_before, v5_view(dump(v5)))])

# Version 4 had no received_source, file_mtime, period_versions or reports_written.
V4_SCHEMA = V5_SCHEMA + """
ALTER TABLE returns DROP COLUMN received_source;
ALTER TABLE returns DROP COLUMN file_mtime;
DROP TABLE period_versions;
DROP TABLE reports_written;
PRAGMA user_version = 4;
"""
v4 = os.path.join(TMP, "v4.db")
shutil.copyfile(db, v4)
c = sqlite3.connect(v4)
c.executescript(V4_SCHEMA)
c.commit()
c.close()
r = duty25(cfg, "status", "--period", "2026-11", "--db", v4)
per_period = "SELECT period, count(*) FROM returns WHERE period IS NOT NULL GROUP BY period ORDER BY period"
tap(r.returncode == 0 and q(v4, "PRAGMA user_version") == [(LATEST,)] and
    q(v4, "SELECT period, version FROM period_versions ORDER BY period") == q(v4, per_period) and
    q(v4, "SELECT DISTINCT received_source FROM returns") == [("mtime",)] and
    q(v4, "SELECT count(*) FROM reports_written") == [(0,)],
    "a version-4 database is migrated on open: its returns' times taken as mtimes (the old default), each period's"
    " version its count of returns, no report written yet", r.stderr[-300:])

# Version 3 held the progress summary as JSON, [[field, value, raw, state], …].
V3_SUMMARIES = V4_SCHEMA + """
ALTER TABLE return_summaries RENAME COLUMN progress TO progress_json;
UPDATE return_summaries SET progress_json = (SELECT json_group_array(json_array(field, value, raw, state)) FROM
  (SELECT field, value, raw, state FROM progress_values WHERE return_id = return_summaries.return_id ORDER BY seq))
  WHERE progress_json IS NOT NULL;
PRAGMA user_version = 3;
"""
# A database made by schema version 3 (the progress summary as JSON) is
# migrated on open: every summary becomes, byte for byte, the one this
# version writes when it stores the return (text fields, invalid and
# missing blanks among the samples').
v3 = os.path.join(TMP, "v3.db")
shutil.copyfile(db, v3)
c = sqlite3.connect(v3)
c.executescript(V3_SUMMARIES)
v3_json = q(v3, "SELECT count(*) FROM return_summaries WHERE json_valid(progress_json) AND progress_json LIKE '[[%'")
# One more table, written by hand, with the states the samples' accepted
# returns do not have, and the separators in a text.
planted_id = c.execute("SELECT max(return_id) + 1000 FROM return_summaries").fetchone()[0]
c.execute("INSERT INTO return_summaries(return_id, statuses, progress_json) VALUES (?, NULL, ?)",
          (planted_id, json.dumps([["talks", 3, "3", "ok"], ["deploy_means", None, "行政会议\x1e全体\x1f会", "ok"],
                                   ["inspections", None, "十二次", "invalid"], ["posters", None, None, "missing"],
                                   ["hazards_found", None, None, "unlocated"]], ensure_ascii=False)))
c.commit()
c.close()
r = duty25(cfg, "status", "--period", "2026-11", "--db", v3)
planted = q(v3, "SELECT progress FROM return_summaries WHERE return_id = %d" % planted_id)
summaries = "SELECT return_id, statuses, progress FROM return_summaries WHERE return_id != %d ORDER BY return_id" % planted_id
tap(r.returncode == 0 and q(v3, "PRAGMA user_version") == [(LATEST,)] and v3_json[0][0] > 10 and
    q(v3, summaries) == q(db, summaries) and
    planted == [("talks\x1fo\x1f3\x1f\x1edeploy_means\x1fo\x1f\x1f行政会议 全体 会\x1einspections\x1fi\x1f\x1f\x1e"
                 "posters\x1fm\x1f\x1f\x1ehazards_found\x1fu\x1f\x1f",)],
    "a version-3 database is migrated on open: each progress summary as this version writes it (%s tables),"
    " and every state converted" % v3_json,
    (r.stderr[-300:], planted))

# A database made by schema version 2 (a row per checklist row and per
# progress blank, in tables) is migrated on open: its answers, values and
# findings read back the same, value for value and type for type.
V2_TABLES = V3_SUMMARIES + """
CREATE TABLE answers_v2 (
  return_id INTEGER NOT NULL REFERENCES returns(id), seq INTEGER NOT NULL, sub_item TEXT, text_written TEXT, raw TEXT,
  status TEXT NOT NULL CHECK (status IN ('none', 'done', 'partial', 'not_done', 'not_applicable')),
  remark TEXT, supervision TEXT, measure TEXT, deadline TEXT, place TEXT, PRIMARY KEY (return_id, seq)) WITHOUT ROWID;
INSERT INTO answers_v2 SELECT * FROM answers;
CREATE TABLE progress_values_v2 (
  return_id INTEGER NOT NULL REFERENCES returns(id), seq INTEGER NOT NULL, field TEXT NOT NULL, raw TEXT, value INTEGER,
  state TEXT NOT NULL CHECK (state IN ('ok', 'missing', 'invalid', 'unlocated')), place TEXT,
  PRIMARY KEY (return_id, seq)) WITHOUT ROWID;
INSERT INTO progress_values_v2 SELECT * FROM progress_values;
DROP VIEW answers;
DROP VIEW progress_values;
DROP TABLE return_details;
ALTER TABLE answers_v2 RENAME TO answers;
ALTER TABLE progress_values_v2 RENAME TO progress_values;
CREATE INDEX returns_unit_period ON returns(unit_code, period, verdict);
CREATE INDEX returns_period ON returns(period);
PRAGMA user_version = 2;
"""
v2 = os.path.join(TMP, "v2.db")
shutil.copyfile(db, v2)
c = sqlite3.connect(v2)
c.executescript(V2_TABLES)
c.commit()
v2_rows = q(v2, "SELECT count(*) FROM answers") + q(v2, "SELECT count(*) FROM progress_values")
c.close()
r = duty25(cfg, "status", "--period", "2026-11", "--db", v2)
before, after = dump(db), dump(v2)
tap(r.returncode == 0 and q(v2, "PRAGMA user_version") == [(LATEST,)] and v2_rows[0][0] > 100 and
    all(before[t] == after[t] and before[t] for t in ("answers", "progress_values")) and
    q(v2, "SELECT count(*) FROM answers WHERE typeof(seq) != 'integer'") == [(0,)] and
    q(v2, "SELECT typeof(value), count(*) FROM progress_values GROUP BY 1") ==
    q(db, "SELECT typeof(value), count(*) FROM progress_values GROUP BY 1") and
    q(v2, "PRAGMA integrity_check") == [("ok",)] and
    q(v2, "SELECT name FROM sqlite_master WHERE name IN ('returns_unit_period', 'returns_period')") == [],
    "a version-2 database is migrated on open: the same answers and values (%s rows), its redundant indexes gone"
    % v2_rows,
    r.stderr[-300:] + first_diff(before, after))

# A database made by the first schema (version 1: no per-return summaries,
# the window-function view, the version-2 tables) is migrated on open, and
# its month reads the same as the one stored by this version.
old = os.path.join(TMP, "v1.db")
shutil.copyfile(db, old)
c = sqlite3.connect(old)
c.executescript(V2_TABLES + """
DROP INDEX returns_period_unit;
DROP TABLE return_summaries;
DROP VIEW current_returns;
CREATE VIEW current_returns AS SELECT id AS return_id, unit_code, period, form, received FROM (
  SELECT id, unit_code, period, 'checklist' AS form, received,
   row_number() OVER (PARTITION BY unit_code, period ORDER BY received DESC, id DESC) AS rn
  FROM returns WHERE verdict = 'accepted' AND has_checklist = 1 AND unit_code IS NOT NULL AND period IS NOT NULL
  UNION ALL
  SELECT id, unit_code, period, 'progress' AS form, received,
   row_number() OVER (PARTITION BY unit_code, period ORDER BY received DESC, id DESC) AS rn
  FROM returns WHERE verdict = 'accepted' AND has_progress = 1 AND unit_code IS NOT NULL AND period IS NOT NULL
 ) WHERE rn = 1;
PRAGMA user_version = 1;
""")
c.commit()
c.close()
new_data = json.loads(duty25(cfg, "report", "--period", "2026-11", "--dump-data").stdout or "{}")
r = duty25(cfg, "report", "--period", "2026-11", "--dump-data", "--db", old)
old_data = json.loads(r.stdout or "{}")
for d_ in (new_data, old_data):
    d_.pop("as_of", None)
    d_.pop("as_of_cn", None)
tap(r.returncode == 0 and q(old, "PRAGMA user_version") == [(LATEST,)] and old_data == new_data and new_data.get("progress"),
    "a version-1 database is migrated on open and its month reads the same", r.stderr[-300:])

# ---- received time: the file's mtime, or the time of ingestion ----
recv = q(db, "SELECT received FROM returns WHERE file_name = '城西小学-更正.docx'")
tap(recv == [("2026-11-26 08:00:00",)], "received time is the file's modification time", recv)
cfgi, dbi = write_config("ingesttime", received_time="ingest")
r = duty25(cfgi, "ingest", fix)
got = q(dbi, "SELECT received FROM returns")
now = datetime.datetime.now()
tap(got and abs((datetime.datetime.strptime(got[0][0], "%Y-%m-%d %H:%M:%S") - now).total_seconds()) < 120,
    "received_time = ingest uses the time of ingestion", got)

# ---- many returns of one unit and month: each store rewrites the few that
# counted, not every earlier one (was quadratic: 2,000 returns took 33 s) ----
many = os.path.join(TMP, "many")
os.makedirs(many)
one = open(os.path.join(SAMPLES, "2026-11", "示范区实验小学-2026年11月-清单及推进情况.docx"), "rb").read()
assert one[-22:-18] == b"PK\x05\x06" and one[-2:] == b"\x00\x00"  # no zip comment yet
N_MANY = 300
for i in range(N_MANY):
    path = os.path.join(many, "实验小学-第%03d次.docx" % i)
    tag = b"copy %03d" % i  # a zip comment: the same return, other bytes
    with open(path, "wb") as f:
        f.write(one[:-2] + len(tag).to_bytes(2, "little") + tag)
    t = time.mktime((2026, 11, 1, 8, 0, 0, 0, 0, -1)) + 60 * i
    os.utime(path, (t, t))
cfgm, dbm = write_config("many")
duty25(cfgm, "ingest", empty)  # the schema
c = sqlite3.connect(dbm)
c.executescript("CREATE TABLE rewrites(n INTEGER); INSERT INTO rewrites VALUES (0);"
                "CREATE TRIGGER count_rewrites AFTER UPDATE OF superseded_by ON returns"
                " BEGIN UPDATE rewrites SET n = n + 1; END;")
c.commit()
c.close()
r = duty25(cfgm, "ingest", "-q", many)
rewrites = q(dbm, "SELECT n FROM rewrites")[0][0]
cur = q(dbm, "SELECT r.file_name FROM current_returns c JOIN returns r ON r.id = c.return_id")
chain_ok = q(dbm, "SELECT count(*) FROM returns WHERE superseded_by IS NULL") == [(1,)]
tap(r.returncode == 0 and rewrites <= 2 * N_MANY and cur == [("实验小学-第%03d次.docx" % (N_MANY - 1),)] * 2 and chain_ok,
    "%d returns of one unit and month: the newest counts, and storing them rewrote %d rows (at most two per return)"
    % (N_MANY, rewrites), (r.stderr[-300:], cur[:2]))

# ---- a reader needs no write access: status and report as another user ----
setpriv = shutil.which("setpriv")
if os.geteuid() != 0 or not setpriv:
    skip("status and report on a database the user may not write", "needs root and setpriv")
else:
    ro = tempfile.mkdtemp(prefix="d25ro")
    os.chmod(ro, 0o755)
    cfg_ro, db_ro = write_config("ro", database=os.path.join(ro, "duty25.db"))
    duty25(cfg_ro, "ingest", "-q", os.path.join(inbox, "2026-11"))
    out_ro = tempfile.mkdtemp(prefix="d25roout")
    os.chmod(out_ro, 0o777)
    with open(os.path.join(ro, "duty25.ini"), "w", encoding="utf-8") as f:  # TMP itself is private
        f.write(open(cfg_ro, encoding="utf-8").read() + "[report]\ntemplates = %s\n" % os.path.join(ROOT, "templates"))
    cfg_ro = os.path.join(ro, "duty25.ini")
    for f in os.listdir(ro):
        os.chmod(os.path.join(ro, f), 0o644)
    nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    before = open(os.path.join(ro, "duty25.db"), "rb").read()
    r1 = subprocess.run(nobody + [BIN, "--config", cfg_ro, "status", "--period", "2026-11", "--format", "json"],
                        capture_output=True, text=True, cwd="/")
    r2 = subprocess.run(nobody + [BIN, "--config", cfg_ro, "report", "--period", "2026-11", "--out", out_ro],
                        capture_output=True, text=True, cwd="/")
    st_ro = json.loads(r1.stdout) if r1.returncode == 0 else {}
    tap(r1.returncode == 0 and st_ro.get("late") == 2 and r2.returncode == 0 and len(os.listdir(out_ro)) == 3 and
        open(os.path.join(ro, "duty25.db"), "rb").read() == before,
        "status and report read a database in a folder the user may not write (opened read-only, nothing written)",
        (r1.stderr[-300:], r2.stderr[-300:]))
    shutil.rmtree(ro, ignore_errors=True)
    shutil.rmtree(out_ro, ignore_errors=True)

# ---- crash and concurrency, on a larger folder ----
big = os.path.join(TMP, "big")
os.makedirs(big)
src11 = sorted(n for n in os.listdir(os.path.join(SAMPLES, "2026-11")) if not n.startswith("收件登记"))
k = 0
for copy in range(8):
    for name in src11:
        dst = os.path.join(big, "%02d-%s" % (copy, name))
        shutil.copyfile(os.path.join(SAMPLES, "2026-11", name), dst)
        with zipfile.ZipFile(dst, "a") as z:  # other bytes, same content
            z.comment = ("copy %d" % copy).encode()
        stamp(dst, "2026-11-%02d 09:%02d" % (10 + copy, k % 60))
        k += 1
ref_cfg, ref_db = write_config("reference")
r = duty25(ref_cfg, "ingest", "-q", big)
ref = dump(ref_db)
tap(r.returncode == 0 and len(ref["returns"]) == k, "reference ingest of %d files" % k, r.stdout[-500:] + r.stderr)
sup_n = sum(1 for x in ref["returns"].values() if x["superseded_by"])
tap(sup_n == 7 * len(src11), "each of the 8 copies but the newest is superseded (%d)" % (7 * len(src11)), sup_n)

kill_cfg, kill_db = write_config("killed")
killed_at = None
for attempt in range(3):
    for f_ in (kill_db, kill_db + "-wal", kill_db + "-shm"):
        if os.path.exists(f_):
            os.remove(f_)
    p = subprocess.Popen([BIN, "--config", kill_cfg, "ingest", "-q", big], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    n_in = 0
    while time.time() < deadline and p.poll() is None:
        try:
            n_in = q(kill_db, "SELECT count(*) FROM returns")[0][0]
        except sqlite3.Error:
            n_in = 0
        if n_in >= 20 * (attempt + 1):
            break
        time.sleep(0.01)
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
        p.wait()
        killed_at = q(kill_db, "SELECT count(*) FROM returns")[0][0]
        if killed_at < k:
            break
    killed_at = None
if killed_at is None:
    skip("SIGKILL in the middle of an ingest", "the ingest finished before it could be killed")
else:
    tap(q(kill_db, "PRAGMA integrity_check") == [("ok",)], "after SIGKILL (at %d of %d): integrity_check ok" % (killed_at, k))
    r = duty25(kill_cfg, "ingest", "-q", big)
    got = dump(kill_db)
    tap(r.returncode == 0 and got == ref, "re-run after SIGKILL: same returns, answers and findings as an uninterrupted run",
        first_diff(ref, got))

conc_cfg, conc_db = write_config("concurrent")
ps = [subprocess.Popen([BIN, "--config", conc_cfg, "ingest", "-q", big], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True) for _ in range(2)]
outs = [p.communicate() for p in ps]
codes = sorted(p.returncode for p in ps)
tap(codes in ([0, 0], [0, 4]), "two concurrent ingests: one waits (then finds nothing new) or gives up with exit 4",
    (codes, [o[1][-300:] for o in outs]))
got = dump(conc_db)
tap(got == ref, "two concurrent ingests leave the same database as one", first_diff(ref, got))
tap(q(conc_db, "PRAGMA integrity_check") == [("ok",)], "integrity_check ok after concurrent ingests")

# ---- reports read while returns are being stored ----
# Every part of a report comes from one snapshot, though the progress tables
# are parsed on a second connection: while an ingest stores a district's
# returns (both forms each), each report's progress table has exactly the
# units its submissions count as returned.
dist = os.path.join(TMP, "district")
subprocess.run([sys.executable, os.path.join(ROOT, "tests", "bench", "district.py"), "400", dist], check=True,
               stdout=subprocess.DEVNULL)
mid_cfg, mid_db = write_config("midway", units=os.path.join(dist, "units.csv"))
p = subprocess.Popen([BIN, "--config", mid_cfg, "ingest", "-q", "--period", "2026-11", os.path.join(dist, "returns")],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
reads, bad = 0, []
while p.poll() is None:
    r = duty25(mid_cfg, "report", "--period", "2026-11", "--dump-data")
    if r.returncode != 0:
        continue  # no database yet
    d_ = json.loads(r.stdout)
    returned = sorted(s_["code"] for s_ in d_["submissions"] if s_["state"] in ("on_time", "late"))
    reads += 1
    if sorted(x["code"] for x in d_["progress"]) != returned:
        bad.append((len(d_["progress"]), len(returned)))
p.wait()
tap(p.returncode == 0 and reads >= 2 and not bad,
    "reports read while an ingest runs agree with themselves: the progress table has the units returned (%d reports)"
    % reads, bad[:5])

shutil.rmtree(TMP, ignore_errors=True)
done()
