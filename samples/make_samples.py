#!/usr/bin/python3
"""Write the sample returns of the fictional 示范区 with independent writers
(python-docx, openpyxl; some then saved through LibreOffice headless), and a
manifest of what each file is meant to be (samples/expected.json): the unit,
the period, the verdict and, for the flawed returns, the finding codes a
correct validator must report.  The manifest comes from what this script
wrote, never from duty25's output.

    /usr/bin/python3 samples/make_samples.py            # writes samples/
    /usr/bin/python3 samples/make_samples.py OUTDIR [--no-libreoffice]

Layout:
  samples/2026-10/, samples/2026-11/   one or two files per unit and month,
                                       DOCX and XLSX mixed, laid out like
                                       Attachments 1 and 3 of seed 000
  samples/flawed/                      one return per kind of finding
  samples/expected.json                the manifest

The rule set (config/rules-education.ini) and the registry (config/units.csv)
supply the sub-item texts and the units, as the bureau's blank forms would.
"""
import configparser
import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import docx
import openpyxl
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Cm
from openpyxl.styles import Alignment

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
args = [a for a in sys.argv[1:] if not a.startswith("--")]
OUT = args[0] if args else HERE
USE_LO = "--no-libreoffice" not in sys.argv and shutil.which("soffice") is not None

CN_NUM = "零一二三四五六七八九十"


def cn(n):
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + (CN_NUM[n - 10] if n > 10 else "")
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


# ---- the rule set and the registry ----

ini = configparser.ConfigParser(interpolation=None, comment_prefixes=(";", "#"), inline_comment_prefixes=None,
                                strict=True)
ini.optionxform = str
with open(os.path.join(ROOT, "config", "rules-education.ini"), encoding="utf-8") as f:
    ini.read_file(f)

DUTIES = {int(s[5:]): ini[s]["name"] for s in ini.sections() if s.startswith("duty.")}
ITEMS = {int(s[5:]): dict(ini[s]) for s in ini.sections() if s.startswith("item.")}
SUBS = []
for s in ini.sections():
    m = re.fullmatch(r"(\d+)\.(\d+)", s)
    if m:
        SUBS.append({"item": int(m.group(1)), "sub": int(m.group(2)), "code": s, "text": ini[s]["text"],
                     "basis": ini[s].get("basis", ""), "penalty": ini[s].get("penalty", ""),
                     "applies": ini[s].get("applies", ITEMS[int(m.group(1))].get("applies", "all"))})
PROGRESS = [ini[s]["text"] for s in sorted((s for s in ini.sections() if s.startswith("progress.")),
                                             key=lambda s: int(s.split(".")[1]))]

with open(os.path.join(ROOT, "config", "units.csv"), encoding="utf-8-sig", newline="") as f:
    UNITS = list(csv.DictReader(f))


def applies(expr, unit):
    if expr == "all":
        return True
    flags = unit["flags"].split(";") if unit["flags"] else []
    for part in expr.split("|"):
        kind, val = part.split(":")
        if kind == "type" and unit["type"] == val:
            return True
        if kind == "flag" and val in flags:
            return True
    return False


def active(unit, period):
    p = period[:7]
    return (not unit["active_from"] or unit["active_from"][:7] <= p) and \
        (not unit["active_until"] or p <= unit["active_until"][:7])


# ---- answers ----

DONE_WORDS = ["已落实", "已落实", "已落实", "已落实，见台账", "是", "√", "已完成", "已建立并执行"]
PARTIAL_WORDS = ["部分落实，整改中，12月底前完成", "部分落实，正在完善台账", "基本落实，个别岗位待补"]
NOT_DONE_WORDS = ["未落实，整改措施：本月内制定并公示，时限{m}月30日", "未落实，已列入整改计划，下月完成"]
NA_WORDS = ["不适用", "不涉及", "无此项", "／"]


def answers(unit, period, rng):
    """Self-check status per sub-item code: (status, words)."""
    month = int(period[5:7])
    p_done = 0.80 if month == 10 else 0.90
    out = {}
    for s in SUBS:
        if not applies(s["applies"], unit):
            out[s["code"]] = ("not_applicable", rng.choice(NA_WORDS))
            continue
        x = rng.random()
        if x < p_done:
            out[s["code"]] = ("done", rng.choice(DONE_WORDS))
        elif x < p_done + (1 - p_done) * 0.6:
            out[s["code"]] = ("partial", rng.choice(PARTIAL_WORDS))
        else:
            out[s["code"]] = ("not_done", rng.choice(NOT_DONE_WORDS).format(m=month))
    return out


COUNT_FIELDS = ("problems", "targeted_checks", "guard_measures", "practices", "talks", "head_talks",
                "brochures", "posters", "essay_contests", "inspections")


