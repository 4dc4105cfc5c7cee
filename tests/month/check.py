#!/usr/bin/python3
"""The whole month as the bureau runs it (issue 6), in a temporary folder:

  duty25 init -> duty25 forms (blank forms out) -> units fill them in
  (python-docx / openpyxl, some through LibreOffice; two flawed, one late,
  one silent) -> duty25 run twice (the second a no-op) -> the notices for
  the flawed returns -> corrected returns in -> duty25 run again.

Expectations come from the plan below and from the rule set and registry
read here with configparser and csv, never from duty25's own output: which
units are on time, late, rejected or missing; which sub-items are
pre-filled 不适用; the district totals of the progress table.

    tests/month/check.py build/duty25
"""
import configparser
import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import tap, skip, done  # noqa: E402

import docx  # noqa: E402
import openpyxl  # noqa: E402
import formlayout  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build/duty25"))
VALIDATE = os.path.join(ROOT, "../shared/tools/ooxml-validate")
PERIOD, PCN = "2026-12", "2026年12月"
ON_TIME = time.mktime((2026, 12, 20, 10, 0, 0, 0, 0, -1))
LATE = time.mktime((2026, 12, 28, 10, 0, 0, 0, 0, -1))
CORRECTED = time.mktime((2026, 12, 29, 9, 0, 0, 0, 0, -1))

# ---- the rule set and the registry, read independently ----
ini = configparser.ConfigParser(interpolation=None, comment_prefixes=(";", "#"), inline_comment_prefixes=None)
ini.optionxform = str
ini.read(os.path.join(ROOT, "config/rules-education.ini"), encoding="utf-8")
ITEMS = {int(s[5:]): ini[s] for s in ini.sections() if re.fullmatch(r"item\.\d+", s)}
SUBS = []  # (code, item, applies) in rule order
for s in ini.sections():
    m = re.fullmatch(r"(\d+)\.(\d+)", s)
    if m:
        it = int(m.group(1))
        SUBS.append((s, it, ini[s].get("applies", ITEMS[it].get("applies", "all"))))
SUBS.sort(key=lambda t: (t[1], int(t[0].split(".")[1])))
PROWS = [ini["progress.%d" % i]["text"] for i in range(1, 100) if ini.has_section("progress.%d" % i)]