def progress_values(unit, period, rng, ans, prev=None):
    """Attachment 3's answers.  Counts are cumulative since the campaign
    began: with prev (the unit's previous month), this month's activity is
    added to it."""
    month = int(period[5:7])
    found = rng.randint(0, 12)
    monthly = {
        "problems": rng.randint(0, 5), "targeted_checks": rng.randint(1, 8),
        "guard_measures": rng.randint(0, 4), "practices": rng.randint(0, 3),
        "talks": rng.randint(1, 4), "head_talks": rng.randint(1, 3),
        "brochures": rng.randint(0, 200), "posters": rng.randint(0, 20),
        "essay_contests": rng.randint(0, 2), "inspections": rng.randint(2, 20),
    }
    rectified = rng.randint(0, found)
    if prev:
        for k in COUNT_FIELDS:
            monthly[k] += int(prev[k])
        open_before = int(prev["hazards_found"]) - int(prev["hazards_rectified"])
        rectified = int(prev["hazards_rectified"]) + rng.randint(0, open_before + found)
        found += int(prev["hazards_found"])
    v = {
        "plan_made": "是", "deploy_month": str(month), "deploy_day": str(rng.randint(1, 20)),
        "deploy_means": rng.choice(["教职工大会", "行政会议", "安全工作专题会", "全体员工会议"]),
        "checklist_done": "是" if month == 11 else rng.choice(["是", "否"]),
        "results_summarised": rng.choice(["有", "无"]),
        # The progress answers agree with the checklist (cross-checks).
        "duty_report_posted": "是" if ans["1.4"][0] == "done" else "否",
        "commitment_posted": "是" if ans["2.4"][0] == "done" else "否",
        "checklist_posted": rng.choice(["是", "否"]),
        "hazards_found": str(found), "hazards_rectified": str(rectified),
    }
    v.update({k: str(n) for k, n in monthly.items()})
    return v


# Implausible counts planted in November, each with the warning duty25's
# quality pass should give (README: Data quality).  Unit -> (field, value, code).
ANOMALIES = {
    "2026-11": {
        "SF-X001": ("inspections", "3000", "OUTLIER_PEERS"),   # zeros typed twice
        "SF-X005": ("talks", "0", "COUNT_DECREASED"),          # this month's figure (none), not the total
    },
}
PREVIOUS = {}


def fill_template(template, values, style, rng):
    """The sentence with its blanks filled the way people do it."""
    def rep(m):
        name, kind = m.group(1), m.group(2)
        val = values[name]
        if kind in ("yesno", "havenot"):
            opts = ("是", "否") if kind == "yesno" else ("有", "无")
            if style == "choice":  # keep the word, delete the other one
                return "（%s）" % val
            return " %s （%s／%s）" % (val, opts[0], opts[1])
        if style == "fullwidth" and val.isdigit():
            val = val.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return " %s " % val if style != "underline" else "＿%s＿" % val
    return re.sub(r"\{(\w+):(\w+)\}", rep, template)


# ---- writers ----

def set_font(run, name="仿宋_GB2312", size=12):
    run.font.size = Pt(size)
    run.font.name = name
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def para(d, text, font="仿宋_GB2312", size=12):
    p = d.add_paragraph()
    set_font(p.add_run(text), font, size)
    return p


def period_cn(period):
    return "%d年%d月" % (int(period[:4]), int(period[5:7]))


def signature_text(unit, period, day, phone=True):
    s = "填报单位（盖章）：%s        填报人：%s        " % (unit["name"], unit["contact"])
    # phone=False: the form has the field, left empty
    s += "联系电话：%s        " % (unit["phone"] if phone else "＿＿＿＿＿＿")
    return s + "填报时间：%s%d日" % (period_cn(period), day)


def checklist_rows(ans, order=None, numbering="seed", edit=None, drop=(), extra=()):
    rows = []
    subs = [s for s in SUBS if s["code"] not in drop]
    if order == "reverse-within-items":
        subs = sorted(subs, key=lambda s: (s["item"], -s["sub"]))
    for s in subs:
        text = s["text"]
        if edit and s["code"] in edit:
            text = edit[s["code"]]
        num = "%d.%d " % (s["item"], s["sub"]) if numbering == "code" else "%d." % s["sub"]
        if s["item"] == 25:
            num = "" if numbering == "seed" else num
        rows.append({"duty": ITEMS[s["item"]]["duty"], "item": s["item"], "code": s["code"],
                     "text": num + text, "basis": s["basis"], "penalty": s["penalty"],
                     "self": ans[s["code"]][1] if s["code"] in ans else ""})
    for e in extra:
        rows.append(e)
    return rows


def docx_checklist_table(d, rows, supervision=None, with_law=True):
    headers = ["类别", "", "内容"] + (["依据", "罚则"] if with_law else []) + ["单位自查情况", "监督检查情况"]
    ncols = len(headers)
    t = d.add_table(rows=1 + len(rows), cols=ncols)
    t.style = "Table Grid"
    for i, h in enumerate(headers):
        t.cell(0, i).text = h
    t.cell(0, 0).merge(t.cell(0, 1)).text = "类别"
    self_col = ncols - 2
    for r, row in enumerate(rows, start=1):
        t.cell(r, 2).text = row["text"]
        if with_law:
            t.cell(r, 3).text = row["basis"]
            t.cell(r, 4).text = row["penalty"]
        t.cell(r, self_col).text = row["self"]
        if supervision and row.get("code") in supervision:
            t.cell(r, ncols - 1).text = supervision[row["code"]]
    # merged category and item cells, as Attachment 1 prints them
    start = 1
    for r in range(1, len(rows) + 2):
        if r == len(rows) + 1 or rows[r - 1]["item"] != rows[start - 1]["item"]:
            it = rows[start - 1]["item"]
            if isinstance(it, int) and it in ITEMS:
                c = t.cell(start, 1).merge(t.cell(r - 1, 1)) if r - 1 > start else t.cell(start, 1)
                c.text = "（%s）%s" % (cn(it), ITEMS[it]["name"])
            start = r
    start = 1
    for r in range(1, len(rows) + 2):
        if r == len(rows) + 1 or rows[r - 1]["duty"] != rows[start - 1]["duty"]:
            du = rows[start - 1]["duty"]
            c = t.cell(start, 0).merge(t.cell(r - 1, 0)) if r - 1 > start else t.cell(start, 0)
            if str(du).isdigit():
                c.text = "%s、%s" % (cn(int(du)), DUTIES[int(du)])
            start = r
    return t