def cn(n):
    d = "零一二三四五六七八九"
    return d[n] if n < 10 else (d[n // 10] if n >= 20 else "") + "十" + (d[n % 10] if n % 10 else "")


# The checklist's category and item labels as the forms print them.
DUTY_LABELS = ["%s、%s" % (cn(int(s[5:])), ini[s]["name"]) for s in ini.sections() if re.fullmatch(r"duty\.\d+", s)]
ITEM_LABELS = ["（%s）%s" % (cn(n), it["name"]) for n, it in ITEMS.items()]
CROSS = {ini[s]["item"] for s in ini.sections() if s.startswith("cross.")}

with open(os.path.join(ROOT, "config/units.csv"), encoding="utf-8-sig") as f:
    UNITS = [u for u in csv.DictReader(f)
             if (not u["active_from"] or u["active_from"] <= PERIOD) and (not u["active_until"] or u["active_until"] >= PERIOD)]


def applies(expr, unit):
    if expr == "all":
        return True
    flags = unit["flags"].split(";") if unit["flags"] else []
    return any((k == "type" and unit["type"] == v) or (k == "flag" and v in flags)
               for k, v in (p.split(":") for p in expr.split("|")))


# ---- the plan ----
# Units by position: the first three send XLSX, the rest DOCX; unit 4 and 5
# go through LibreOffice; FLAW_STATUS leaves a self-check empty, FLAW_COUNT
# rectifies more hazards than it found; LATE_UNIT sends after the 25th;
# SILENT sends nothing.
codes = [u["code"] for u in UNITS]
FLAW_STATUS, FLAW_COUNT, LATE_UNIT, SILENT = codes[6], codes[7], codes[8], codes[9]
XLSX_UNITS = set(codes[:3]) | {FLAW_COUNT}
LO_UNITS = set(codes[4:6]) | {codes[2]}  # two DOCX units and one XLSX unit


def values_for(i, unit):
    found = 5 + i % 7
    v = {}
    for row in PROWS:
        for name, kind in re.findall(r"\{(\w+):(\w+)\}", row):
            v[name] = {"yesno": "是", "havenot": "有", "month": "12", "day": "3", "text": "教职工大会"}.get(kind, str(i + 2))
    v["hazards_found"] = str(found)
    v["hazards_rectified"] = str(found - (i % 3 == 0))
    v["inspections"] = str(20 + i)
    if unit["code"] == FLAW_COUNT:
        v["hazards_rectified"] = str(found + 4)
    return v


def statuses_for(i, unit):
    """code -> what the unit writes, for the sub-items that apply to it."""
    out = {}
    for k, (code, _, expr) in enumerate(SUBS):
        if not applies(expr, unit):
            continue
        st = "已落实"
        if code not in CROSS and (i + k) % 17 == 0:
            st = "未落实，正在整改"
        elif code not in CROSS and (i + k) % 11 == 0:
            st = "部分落实"
        out[code] = st
    return out


BLANK = re.compile(r"＿＿（是／否）|＿＿（有／无）|＿＿")


def fill_progress_text(form_text, template, values):
    names = [n for n, _ in re.findall(r"\{(\w+):(\w+)\}", template)]
    it = iter(names)

    def rep(m):
        name = next(it)
        return values[name] + m.group(0)[2:]
    return BLANK.sub(rep, form_text)


def fill_signature(t, unit):
    t = t.replace("填报人：＿＿＿＿", "填报人：" + unit["contact"]).replace("联系电话：＿＿＿＿＿＿", "联系电话：" + unit["phone"])
    return t.replace("＿＿日", "20日")


def set_para(p, t):
    if p.text != t:
        p.runs[0].text = t
        for r in p.runs[1:]:
            r.text = ""


def fill_docx_checklist(path, statuses, empty_one=False):
    d = docx.Document(path)
    todo = [c for c in statuses]
    for table in d.tables:
        for row in table.rows[1:]:
            cells = row.cells
            if len(cells) == 7 and not cells[5].text and todo:
                code = todo.pop(0)
                if empty_one and code == list(statuses)[2]:
                    continue
                cells[5].text = statuses[code]
    for p in d.paragraphs:
        if "＿" in p.text:
            set_para(p, fill_signature(p.text, UNIT))
    d.save(path)
    return not todo


def fill_docx_progress(path, values):
    d = docx.Document(path)
    rows = [r for r in d.tables[0].rows[1:]]
    for row, tmpl in zip(rows, PROWS):
        p = row.cells[1].paragraphs[0]
        set_para(p, fill_progress_text(p.text, tmpl, values))
    for p in d.paragraphs:
        if "＿" in p.text:
            set_para(p, fill_signature(p.text, UNIT))
    d.save(path)


def fill_xlsx(path, statuses, values, unit):
    wb = openpyxl.load_workbook(path)
    ws = wb["清单"]
    todo = list(statuses)
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, 3).value and not ws.cell(r, 3).value.endswith("：") and not ws.cell(r, 6).value and todo:
            ws.cell(r, 6).value = statuses[todo.pop(0)]
    ws2 = wb["推进情况"]
    k = 0
    for r in range(4, ws2.max_row + 1):
        if isinstance(ws2.cell(r, 1).value, (int, float)) and ws2.cell(r, 2).value:
            ws2.cell(r, 2).value = fill_progress_text(ws2.cell(r, 2).value, PROWS[k], values)
            k += 1
    for w in (ws, ws2):
        for row in w.iter_rows():
            for c in row:
                label = {"填报人：": unit["contact"], "联系电话：": unit["phone"], "填报时间：": "2026年12月20日"}.get(c.value)
                if label:
                    w.cell(c.row, c.column + 1).value = label
    wb.save(path)
    return not todo


def lo_roundtrip(path):
    ext = os.path.splitext(path)[1][1:]
    filt = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}[ext]
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in." + ext)
        shutil.copy(path, src)
        subprocess.run(["soffice", "-env:UserInstallation=file://" + tmp + "/profile", "--headless", "--convert-to", filt,
                        "--outdir", tmp + "/out", src], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=180)
        shutil.copy(os.path.join(tmp, "out", "in." + ext), path)