def docx_progress_table(d, values, style, rng, drop_rows=(), raw_rows=None):
    t = d.add_table(rows=1, cols=3)
    t.style = "Table Grid"
    for i, h in enumerate(["序号", "推进情况", "备注"]):
        t.rows[0].cells[i].text = h
    n = 0
    for i, tmpl in enumerate(PROGRESS, start=1):
        if i in drop_rows:
            continue
        n += 1
        cells = t.add_row().cells
        cells[0].text = str(i)
        text = raw_rows[i] if raw_rows and i in raw_rows else fill_template(tmpl, values, style, rng)
        cells[1].text = text
        cells[2].text = "／" if i == 8 else ""
    return t


def strike_fill(template, values):
    """Runs for a sentence whose choices are made by striking the other word."""
    runs = []
    pos = 0
    for m in re.finditer(r"\{(\w+):(\w+)\}", template):
        runs.append((template[pos:m.start()], False))
        name, kind = m.group(1), m.group(2)
        val = values[name]
        if kind in ("yesno", "havenot"):
            a, b = ("是", "否") if kind == "yesno" else ("有", "无")
            runs += [("  （", False), (a, val != a), ("／", False), (b, val != b), ("）", False)]
        else:
            runs.append(("  %s  " % val, False))
        pos = m.end()
    runs.append((template[pos:], False))
    return runs


def docx_progress_table_strike(d, values):
    t = d.add_table(rows=1, cols=3)
    t.style = "Table Grid"
    for i, h in enumerate(["序号", "推进情况", "备注"]):
        t.rows[0].cells[i].text = h
    for i, tmpl in enumerate(PROGRESS, start=1):
        cells = t.add_row().cells
        cells[0].text = str(i)
        p = cells[1].paragraphs[0]
        for text, struck in strike_fill(tmpl, values):
            r = p.add_run(text)
            r.font.strike = struck
        cells[2].text = "／" if i == 8 else ""
    return t


def new_doc():
    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "仿宋_GB2312"
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = sec.page_height, sec.page_width
    return d


def write_docx(path, unit, period, ans=None, values=None, style="plain", rng=None, day=20, phone=True,
               title_period=True, checklist_kw=None, progress_kw=None, supervision=None, with_law=True,
               sign=True, strike=False):
    d = new_doc()
    if ans is not None:
        para(d, "附件1", "黑体", 16)
        para(d, "示范区教育系统落实企业主体责任百日攻坚六大责任25条内容清单", "方正小标宋简体", 18)
        if title_period:
            para(d, "填报月份：%s" % period_cn(period))
        docx_checklist_table(d, checklist_rows(ans, **(checklist_kw or {})), supervision=supervision,
                             with_law=with_law)
    if values is not None:
        if ans is not None:
            d.add_page_break()
        para(d, "附件3", "黑体", 16)
        para(d, "示范区教育系统落实企业安全生产主体责任百日攻坚行动推进情况统计表", "方正小标宋简体", 18)
        if title_period and ans is None:
            para(d, "（%s）" % period_cn(period))
        if strike:
            docx_progress_table_strike(d, values)
        else:
            docx_progress_table(d, values, style, rng, **(progress_kw or {}))
    para(d, "")
    if sign:
        para(d, signature_text(unit, period, day, phone))
    d.save(path)


def xlsx_checklist_sheet(ws, rows, period, measure_cols=False, header_row=3, supervision=None):
    ws["A1"] = "示范区教育系统落实企业主体责任百日攻坚六大责任25条内容清单"
    ws["A2"] = "填报月份：%s" % period_cn(period)
    headers = ["类别", "条目", "内容", "依据", "罚则", "单位自查情况"]
    if measure_cols:
        headers += ["整改措施", "整改时限"]
    headers += ["监督检查情况"]
    for i, h in enumerate(headers, start=1):
        ws.cell(row=header_row, column=i, value=h)
    r0 = header_row + 1
    for k, row in enumerate(rows):
        r = r0 + k
        ws.cell(row=r, column=3, value=row["text"])
        ws.cell(row=r, column=4, value=row["basis"] or None)
        ws.cell(row=r, column=5, value=row["penalty"] or None)
        ws.cell(row=r, column=6, value=row["self"] or None)
        if measure_cols:
            ws.cell(row=r, column=7, value=row.get("measure") or None)
            ws.cell(row=r, column=8, value=row.get("deadline") or None)
        if supervision and row.get("code") in supervision:
            ws.cell(row=r, column=len(headers), value=supervision[row["code"]])
    # merge category (A) and item (B) cells over their rows
    for col, keyf, label in ((1, "duty", lambda v: "%s、%s" % (cn(int(v)), DUTIES[int(v)])),
                             (2, "item", lambda v: "（%s）%s" % (cn(v), ITEMS[v]["name"]))):
        start = 0
        for k in range(1, len(rows) + 1):
            if k == len(rows) or rows[k][keyf] != rows[start][keyf]:
                v = rows[start][keyf]
                ok = (col == 1 and str(v).isdigit()) or (col == 2 and isinstance(v, int) and v in ITEMS)
                if ok:
                    ws.cell(row=r0 + start, column=col, value=label(v))
                    if k - 1 > start:
                        ws.merge_cells(start_row=r0 + start, start_column=col, end_row=r0 + k - 1, end_column=col)
                start = k
    for row in ws.iter_rows(min_row=r0):
        row[2].alignment = Alignment(wrap_text=True)
    ws.column_dimensions["C"].width = 60
    ws.column_dimensions["F"].width = 30
    return r0 + len(rows)


def xlsx_progress_sheet(ws, values, style, rng, period, drop_rows=(), raw_rows=None):
    ws["A1"] = "示范区教育系统落实企业安全生产主体责任百日攻坚行动推进情况统计表"
    ws.merge_cells("A1:C1")
    ws["A2"] = "填报月份：%s" % period_cn(period)
    ws.append(["序号", "推进情况", "备注"])
    for i, tmpl in enumerate(PROGRESS, start=1):
        if i in drop_rows:
            continue
        text = raw_rows[i] if raw_rows and i in raw_rows else fill_template(tmpl, values, style, rng)
        ws.append([i, text, "／" if i == 8 else None])
    for row in ws.iter_rows(min_row=4):
        row[1].alignment = Alignment(wrap_text=True)
    ws.column_dimensions["B"].width = 90
    return ws.max_row


def write_xlsx(path, unit, period, ans=None, values=None, style="plain", rng=None, day=20, phone=True,
               checklist_kw=None, progress_kw=None, measure_cols=False, supervision=None, sign=True,
               measures=None):
    wb = openpyxl.Workbook()
    first = True
    if ans is not None:
        ws = wb.active
        ws.title = "清单"
        first = False
        rows = checklist_rows(ans, **(checklist_kw or {}))
        for row in rows:
            if measures and row.get("code") in measures:
                row["measure"], row["deadline"] = measures[row["code"]]
        last = xlsx_checklist_sheet(ws, rows, period, measure_cols=measure_cols, supervision=supervision)
        if sign:
            ws.cell(row=last + 2, column=1, value="填报单位（盖章）：%s" % unit["name"])
            ws.cell(row=last + 2, column=4, value="填报人：%s" % unit["contact"])
            ws.cell(row=last + 2, column=6, value="联系电话：%s" % (unit["phone"] if phone else ""))
            ws.cell(row=last + 2, column=8, value="填报时间：%s%d日" % (period_cn(period), day))
    if values is not None:
        ws = wb.active if first else wb.create_sheet()
        ws.title = "推进情况"
        last = xlsx_progress_sheet(ws, values, style, rng, period, **(progress_kw or {}))
        if sign:
            ws.cell(row=last + 2, column=1, value="填报单位（盖章）：")
            ws.cell(row=last + 2, column=2, value="%s    填报人：%s    %s填报时间：%s%d日" % (
                unit["name"], unit["contact"], "联系电话：%s    " % (unit["phone"] if phone else "＿＿＿＿"),
                period_cn(period), day))
    wb.save(path)


def libreoffice_roundtrip(path):
    """Open and save the file in LibreOffice (as a unit using it would)."""
    if not USE_LO:
        return False
    ext = os.path.splitext(path)[1][1:]
    filt = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}[ext]
    with tempfile.TemporaryDirectory() as tmp:
        profile = "file://" + os.path.join(tmp, "profile")
        src = os.path.join(tmp, "in." + ext)
        shutil.copy(path, src)
        outdir = os.path.join(tmp, "out")
        subprocess.run(["soffice", "-env:UserInstallation=" + profile, "--headless", "--convert-to", filt,
                        "--outdir", outdir, src], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=180)
        shutil.copy(os.path.join(outdir, "in." + ext), path)
    return True


# ---- the two months ----

MANIFEST = {"files": {}}


def progress_answers(values):
    """The progress values as a reader should report them."""
    out = {}
    for tmpl in PROGRESS:
        for name, kind in re.findall(r"\{(\w+):(\w+)\}", tmpl):
            v = values[name]
            out[name] = v in ("是", "有") if kind in ("yesno", "havenot") else int(v) if kind != "text" else v
    return out