def duty25(args, cwd):
    return subprocess.run([BIN] + args, cwd=cwd, capture_output=True, text=True, timeout=600)


def docx_text(path):
    d = docx.Document(path)
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.append("|".join(c.text for c in row.cells))
    return "\n".join(parts)


W = tempfile.mkdtemp(prefix="d25month")
try:
    # ---- init ----
    r = duty25(["init", "--district", "示范区", W], ROOT)
    made = sorted(os.listdir(W))
    tap(r.returncode == 0 and made == ["config", "data", "inbox", "out", "templates"]
        and os.path.exists(os.path.join(W, "config/duty25.ini"))
        and os.path.exists(os.path.join(W, "templates/表样-清单.docx")), "init makes the working folder", r.stderr + str(made))
    with open(os.path.join(W, "config/duty25.ini"), encoding="utf-8") as f:
        conf = f.read()
    keys = re.findall(r"^(\w+)\s*=", conf, re.M)
    undocumented = [k for k in keys if not re.search(r";[^\n]*\n(;[^\n]*\n)*" + k + r"\s*=", conf)]
    tap(not undocumented, "every setting in the working folder's config has a comment above it", undocumented)
    r2 = duty25(["init", W], ROOT)
    tap(r2.returncode == 2 and "未作任何改动" in r2.stderr, "init refuses a folder that has a config", r2.stderr)
    # This office saves each return into the inbox as it arrives, so it
    # trusts the files' times (set below to when each unit "sent" it).
    assert "received_time = seen" in conf
    with open(os.path.join(W, "config/duty25.ini"), "w", encoding="utf-8") as f:
        f.write(conf.replace("received_time = seen", "received_time = mtime"))

    # ---- forms out ----
    r = duty25(["forms", "--period", PERIOD], W)
    fdir = os.path.join(W, "out", "表样-" + PERIOD)
    files = sorted(os.listdir(fdir)) if os.path.isdir(fdir) else []
    tap(r.returncode == 0 and len(files) == 3 * len(UNITS), "forms writes 2 DOCX and 1 XLSX for each of the %d units" % len(UNITS),
        r.stderr + " %d files" % len(files))
    u0 = UNITS[0]
    cl = docx.Document(os.path.join(fdir, "%s-%s-清单.docx" % (u0["name"], PCN)))
    rows = cl.tables[0].rows[1:]
    na = [rw.cells[5].text for rw in rows]
    want_na = ["" if applies(expr, u0) else "不适用" for _, _, expr in SUBS]
    tap(len(rows) == len(SUBS) and na == want_na,
        "the checklist form has one row per sub-item, 不适用 pre-filled exactly where the rules say", "%d rows, %d subs" % (len(rows), len(SUBS)))
    text = docx_text(os.path.join(fdir, "%s-%s-清单.docx" % (u0["name"], PCN)))
    tap(u0["name"] in text and u0["area"] in text and PCN in text and "2026年12月25日" in text,
        "the form names the unit, its area, the period and the deadline")
    wb = openpyxl.load_workbook(os.path.join(fdir, "%s-%s.xlsx" % (u0["name"], PCN)))
    tap(wb.sheetnames == ["清单", "推进情况"] and wb["清单"].data_validations.dataValidation
        and sum(1 for r_ in range(4, wb["清单"].max_row + 1)
                if wb["清单"].cell(r_, 3).value and not wb["清单"].cell(r_, 3).value.endswith("：")) == len(SUBS),
        "the XLSX form has both sheets, the sub-items and a status list")
    if os.path.exists(VALIDATE):
        bad = [f for f in files[:6] if subprocess.run([VALIDATE, os.path.join(fdir, f)], capture_output=True).returncode]
        tap(not bad, "blank forms pass ooxml-validate", bad)
    else:
        skip("blank forms pass ooxml-validate", "../shared/tools absent")
    # ---- how the blank forms print (issue 19) ----
    cl_path = os.path.join(fdir, "%s-%s-清单.docx" % (u0["name"], PCN))
    pg_path = os.path.join(fdir, "%s-%s-推进情况.docx" % (u0["name"], PCN))
    xl_path = os.path.join(fdir, "%s-%s.xlsx" % (u0["name"], PCN))
    bad = formlayout.checklist_xml(cl_path)
    tap(not bad, "the checklist's rows never break (cantSplit), its header repeats (tblHeader), each item's block "
        "of rows is kept together and starts with its category and item, the note and signature are kept with the "
        "last row", bad)
    bad = formlayout.progress_xml(pg_path)
    tap(not bad, "the progress form's rows, note and signature are kept together", bad)
    ptext = docx_text(pg_path)
    title = "示范区" + ini["edition"]["progress_heading"]
    tap(title in ptext and "武进区" not in ptext
        and "武进区" not in "".join(str(c.value or "") for row in openpyxl.load_workbook(xl_path)["推进情况"].iter_rows()
                                  for c in row),
        "the progress form names the configured district (示范区) and no other (武进区 of the seed's row 3)")
    n_sub_rows = 3 + len(SUBS)
    bad = formlayout.xlsx_heights(xl_path, "清单", 4, n_sub_rows) + formlayout.xlsx_heights(xl_path, "推进情况", 4, 3 + len(PROWS))
    tap(not bad, "the workbook's rows are as high as their wrapped text (both sheets)", bad)
    if formlayout.have_tools():
        with tempfile.TemporaryDirectory() as pdfdir:
            cl_pdf, pg_pdf = formlayout.to_pdf([cl_path, pg_path], pdfdir)
            pages, bad = formlayout.checklist_pdf(cl_path, cl_pdf, DUTY_LABELS, ITEM_LABELS)
            sig = [i for i, pg in enumerate(formlayout.pdf_pages(cl_pdf)) if "填报单位" in pg]
            last_sub = re.sub(r"\s+", "", ini[SUBS[-1][0]]["text"])[:8]
            if not sig or last_sub not in re.sub(r"\s+", "", formlayout.pdf_pages(cl_pdf)[sig[0]]):
                bad.append("the signature (page %s) is not on the page of the table's last row" % sig)
            tap(pages > 1 and not bad, "printed, every page of the checklist (%d) shows whole category and item labels, "
                "never a fragment of a merged cell, and the signature is on the last row's page" % pages, bad)
            tap(formlayout.title_one_line(pg_pdf, title), "printed, the progress form's title is on one line",
                formlayout.pdf_pages(pg_pdf)[0][:400])
    else:
        for name in ("printed checklist pages and signature", "printed progress title"):
            skip(name, "soffice or pdftotext absent")
    r = duty25(["validate", "--period", PERIOD, os.path.join(fdir, "%s-%s-清单.docx" % (u0["name"], PCN))], W)
    tap(r.returncode == 1 and r.stdout.count("STATUS_EMPTY") == sum(1 for x in want_na if not x),
        "an unfilled form is rejected with one STATUS_EMPTY per applicable sub-item", r.stdout[-400:])

    # ---- the units fill them in ----
    inbox = os.path.join(W, "inbox")
    plan = {}
    have_lo = shutil.which("soffice") is not None
    for i, u in enumerate(UNITS):
        UNIT = u
        if u["code"] == SILENT:
            plan[u["code"]] = "missing"
            continue
        st, vals = statuses_for(i, u), values_for(i, u)
        base = "%s-%s" % (u["name"], PCN)
        if u["code"] in XLSX_UNITS:
            dst = os.path.join(inbox, base + ".xlsx")
            shutil.copy(os.path.join(fdir, base + ".xlsx"), dst)
            fill_xlsx(dst, st, vals, u)
            made = [dst]
        else:
            made = []
            for suffix in ("清单", "推进情况"):
                dst = os.path.join(inbox, "%s-%s.docx" % (base, suffix))
                shutil.copy(os.path.join(fdir, "%s-%s.docx" % (base, suffix)), dst)
                made.append(dst)
            fill_docx_checklist(made[0], st, empty_one=u["code"] == FLAW_STATUS)
            fill_docx_progress(made[1], vals)
        if u["code"] in LO_UNITS and have_lo:
            for m in made:
                lo_roundtrip(m)
        for m in made:
            os.utime(m, (LATE, LATE) if u["code"] == LATE_UNIT else (ON_TIME, ON_TIME))
        plan[u["code"]] = {FLAW_STATUS: "incomplete", FLAW_COUNT: "rejected", LATE_UNIT: "late"}.get(u["code"], "on_time")
    if not have_lo:
        skip("returns saved by LibreOffice", "soffice absent")

    # A return on the seed's own form, whose row 3 names 《武进区教育系统…》,
    # is read as one on the blank form that leaves the district out.
    u3 = next(u for u in UNITS if u["code"] == codes[3])
    with tempfile.TemporaryDirectory() as tmp:
        ours = os.path.join(tmp, "%s-%s-推进情况.docx" % (u3["name"], PCN))
        seeds = os.path.join(tmp, "%s-%s-推进情况-原表.docx" % (u3["name"], PCN))
        shutil.copy(os.path.join(inbox, os.path.basename(ours)), ours)
        d = docx.Document(ours)
        quoted = [p for row in d.tables[0].rows for p in row.cells[1].paragraphs if "《教育系统落实" in p.text]
        for p in quoted:
            set_para(p, p.text.replace("《教育系统落实", "《武进区教育系统落实"))
        d.save(seeds)
        r = duty25(["validate", "--format", "json", "--answers", "--period", PERIOD, ours, seeds], W)
        res = json.loads(r.stdout)["files"] if r.stdout.startswith("{") else []
        prog = [f.get("answers", {}).get("progress") for f in res]
        tap(len(quoted) == 1 and len(prog) == 2 and prog[0] == prog[1] and prog[0].get("checklist_done") is not None
            and [f["verdict"] for f in res] == ["accepted", "accepted"],
            "row 3 is read alike with or without the seed's 武进区 (checklist_done)", r.stdout[-600:] + r.stderr)

    # ---- run, twice ----
    r = duty25(["run", "--period", PERIOD], W)
    out = os.path.join(W, "out")
    report = os.path.join(out, "示范区%s书面风险报告.docx" % PCN)
    tables = os.path.join(out, "示范区%s统计表.docx" % PCN)
    status_txt = os.path.join(out, "示范区%s报送情况.txt" % PCN)
    tap(r.returncode == 1 and r.stderr == "" and len(r.stdout.splitlines()) == 1
        and "2 份报表被退回" in r.stdout and "退回通知在" in r.stdout,
        "run exits 1 with one line for cron when returns were rejected",
        "rc %d out %r err %r" % (r.returncode, r.stdout[:300], r.stderr[:300]))
    tap(all(os.path.exists(p) for p in (report, tables, status_txt, os.path.join(out, "示范区%s统计表.xlsx" % PCN))),
        "run writes the status, the report and the tables")
    st = json.loads(duty25(["status", "--period", PERIOD, "--format", "json"], W).stdout)
    got = {u["code"]: u["state"] for u in st["units"]}
    tap(got == plan, "every unit's state is what happened", ["%s: got %s, want %s" % (c, got.get(c), plan[c])
                                                             for c in plan if got.get(c) != plan[c]])
    fb = os.path.join(out, "退回通知", PERIOD)
    notices = sorted(f for f in os.listdir(fb) if f.endswith("-退回通知.docx")) if os.path.isdir(fb) else []
    flawed_names = {UNITS[codes.index(FLAW_STATUS)]["name"], UNITS[codes.index(FLAW_COUNT)]["name"]}
    tap(len(notices) == 2 and {n.split("-")[0] for n in notices} == flawed_names,
        "a notice for each flawed return, and none for the others", notices)
    with open(os.path.join(W, "data/duty25.log"), encoding="utf-8") as f:
        log = f.read()
    nfiles = sum(len(fs) for _, _, fs in os.walk(inbox))
    tap(log.count("新收　") + log.count("退回　") == nfiles and "结束　duty25 run %s，退出码 1" % PERIOD in log,
        "the log has one line per file and the run's end", log[-500:])
    db = sqlite3.connect(os.path.join(W, "data/duty25.db"))
    before = db.execute("select count(*), max(id) from returns").fetchone()
    mtimes = {n: os.path.getmtime(os.path.join(fb, n)) for n in notices}
    time.sleep(1.1)
    r = duty25(["run", "--period", PERIOD], W)
    after = db.execute("select count(*), max(id) from returns").fetchone()
    tap(r.returncode == 0 and r.stdout == "" and r.stderr == "" and before == after and mtimes == {n: os.path.getmtime(os.path.join(fb, n)) for n in notices},
        "a second run is a silent no-op: nothing stored, no notice rewritten", "rc %d %s %s %s" % (r.returncode, before, after, r.stderr))
    tap(os.path.isdir(inbox) and sum(len(fs) for _, _, fs in os.walk(inbox)) == nfiles,
        "no file is moved or deleted without [run] archive")

    # ---- the notices ----
    ncl = [n for n in notices if n.startswith(UNITS[codes.index(FLAW_STATUS)]["name"])][0]
    t = docx_text(os.path.join(fb, ncl))
    tap(UNITS[codes.index(FLAW_STATUS)]["name"] + "：" in t and "单位自查情况为空" in t and "第" in t and "行" in t
        and "于2026年12月25日前" in t, "the notice names the unit, the empty cell's place, the fix and the deadline", t[:600])
    ncn = [n for n in notices if n.startswith(UNITS[codes.index(FLAW_COUNT)]["name"])][0]
    t = docx_text(os.path.join(fb, ncn))
    tap("已完成整改条数" in t and "发现隐患条数" in t, "the count notice names both fields", t[:600])
    lst = docx_text(os.path.join(fb, "退回清单.docx"))
    tap(all(UNITS[codes.index(c)]["phone"] in lst for c in (FLAW_STATUS, FLAW_COUNT)),
        "the office's list has both units with their phone numbers", lst[:400])
    if os.path.exists(VALIDATE):
        bad = [n for n in notices + ["退回清单.docx"] if subprocess.run([VALIDATE, os.path.join(fb, n)], capture_output=True).returncode]
        tap(not bad, "the notices pass ooxml-validate", bad)

    # ---- corrected returns ----
    for code in (FLAW_STATUS, FLAW_COUNT):
        i = codes.index(code)
        u = UNIT = UNITS[i]
        base = "%s-%s" % (u["name"], PCN)
        vals = values_for(i, u)
        vals["hazards_rectified"] = vals["hazards_found"]
        if code in XLSX_UNITS:
            dst = os.path.join(inbox, base + "-更正.xlsx")
            shutil.copy(os.path.join(fdir, base + ".xlsx"), dst)
            fill_xlsx(dst, statuses_for(i, u), vals, u)
        else:
            dst = os.path.join(inbox, base + "-清单-更正.docx")
            shutil.copy(os.path.join(fdir, base + "-清单.docx"), dst)
            fill_docx_checklist(dst, statuses_for(i, u))
        os.utime(dst, (CORRECTED, CORRECTED))
        plan[code] = "late"
    r = duty25(["run", "--period", PERIOD, "-v"], W)
    tap(r.returncode == 0 and "新收" in r.stdout and "已写出" in r.stdout, "run -v after the corrections lists what it did",
        r.stdout[-400:] + r.stderr)
    st = json.loads(duty25(["status", "--period", PERIOD, "--format", "json"], W).stdout)
    got = {u["code"]: u["state"] for u in st["units"]}
    tap(got == plan, "corrected after the 25th: the two units are late, the rest unchanged",
        ["%s: got %s, want %s" % (c, got.get(c), plan[c]) for c in plan if got.get(c) != plan[c]])

    # ---- a second run while one holds the lock ----
    import fcntl
    with open(os.path.join(W, "data/duty25.db.lock"), "a") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        with open(os.path.join(W, "config/duty25.ini"), encoding="utf-8") as f:
            conf = f.read()
        fast = os.path.join(W, "config/fast.ini")
        with open(fast, "w", encoding="utf-8") as f:
            f.write(conf.replace("lock_wait = 5", "lock_wait = 0"))
        r = duty25(["--config", fast, "run", "--period", PERIOD], W)
        fcntl.flock(lk, fcntl.LOCK_UN)
    tap(r.returncode == 4 and "duty25" in r.stderr and r.stdout == "",
        "a run while another holds the database: exit 4 with a message", "rc %d %r" % (r.returncode, r.stderr))

    # ---- the report shows what happened ----
    d = docx.Document(tables)
    sub = {row.cells[1].text: row.cells[4].text for row in d.tables[0].rows[1:]}
    label = {"on_time": "按时", "late": "逾期", "missing": "未报", "rejected": "退回", "incomplete": "缺表"}
    want = {u["name"]: label[plan[u["code"]]] for u in UNITS}
    tap(sub == want, "the submission table: one row per unit with what happened",
        ["%s: %s / %s" % (k, sub.get(k), want[k]) for k in want if sub.get(k) != want[k]])
    returned = sum(1 for c in plan if plan[c] in ("on_time", "late"))
    found = sum(int(values_for(i, u)["hazards_found"]) for i, u in enumerate(UNITS) if u["code"] != SILENT)
    rect = sum(int(values_for(i, u)["hazards_rectified"]) for i, u in enumerate(UNITS)
               if u["code"] not in (SILENT, FLAW_COUNT)) + int(values_for(codes.index(FLAW_COUNT), UNITS[codes.index(FLAW_COUNT)])["hazards_found"])
    total = [row for row in d.tables[2].rows if row.cells[1].text == "全区合计"]
    tap(total and total[0].cells[6].text == str(found) and total[0].cells[7].text == str(rect),
        "the progress total row equals the sum of what the units wrote (%d found, %d rectified)" % (found, rect),
        [c.text for c in total[0].cells] if total else "no total row")
    t = docx_text(report)
    tap("应报送单位%d家，已报送%d家" % (len(UNITS), returned) in t, "the written report says how many returned",
        re.findall(r"应报送单位.{0,30}", t))
    # ---- archive, when the config asks ----
    with open(os.path.join(W, "config/duty25.ini"), encoding="utf-8") as f:
        conf = f.read()
    arch = os.path.join(W, "config/archive.ini")
    with open(arch, "w", encoding="utf-8") as f:
        f.write(re.sub(r"^archive =.*$", "archive = ../archive", conf, flags=re.M))
    before = sorted(os.listdir(inbox))
    r = duty25(["--config", arch, "run", "--period", PERIOD], W)
    moved = sorted(os.listdir(os.path.join(W, "archive", PERIOD))) if os.path.isdir(os.path.join(W, "archive", PERIOD)) else []
    tap(r.returncode == 0 and os.listdir(inbox) == [] and moved == before,
        "with [run] archive, every processed return moves into archive/YYYY-MM/", "rc %d left %s moved %d of %d %s"
        % (r.returncode, os.listdir(inbox)[:3], len(moved), len(before), r.stderr))
    st2 = json.loads(duty25(["status", "--period", PERIOD, "--format", "json"], W).stdout)
    tap({u["code"]: u["state"] for u in st2["units"]} == plan, "archiving changes no unit's state")
finally:
    if os.environ.get("D25_KEEP"):
        print("# kept " + W)
    else:
        shutil.rmtree(W, ignore_errors=True)
done()