def expect(path, unit, period, verdict="accepted", codes=(), forms=(), note="", findings=None, ans=None,
           values=None, quality=(), period_arg=True):
    rel = os.path.relpath(path, OUT)
    MANIFEST["files"][rel] = {"unit": unit["code"] if unit else None, "period": period, "verdict": verdict,
                              "codes": sorted(set(codes)), "forms": sorted(forms), "note": note}
    if not period_arg:  # validated without --period (which would give the month)
        MANIFEST["files"][rel]["period_arg"] = False
    if findings:
        MANIFEST["files"][rel]["findings"] = findings
    if ans is not None:
        MANIFEST["files"][rel]["checklist"] = {c: st for c, (st, _) in ans.items()}
    if values is not None:
        MANIFEST["files"][rel]["progress"] = progress_answers(values)
    if quality:
        MANIFEST["files"][rel]["quality"] = sorted(quality)


def month_returns(period, silent):
    os.makedirs(os.path.join(OUT, period), exist_ok=True)
    rng = random.Random("duty25-" + period)
    written = 0
    for k, unit in enumerate(UNITS):
        if not active(unit, period) or unit["code"] in silent:
            continue
        urng = random.Random("%s-%s" % (unit["code"], period))
        ans = answers(unit, period, urng)
        values = progress_values(unit, period, urng, ans, PREVIOUS.get(unit["code"]))
        PREVIOUS[unit["code"]] = dict(values)
        quality = []
        if unit["code"] in ANOMALIES.get(period, {}):
            field, value, code = ANOMALIES[period][unit["code"]]
            values[field] = value
            quality = [code]
        style = ["plain", "choice", "underline", "fullwidth"][k % 4]
        day = urng.randint(10, 24)
        base = os.path.join(OUT, period, "%s-%s" % (unit["name"], period_cn(period)))
        layout = k % 5
        if layout == 0:  # one Word file with both forms
            p = base + "-清单及推进情况.docx"
            write_docx(p, unit, period, ans, values, style, urng, day)
            expect(p, unit, period, forms=("checklist", "progress"), ans=ans, values=values, quality=quality)
        elif layout == 1:  # Word checklist, Excel progress table
            p1, p2 = base + "-清单.docx", base + "-推进情况.xlsx"
            write_docx(p1, unit, period, ans, None, day=day,
                       checklist_kw={"numbering": "code"} if k % 2 else None)
            write_xlsx(p2, unit, period, None, values, style, urng, day)
            expect(p1, unit, period, forms=("checklist",), ans=ans)
            expect(p2, unit, period, forms=("progress",), values=values, quality=quality)
        elif layout == 2:  # one Excel workbook, two sheets
            p = base + ".xlsx"
            write_xlsx(p, unit, period, ans, values, style, urng, day)
            expect(p, unit, period, forms=("checklist", "progress"), ans=ans, values=values, quality=quality)
        elif layout == 3:  # Excel checklist (with measure columns), Word progress (struck choices)
            p1, p2 = base + "-清单.xlsx", base + "-推进情况.docx"
            measures = {c: ("制定整改方案，明确责任人", "%d年12月31日" % int(period[:4]))
                        for c, (st, _) in ans.items() if st in ("partial", "not_done")}
            write_xlsx(p1, unit, period, ans, None, day=day, measure_cols=True, measures=measures)
            write_docx(p2, unit, period, None, values, day=day, strike=True)
            expect(p1, unit, period, forms=("checklist",), ans=ans)
            expect(p2, unit, period, forms=("progress",), values=values, quality=quality, note="choices made by striking the other word")
        else:  # Word, both forms, rows in another order, no 依据/罚则 columns
            p = base + "-清单及推进情况.docx"
            write_docx(p, unit, period, ans, values, style, urng, day, with_law=False,
                       checklist_kw={"order": "reverse-within-items"})
            expect(p, unit, period, forms=("checklist", "progress"), ans=ans, values=values, quality=quality,
                   note="rows reordered, no basis/penalty columns")
        written += 1
    return written


def roundtrip_some():
    """Save a few returns through LibreOffice, as units using it would send them."""
    if not USE_LO:
        return []
    done = []
    for period in ("2026-10", "2026-11"):
        names = sorted(os.listdir(os.path.join(OUT, period)))
        picks = [n for n in names if n.endswith(".docx")][:2] + [n for n in names if n.endswith(".xlsx")][:2]
        for n in picks:
            p = os.path.join(OUT, period, n)
            libreoffice_roundtrip(p)
            MANIFEST["files"][os.path.relpath(p, OUT)]["note"] += " (saved by LibreOffice)"
            done.append(p)
    return done


# ---- flawed returns: one per kind of finding ----

def unit_by(code):
    return next(u for u in UNITS if u["code"] == code)


def flawed():
    d = os.path.join(OUT, "flawed")
    os.makedirs(d, exist_ok=True)
    P = "2026-11"
    u = unit_by("SF-X003")  # 城西小学: outsourcing only, no lab, no boarding
    rng = random.Random("flawed")

    def clean_ans(unit):
        a = {}
        for s in SUBS:
            a[s["code"]] = ("done", "已落实") if applies(s["applies"], unit) else ("not_applicable", "不适用")
        return a

    def clean_values(a):
        return progress_values(u, P, random.Random("fv"), a, PREVIOUS.get(u["code"]))

    def path(name):
        return os.path.join(d, name)

    a = clean_ans(u)
    v = clean_values(a)

    # A clean return first: the baseline every flawed one differs from in one way.
    p = path("城西小学-2026年11月-无误.docx")
    write_docx(p, u, P, a, v, "plain", rng)
    expect(p, u, P, forms=("checklist", "progress"), note="baseline, no findings")

    # FILE_UNREADABLE: a truncated file and a legacy .doc
    src = open(p, "rb").read()
    p2 = path("城西小学-2026年11月-损坏.docx")
    open(p2, "wb").write(src[: len(src) // 2])
    expect(p2, None, None, "rejected", ["FILE_UNREADABLE"], findings=[{"code": "FILE_UNREADABLE", "place": ""}])
    p2 = path("城西小学-2026年11月-旧版.doc")
    open(p2, "wb").write(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + b"WordDocument" + b"\0" * 500)
    expect(p2, None, None, "rejected", ["FILE_UNREADABLE"], findings=[{"code": "FILE_UNREADABLE", "place": ""}])

    # FORM_NOT_FOUND: a Word file with some other table
    p2 = path("城西小学-2026年11月-其他表格.docx")
    doc = new_doc()
    para(doc, "教职工安全培训签到表")
    t = doc.add_table(rows=3, cols=3)
    for i, h in enumerate(["姓名", "部门", "签到"]):
        t.cell(0, i).text = h
    doc.save(p2)
    expect(p2, None, None, "rejected", ["FORM_NOT_FOUND"], findings=[{"code": "FORM_NOT_FOUND", "place": ""}])

    # UNIT_MISSING: no 填报单位 and a file name naming no unit
    p2 = path("2026年11月-无单位.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "推进情况"
    last = xlsx_progress_sheet(ws, v, "plain", rng, P)
    ws.cell(row=last + 2, column=2, value="填报人：%s    联系电话：%s    填报时间：2026年11月20日" % (u["contact"], u["phone"]))
    wb.save(p2)
    expect(p2, None, P, "rejected", ["UNIT_MISSING", "SIGNATURE_INCOMPLETE"], forms=("progress",),
           findings=[{"code": "UNIT_MISSING", "place": ""}, {"code": "SIGNATURE_INCOMPLETE", "place": ""}])

    # UNIT_UNKNOWN: a misspelt unit name (the suggestion must name the real one)
    bad = dict(u, name="示范区城西小校")
    p2 = path("2026年11月-单位名称有误.docx")
    write_docx(p2, bad, P, None, v, "plain", rng)
    expect(p2, None, P, "rejected", ["UNIT_UNKNOWN"], forms=("progress",),
           findings=[{"code": "UNIT_UNKNOWN", "message_contains": "示范区城西小学", "place": "第5段"}])

    # UNIT_INACTIVE: 小太阳幼儿园 closed after October
    y8 = unit_by("SF-Y008")
    a8 = clean_ans(y8)
    p2 = path("小太阳幼儿园-2026年11月-已停用.docx")
    write_docx(p2, y8, P, None, progress_values(y8, P, random.Random("y8"), a8), "plain", rng)
    expect(p2, y8, P, "rejected", ["UNIT_INACTIVE"], forms=("progress",),
           findings=[{"code": "UNIT_INACTIVE", "place": ""}])

    # PERIOD_MISSING: no month in the title, the file name or the date (and no
    # --period saying which month the office is collecting)
    p2 = path("城西小学-推进情况-无月份.docx")
    doc = new_doc()
    para(doc, "示范区教育系统落实企业安全生产主体责任百日攻坚行动推进情况统计表")
    docx_progress_table(doc, v, "plain", rng)
    para(doc, "填报单位（盖章）：%s    填报人：%s    联系电话：%s    填报时间：" % (u["name"], u["contact"], u["phone"]))
    doc.save(p2)
    expect(p2, u, None, "rejected", ["PERIOD_MISSING", "SIGNATURE_INCOMPLETE"], forms=("progress",),
           findings=[{"code": "PERIOD_MISSING", "place": ""}, {"code": "SIGNATURE_INCOMPLETE", "place": "第2段"}],
           period_arg=False)

    # PERIOD_MISMATCH: September's return sent in November
    p2 = path("城西小学-2026年9月-推进情况.docx")
    write_docx(p2, u, "2026-09", None, v, "plain", rng)
    expect(p2, u, "2026-09", "rejected", ["PERIOD_MISMATCH"], forms=("progress",),
           findings=[{"code": "PERIOD_MISMATCH", "place": "第3段"}])

    # SUBITEM_MISSING: 1.3 and all of item 9 removed
    p2 = path("城西小学-2026年11月-缺子项.docx")
    write_docx(p2, u, P, a, None, checklist_kw={"drop": ("1.3", "9.1", "9.2", "9.3", "9.4", "9.5")})
    expect(p2, u, P, "rejected", ["SUBITEM_MISSING"], forms=("checklist",),
           findings=[{"code": "SUBITEM_MISSING", "item": "1.3", "place": "表格1"},
                     {"code": "SUBITEM_MISSING", "item": "9", "place": "表格1"}])

    # SUBITEM_DUPLICATE: 5.2 twice
    dup = {"duty": "1", "item": 5, "code": "5.2", "text": "2.将安全生产投入纳入年度计划和财务预算，保障安全生产支出",
           "basis": "", "penalty": "", "self": "已落实"}
    p2 = path("城西小学-2026年11月-重复子项.xlsx")
    write_xlsx(p2, u, P, a, None, checklist_kw={"extra": (dup,)})
    expect(p2, u, P, "rejected", ["SUBITEM_DUPLICATE"], forms=("checklist",),
           findings=[{"code": "SUBITEM_DUPLICATE", "item": "5.2", "place": "清单!C" + str(4 + len(SUBS))}])

    # SUBITEM_UNKNOWN: a row the rule set does not have
    extra = {"duty": "6", "item": 26, "code": "26.1", "text": "26.1 食堂从业人员持健康证上岗，落实晨检制度",
             "basis": "", "penalty": "", "self": "已落实"}
    p2 = path("城西小学-2026年11月-多余子项.docx")
    write_docx(p2, u, P, a, None, checklist_kw={"extra": (extra,)})
    expect(p2, u, P, "rejected", ["SUBITEM_UNKNOWN"], forms=("checklist",),
           findings=[{"code": "SUBITEM_UNKNOWN", "place": "表格1 第" + str(2 + len(SUBS)) + "行第3列"}])

    # STATUS_EMPTY, STATUS_UNRECOGNISED, STATUS_NA_NOT_ALLOWED
    a2 = dict(a)
    a2["3.2"] = ("", "")
    p2 = path("城西小学-2026年11月-自查为空.docx")
    write_docx(p2, u, P, a2, None)
    expect(p2, u, P, "rejected", ["STATUS_EMPTY"], forms=("checklist",),
           findings=[{"code": "STATUS_EMPTY", "item": "3.2",
                      "place": "表格1 第%d行第6列" % (2 + [s["code"] for s in SUBS].index("3.2"))}])
    a2 = dict(a)
    a2["8.1"] = ("?", "差不多吧")
    p2 = path("城西小学-2026年11月-自查无法识别.xlsx")
    write_xlsx(p2, u, P, a2, None)
    expect(p2, u, P, "rejected", ["STATUS_UNRECOGNISED"], forms=("checklist",),
           findings=[{"code": "STATUS_UNRECOGNISED", "item": "8.1", "place": "清单!F%d" % (4 + [s["code"] for s in SUBS].index("8.1"))}])
    a2 = dict(a)
    a2["1.1"] = ("not_applicable", "不适用")
    p2 = path("城西小学-2026年11月-不应不适用.docx")
    write_docx(p2, u, P, a2, None)
    expect(p2, u, P, "rejected", ["STATUS_NA_NOT_ALLOWED"], forms=("checklist",),
           findings=[{"code": "STATUS_NA_NOT_ALLOWED", "item": "1.1", "place": "表格1 第2行第6列"}])

    # PROGRESS_ROW_MISSING: row 6 removed
    p2 = path("城西小学-2026年11月-缺行.docx")
    write_docx(p2, u, P, None, v, "plain", rng, progress_kw={"drop_rows": (6,)})
    expect(p2, u, P, "rejected", ["PROGRESS_ROW_MISSING"], forms=("progress",),
           findings=[{"code": "PROGRESS_ROW_MISSING", "place": "表格1"}])

    # PROGRESS_FIELD_MISSING: row 9's counts left blank
    row9 = re.sub(r"\{(\w+):(\w+)\}", lambda m: "    " if m.group(1) == "hazards_found" else " %s " % v[m.group(1)],
                  PROGRESS[8])
    p2 = path("城西小学-2026年11月-空格未填.xlsx")
    write_xlsx(p2, u, P, None, v, "plain", rng, progress_kw={"raw_rows": {9: row9}})
    expect(p2, u, P, "rejected", ["PROGRESS_FIELD_MISSING"], forms=("progress",),
           findings=[{"code": "PROGRESS_FIELD_MISSING", "place": "推进情况!B12"}])

    # PROGRESS_FIELD_INVALID: a yes/no blank answered with something else
    v2 = dict(v, plan_made="正在制定")
    p2 = path("城西小学-2026年11月-是否填错.docx")
    write_docx(p2, u, P, None, v2, "plain", rng)
    expect(p2, u, P, "rejected", ["PROGRESS_FIELD_INVALID"], forms=("progress",),
           findings=[{"code": "PROGRESS_FIELD_INVALID", "place": "表格1 第2行第2列"}])

    # COUNT_INVALID: 2.5 inspections
    v2 = dict(v, inspections="2.5")
    p2 = path("城西小学-2026年11月-次数非整数.xlsx")
    write_xlsx(p2, u, P, None, v2, "plain", rng)
    expect(p2, u, P, "rejected", ["COUNT_INVALID"], forms=("progress",),
           findings=[{"code": "COUNT_INVALID", "place": "推进情况!B12"}])

    # COUNT_EXCEEDS: more hazards rectified than found
    v2 = dict(v, hazards_found="3", hazards_rectified="5")
    p2 = path("城西小学-2026年11月-整改数大于发现数.docx")
    write_docx(p2, u, P, None, v2, "plain", rng)
    expect(p2, u, P, "rejected", ["COUNT_EXCEEDS"], forms=("progress",),
           findings=[{"code": "COUNT_EXCEEDS", "place": "表格1 第10行第2列"}])

    # DATE_INVALID: deployed on 2月30日 (the month blank says 2)
    v2 = dict(v, deploy_month="2", deploy_day="30")
    p2 = path("城西小学-2026年11月-日期不存在.docx")
    write_docx(p2, u, P, None, v2, "plain", rng)
    expect(p2, u, P, "rejected", ["DATE_INVALID"], forms=("progress",),
           findings=[{"code": "DATE_INVALID", "place": "表格1 第3行第2列"}])

    # RECTIFY_PLAN_MISSING: 未落实 with the measure and deadline columns empty
    a2 = dict(a)
    a2["10.2"] = ("not_done", "未落实")
    p2 = path("城西小学-2026年11月-无整改措施.xlsx")
    write_xlsx(p2, u, P, a2, None, measure_cols=True)
    expect(p2, u, P, "accepted", ["RECTIFY_PLAN_MISSING"], forms=("checklist",),
           findings=[{"code": "RECTIFY_PLAN_MISSING", "item": "10.2", "place": "清单!F" + str(4 + [s["code"] for s in SUBS].index("10.2"))}])

    # SUPERVISION_FILLED: the unit wrote in the inspectors' column
    p2 = path("城西小学-2026年11月-填了监督检查栏.docx")
    write_docx(p2, u, P, a, None, supervision={"4.1": "已检查，符合要求", "4.2": "符合"})
    expect(p2, u, P, "accepted", ["SUPERVISION_FILLED"], forms=("checklist",),
           findings=[{"code": "SUPERVISION_FILLED", "place": "表格1 第" + str(2 + [s["code"] for s in SUBS].index("4.1")) + "行第7列"}])

    # CROSS_CHECK_CONFLICT: the commitment letter posted (是) but 2.4 not done
    a2 = dict(a)
    a2["2.4"] = ("not_done", "未落实，下周公示")
    v2 = dict(v, commitment_posted="是")
    p2 = path("城西小学-2026年11月-前后矛盾.docx")
    write_docx(p2, u, P, a2, v2, "plain", rng)
    expect(p2, u, P, "accepted", ["CROSS_CHECK_CONFLICT"], forms=("checklist", "progress"),
           findings=[{"code": "CROSS_CHECK_CONFLICT", "item": "2.4", "place": "表格2 第8行第2列"}])

    # SIGNATURE_INCOMPLETE: the phone left empty (the form has the field; seed
    # 000's own block has none, and a return without the field is not told)
    p2 = path("城西小学-2026年11月-缺联系电话.docx")
    write_docx(p2, u, P, a, None, phone=False)
    expect(p2, u, P, "accepted", ["SIGNATURE_INCOMPLETE"], forms=("checklist",),
           findings=[{"code": "SIGNATURE_INCOMPLETE", "place": "第5段", "message_contains": "联系电话"}])

    # SUBITEM_TEXT_CHANGED: a sub-item rewritten beyond small edits
    p2 = path("城西小学-2026年11月-改动子项内容.docx")
    write_docx(p2, u, P, a, None, checklist_kw={"edit": {"17.3": "建立劳动防护用品台账，记录每次发放和使用情况"}})
    expect(p2, u, P, "accepted", ["SUBITEM_TEXT_CHANGED"], forms=("checklist",),
           findings=[{"code": "SUBITEM_TEXT_CHANGED", "item": "17.3", "place": "表格1 第" + str(2 + [s["code"] for s in SUBS].index("17.3")) + "行第3列"}])

    # small edits are not findings
    p2 = path("城西小学-2026年11月-子项小改动.docx")
    write_docx(p2, u, P, a, None, checklist_kw={"edit": {"17.3": "建立劳动防护用品的发放记录。",
                                                          "9.2": "制定全年安全教育培训计划"}})
    expect(p2, u, P, "accepted", [], forms=("checklist",), note="small edits to sub-item texts")

    # MACROS_PRESENT: a macro-enabled workbook (the macros are never run)
    p2 = path("城西小学-2026年11月-带宏.xlsm")
    tmp = p2 + ".tmp.xlsx"
    write_xlsx(tmp, u, P, a, None)
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(p2, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            zout.writestr(item, data)
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a real macro project")
    os.remove(tmp)
    expect(p2, u, P, "accepted", ["MACROS_PRESENT"], forms=("checklist",),
           findings=[{"code": "MACROS_PRESENT", "place": ""}])


def main():
    for sub in ("2026-10", "2026-11", "flawed"):
        shutil.rmtree(os.path.join(OUT, sub), ignore_errors=True)
    for old in os.listdir(OUT):
        if old.endswith((".docx", ".xlsx")):
            os.remove(os.path.join(OUT, old))
    n10 = month_returns("2026-10", silent=set())
    # In November three units have not returned yet.
    n11 = month_returns("2026-11", silent={"SF-P006", "SF-B004", "SF-Y010"})
    rt = roundtrip_some()
    flawed()
    MANIFEST["units_returned"] = {"2026-10": n10, "2026-11": n11}
    MANIFEST["flawed_period"] = "2026-11"
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(MANIFEST, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    print("2026-10: %d units, 2026-11: %d units, %d files via LibreOffice, %d files in all"
          % (n10, n11, len(rt), len(MANIFEST["files"])))


if __name__ == "__main__":
    main()
