#!/usr/bin/python3
"""Write the clerk layouts of Attachments 1 and 3 (seed 000) that units make
when they rebuild the bureau's forms by hand, each with the answers a
correct reader must find in it, into OUTDIR and OUTDIR/manifest.json.

    /usr/bin/python3 tests/layouts/gen.py OUTDIR [--no-libreoffice]

Every file is written by an independent writer: python-docx, openpyxl, or
LibreOffice headless converting flat ODF (.fodt/.fods) that this script
writes to .docx/.xlsx.  The manifest comes from what this script put in each
file (which column a mark stands in, what was written in each blank), never
from duty25's output.  What a mark means is the rule set's documented
convention (config/rules-education.ini, [status] mark_*): a tick, a ticked
box, a filled circle or 是 chooses the column it stands in; × says "not
this one" and alone says nothing; an empty box or circle is not chosen.

The layouts: status sub-columns (已落实 | 部分落实 | 未落实 [| 不适用], or 是 | 否)
under a merged 单位自查情况, with √ ✓ ✔ ● ☑ 是 V, Word checkboxes (content
controls and legacy form fields), × and / beside the tick; rows with two
marks, none, only a ×, or a remark instead of a mark; sub-columns beside a
unmerged header; 整改措施 columns; rows reordered, blank rows, a table split
in two; Attachment 3 with ticks before (or after) 是/否 and 有/无, two ticks,
a tick that contradicts; a unit named only in the title; 、 in a blank; the
seed's signature block (no phone) and one whose phone was left empty.
"""
import configparser
import csv
import html
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

import docx
import openpyxl
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from openpyxl.styles import Alignment

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PERIOD = "2026-11"
PERIOD_CN = "2026年11月"

# ---- the rule set and the registry, as the bureau's blank forms use them ----

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
        it = int(m.group(1))
        SUBS.append({"item": it, "sub": int(m.group(2)), "code": s, "text": ini[s]["text"],
                     "basis": ini[s].get("basis", ""), "penalty": ini[s].get("penalty", ""),
                     "applies": ini[s].get("applies", ITEMS[it].get("applies", "all")), "duty": int(ITEMS[it]["duty"])})
PROGRESS = [ini[s]["text"] for s in sorted((s for s in ini.sections() if s.startswith("progress.")),
                                             key=lambda s: int(s.split(".")[1]))]
# The fields of the signature block the campaign's forms have ([signature]).
SIG_FIELDS = set(ini["signature"]["fields"].split("|")) if ini.has_section("signature") else \
    {"unit", "reporter", "phone", "date"}

with open(os.path.join(ROOT, "config", "units.csv"), encoding="utf-8-sig", newline="") as f:
    UNITS = {u["code"]: u for u in csv.DictReader(f)}

CN_NUM = "零一二三四五六七八九十"


def cn(n):
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + CN_NUM[n - 10]
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


def applies(expr, unit):
    if expr == "all":
        return True
    flags = unit["flags"].split(";") if unit["flags"] else []
    for part in expr.split("|"):
        kind, val = part.split(":")
        if (kind == "type" and unit["type"] == val) or (kind == "flag" and val in flags):
            return True
    return False


LABEL = {"done": "已落实", "partial": "部分落实", "not_done": "未落实", "not_applicable": "不适用"}

# ---- an abstract table: cells, merges; rendered by each writer ----


class Table:
    """A grid of texts with merged ranges.  A cell's value is a str, or a
    ("w14box", checked) / ("ffbox", checked) Word checkbox."""

    def __init__(self, ncols):
        self.ncols = ncols
        self.rows = []
        self.merges = []  # (r1, c1, r2, c2), inclusive, 0-based

    def add(self, values):
        assert len(values) == self.ncols, values
        self.rows.append(list(values))
        return len(self.rows) - 1

    def merge(self, r1, c1, r2, c2):
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))


def text_of(v):
    if isinstance(v, tuple):
        return "☒" if v[1] else "☐"
    return v or ""


# ---- the checklist model ----

class Checklist:
    """What a clerk's Attachment 1 holds: its columns and, per sub-item, the
    marks written and the status they mean (None: not readable, with the
    finding code a reader must give)."""

    def __init__(self, unit, rng, subcols=("done", "partial", "not_done"), words=None, mark="√", other="",
                 law=True, supervision=True, measure=False, numbering="seed", order="normal", blank_every=0,
                 split_at=None, defects=None, na_mark=None, unmerged_header=False, cell_box=None, remark=None,
                 single_row_header=False):
        self.unit = unit
        self.subcols = list(subcols)
        self.words = list(words) if words else [LABEL[s] for s in subcols]
        self.expected = {}
        self.findings = []  # (code, item)
        self.measure = measure
        subs = list(SUBS)
        if order == "shuffled":
            rng.shuffle(subs)
        elif order == "reversed":
            subs = subs[::-1]
        self.order = order
        self.numbering = numbering
        defects = defects or {}
        rows = []
        for s in subs:
            ok = applies(s["applies"], unit)
            if "not_applicable" in self.subcols and not ok:
                st = "not_applicable"
            elif self.subcols == ["done", "not_done"]:
                st = rng.choice(["done", "done", "done", "not_done"])
            else:
                st = rng.choices(["done", "partial", "not_done"], weights=[70, 15, 15])[0]
            if not ok and na_mark is not None:
                st = "not_applicable"
            d = defects.get(s["code"])
            if d == "no_measure":
                st = "not_done"
            row = {"sub": s, "status": st, "cells": [""] * len(self.subcols), "measure": "", "deadline": ""}
            if st == "not_applicable" and "not_applicable" not in self.subcols:
                row["cells"] = [na_mark] * len(self.subcols)  # "/" across: the rule set's word for 不适用
            else:
                k = self.subcols.index(st)
                for j in range(len(self.subcols)):
                    row["cells"][j] = (cell_box(j == k) if cell_box else (mark if j == k else other))
                if remark and s["code"] in remark:
                    row["cells"][k] = row["cells"][k] + remark[s["code"]]
            if d == "two":  # a second mark in another column
                j = (self.subcols.index(st) + 1) % len(self.subcols) if st in self.subcols else 0
                row["cells"][j] = mark
                st = None
                self.findings.append(("STATUS_UNRECOGNISED", s["code"]))
            elif d == "none":
                row["cells"] = [cell_box(False) if cell_box else ""] * len(self.subcols)
                st = None
                self.findings.append(("STATUS_EMPTY", s["code"]))
            elif d == "x_only":
                row["cells"] = [""] * len(self.subcols)
                row["cells"][rng.randrange(len(self.subcols))] = "×"
                st = None
                self.findings.append(("STATUS_UNRECOGNISED", s["code"]))
            elif d == "text":  # a remark where the mark should be, no mark
                row["cells"] = [""] * len(self.subcols)
                row["cells"][0] = "见台账"
                st = None
                self.findings.append(("STATUS_UNRECOGNISED", s["code"]))
            elif d == "other_word":  # another column's word in a column
                row["cells"] = [""] * len(self.subcols)
                row["cells"][0] = self.words[-1]
                st = None
                self.findings.append(("STATUS_UNRECOGNISED", s["code"]))
            elif d == "na_applies":  # "/" across for a sub-item that applies to the unit
                row["cells"] = ["/"] * len(self.subcols)
                st = "not_applicable"
                self.findings.append(("STATUS_NA_NOT_ALLOWED", s["code"]))
            if measure and st in ("partial", "not_done"):
                if d == "no_measure":
                    self.findings.append(("RECTIFY_PLAN_MISSING", s["code"]))
                else:
                    row["measure"] = "完善制度，专人负责"
                    row["deadline"] = "2026年12月31日"
            row["status"] = st
            self.expected[s["code"]] = st
            rows.append(row)
        self.rows = rows
        self.law = law
        self.supervision = supervision
        self.blank_every = blank_every
        self.split_at = split_at
        self.unmerged_header = unmerged_header
        self.single_row_header = single_row_header

    def columns(self):
        cols = [("类别", None), ("", None), ("内容", None)]
        if self.law:
            cols += [("依据", None), ("罚则", None)]
        cols.append(("单位自查情况", self.words))
        if self.measure:
            cols += [("整改措施", None), ("整改时限", None)]
        if self.supervision:
            cols.append(("监督检查情况", None))
        return cols

    def tables(self):
        """The checklist as one table (or two, split with the header repeated)."""
        cols = self.columns()
        ncols = sum(len(sub) if sub else 1 for _, sub in cols)
        parts = [self.rows] if not self.split_at else [self.rows[:self.split_at], self.rows[self.split_at:]]
        out = []
        for part in parts:
            t = Table(ncols)
            top, subrow = [], []
            for label, sub in cols:
                if sub:
                    top += [label] + ["" for _ in sub[1:]]
                    subrow += list(sub)
                else:
                    top.append(label)
                    subrow.append("")
            if self.single_row_header:  # the status words head their columns, no 单位自查情况
                t.add([x or y for x, y in zip(subrow, top)])
                t.merge(0, 0, 0, 1)
            else:
                t.add(top)
                t.add(subrow)
                t.merge(0, 0, 1, 1)  # 类别 over the duty and item columns, as Attachment 1 prints it
                c = 2
                for label, sub in cols[2:]:
                    if sub:
                        if not self.unmerged_header:
                            t.merge(0, c, 0, c + len(sub) - 1)
                        c += len(sub)
                    else:
                        t.merge(0, c, 1, c)
                        c += 1
            first_data = len(t.rows)
            for k, row in enumerate(part):
                if self.blank_every and k and k % self.blank_every == 0:
                    t.add([""] * ncols)
                s = row["sub"]
                if self.numbering == "code":
                    text = "%d.%d %s" % (s["item"], s["sub"], s["text"])
                elif self.numbering == "none":
                    text = s["text"]
                else:
                    text = ("%d." % s["sub"] if s["item"] != 25 else "") + s["text"]
                vals = ["", "", text]
                if self.law:
                    vals += [s["basis"], s["penalty"]]
                vals += row["cells"]
                if self.measure:
                    vals += [row["measure"], row["deadline"]]
                if self.supervision:
                    vals.append("")
                t.add(vals)
            # category and item cells: merged over their runs of rows, as
            # Attachment 1 prints them (a blank row ends a run)
            subs_of = []
            k = 0
            for r in range(first_data, len(t.rows)):
                if t.rows[r][2]:
                    subs_of.append((r, part[k]["sub"]))
                    k += 1
                else:
                    subs_of.append((r, None))
            for col, key, label in ((0, "duty", lambda v: "%s、%s" % (cn(v), DUTIES[v])),
                                    (1, "item", lambda v: "（%s）%s" % (cn(v), ITEMS[v]["name"]))):
                i = 0
                while i < len(subs_of):
                    r, sub = subs_of[i]
                    if sub is None:
                        i += 1
                        continue
                    j = i
                    while j + 1 < len(subs_of) and subs_of[j + 1][1] is not None and \
                            subs_of[j + 1][1][key] == sub[key]:
                        j += 1
                    t.rows[r][col] = label(sub[key])
                    t.merge(r, col, subs_of[j][0], col)
                    i = j + 1
            out.append(t)
        return out


# ---- the progress table ----

COUNT_FIELDS = ("problems", "targeted_checks", "guard_measures", "practices", "talks", "head_talks",
                "brochures", "posters", "essay_contests", "inspections")


class Progress:
    """Attachment 3 filled in: each blank's value as written, and what a
    reader must take from it (None: not readable, with a finding)."""

    def __init__(self, rng, choice="word", means="教职工大会", checklist=None, defects=None):
        found = rng.randint(0, 12)
        v = {k: rng.randint(0, 20) for k in COUNT_FIELDS}
        v.update({"hazards_found": found, "hazards_rectified": rng.randint(0, found),
                  "deploy_month": 11, "deploy_day": rng.randint(1, 20), "deploy_means": means})
        for k in ("plan_made", "checklist_done", "checklist_posted", "results_summarised"):
            v[k] = rng.choice([True, False])
        # agree with the checklist in the same file ([cross.N])
        exp = checklist.expected if checklist else {}
        v["duty_report_posted"] = exp.get("1.4") == "done" if checklist else rng.choice([True, False])
        v["commitment_posted"] = exp.get("2.4") == "done" if checklist else rng.choice([True, False])
        self.values = v
        self.expected = dict(v)
        self.findings = []
        self.choice = choice
        self.defects = defects or {}
        for name in self.defects:
            self.expected[name] = None
            self.findings.append(("PROGRESS_FIELD_INVALID", None))

    def fill(self, template):
        def rep(m):
            name, kind = m.group(1), m.group(2)
            val = self.values[name]
            if kind in ("yesno", "havenot"):
                a, b = ("是", "否") if kind == "yesno" else ("有", "无")
                d = self.defects.get(name)
                if d == "both":
                    return "（√%s／√%s）" % (a, b)
                if d == "contradict":  # the word written says one thing, the tick the other
                    return "%s（√%s／%s）" % (b, a, b) if val else "%s（%s／√%s）" % (a, a, b)
                if d == "cross_only":
                    return "（×%s／%s）" % (a, b)
                if self.choice == "tick":
                    return "（√%s／%s）" % (a, b) if val else "（%s／√%s）" % (a, b)
                if self.choice == "tick_after":
                    return "（%s√／%s）" % (a, b) if val else "（%s／%s√）" % (a, b)
                if self.choice == "box":
                    return "（☑%s ☐%s）" % (a, b) if val else "（☐%s ☑%s）" % (a, b)
                if self.choice == "tick_cross":
                    return "（√%s／×%s）" % (a, b) if val else "（×%s／√%s）" % (a, b)
                return " %s （%s／%s）" % (a if val else b, a, b)
            if name == "deploy_means":
                return "＿%s＿" % val
            return " %s " % val
        return re.sub(r"\{(\w+):(\w+)\}", rep, template)

    def table(self):
        t = Table(3)
        t.add(["序号", "推进情况", "备注"])
        for i, tmpl in enumerate(PROGRESS, start=1):
            t.add([str(i), self.fill(tmpl), "／" if i == 8 else ""])
        return t


# ---- one return ----

def signature(unit, kind):
    if kind == "seed":  # seed 000's block: no phone
        return "填报单位（盖章）：%s        填报人：%s        填报时间：%s20日" % (unit["name"], unit["contact"], PERIOD_CN)
    if kind == "bureau":  # the bureau's blank forms (templates/表样-*.docx): with a phone
        return "填报单位（盖章）：%s    填报人：%s    联系电话：%s    填报时间：%s20日" % (
            unit["name"], unit["contact"], unit["phone"], PERIOD_CN)
    if kind == "phone_empty":
        return "填报单位（盖章）：%s    填报人：%s    联系电话：＿＿＿＿＿＿    填报时间：%s20日" % (
            unit["name"], unit["contact"], PERIOD_CN)
    return None


class Case:
    def __init__(self, cid, desc, fmt, via, unit="SF-X003", checklist=None, progress=None, title="standard",
                 sig="seed", seed=None):
        self.cid, self.desc, self.fmt, self.via = cid, desc, fmt, via
        self.unit = UNITS[unit]
        self.rng = random.Random(seed or cid)
        self.checklist = checklist(self.unit, self.rng) if checklist else None
        self.progress = progress(self.rng, self.checklist) if progress else None
        self.title = title
        self.sig = sig

    def blocks(self):
        """Paragraphs and tables in order, per sheet (one list for Word)."""
        sheets = []
        if self.checklist:
            b = [("p", "附件1")]
            if self.title == "unit":
                b.append(("p", "六大责任25条内容清单（%s）" % self.unit["name"]))
            else:
                b.append(("p", "示范区教育系统落实企业主体责任百日攻坚六大责任25条内容清单"))
                b.append(("p", "填报月份：%s" % PERIOD_CN))
            for t in self.checklist.tables():
                b.append(("table", t))
                b.append(("p", ""))
            sheets.append(("清单", b))
        if self.progress:
            b = [("p", "附件3")]
            if self.title == "unit":
                b.append(("p", "百日攻坚行动推进情况统计表（%s）" % self.unit["name"]))
            else:
                b.append(("p", "示范区教育系统落实企业安全生产主体责任百日攻坚行动推进情况统计表"))
                b.append(("p", "填报月份：%s" % PERIOD_CN))
            b.append(("table", self.progress.table()))
            sheets.append(("推进情况", b))
        s = signature(self.unit, self.sig)
        if s:
            sheets[-1][1].append(("p", ""))
            sheets[-1][1].append(("p", s))
        return sheets

    def manifest(self, fname):
        findings = []
        if self.checklist:
            findings += self.checklist.findings
        if self.progress:
            findings += self.progress.findings
        missing = set()
        if self.sig == "none":
            missing = set(SIG_FIELDS)
        elif self.sig == "phone_empty":
            missing = {"phone"}
        if missing:
            findings.append(("SIGNATURE_INCOMPLETE", None))
        errors = {"STATUS_EMPTY", "STATUS_UNRECOGNISED", "STATUS_NA_NOT_ALLOWED", "PROGRESS_FIELD_INVALID"}
        codes = sorted(set(c for c, _ in findings))
        forms = (["checklist"] if self.checklist else []) + (["progress"] if self.progress else [])
        return {"file": fname, "case": self.cid, "desc": self.desc, "writer": self.via,
                "verdict": "rejected" if set(codes) & errors else "accepted", "codes": codes,
                "findings": [{"code": c, "item": i} for c, i in findings if i],
                "unit": self.unit["code"], "period": PERIOD, "forms": forms,
                "checklist": self.checklist.expected if self.checklist else None,
                "progress": self.progress.expected if self.progress else None}


# ---- writers ----

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def docx_cell(cell, v):
    p = cell.paragraphs[0]
    if isinstance(v, tuple) and v[0] == "w14box":
        sdt = parse_xml(
            '<w:sdt %s xmlns:w14="%s"><w:sdtPr><w14:checkbox><w14:checked w14:val="%d"/>'
            '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/><w14:uncheckedState w14:val="2610" '
            'w14:font="MS Gothic"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:rPr><w:rFonts '
            'w:ascii="MS Gothic" w:eastAsia="MS Gothic" w:hAnsi="MS Gothic" w:hint="eastAsia"/></w:rPr>'
            '<w:t>%s</w:t></w:r></w:sdtContent></w:sdt>' % (nsdecls("w"), W14, 1 if v[1] else 0, text_of(v)))
        p._p.append(sdt)
        return
    if isinstance(v, tuple) and v[0] == "ffbox":
        runs = ('<w:r %s><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check"/><w:enabled/>'
                '<w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/><w:default w:val="0"/>%s</w:checkBox>'
                '</w:ffData></w:fldChar></w:r>' % (nsdecls("w"), '<w:checked/>' if v[1] else ''),
                '<w:r %s><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>' % nsdecls("w"),
                '<w:r %s><w:fldChar w:fldCharType="separate"/></w:r>' % nsdecls("w"),
                '<w:r %s><w:fldChar w:fldCharType="end"/></w:r>' % nsdecls("w"))
        for r in runs:
            p._p.append(parse_xml(r))
        return
    if v:
        p.add_run(v)


def write_docx(case, path):
    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "仿宋_GB2312"
    st.font.size = Pt(10)
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    for _, blocks in case.blocks():
        for kind, x in blocks:
            if kind == "p":
                d.add_paragraph(x)
                continue
            t = d.add_table(rows=len(x.rows), cols=x.ncols)
            t.style = "Table Grid"
            cells = t._cells  # once: Table.cell() walks the whole table each call
            for r1, c1, r2, c2 in x.merges:  # merges never overlap: their corners stay
                cells[r1 * x.ncols + c1].merge(cells[r2 * x.ncols + c2])
            covered = set()
            for r1, c1, r2, c2 in x.merges:
                covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
            cells = t._cells
            for r, row in enumerate(x.rows):
                for c, v in enumerate(row):
                    if (r, c) not in covered and v:
                        docx_cell(cells[r * x.ncols + c], v)
    d.save(path)


def write_xlsx(case, path):
    wb = openpyxl.Workbook()
    first = True
    for name, blocks in case.blocks():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = name
        r0 = 1
        for kind, x in blocks:
            if kind == "p":
                if x:
                    ws.cell(row=r0, column=1, value=x)
                r0 += 1
                continue
            for r, row in enumerate(x.rows):
                for c, v in enumerate(row):
                    v = text_of(v)
                    if v:
                        ws.cell(row=r0 + r, column=c + 1, value=v).alignment = Alignment(wrap_text=True)
            for r1, c1, r2, c2 in x.merges:
                ws.merge_cells(start_row=r0 + r1, start_column=c1 + 1, end_row=r0 + r2, end_column=c2 + 1)
            r0 += len(x.rows)
        ws.column_dimensions["C"].width = 50
    wb.save(path)


ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')


def odf_table(x, name, spreadsheet):
    spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in x.merges}
    covered = set()
    for r1, c1, r2, c2 in x.merges:
        covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
    out = ['<table:table table:name="%s">' % name,
           '<table:table-column table:number-columns-repeated="%d"/>' % x.ncols]
    for r, row in enumerate(x.rows):
        out.append("<table:table-row>")
        for c, v in enumerate(row):
            if (r, c) in covered:
                out.append("<table:covered-table-cell/>")
                continue
            attrs = ""
            if (r, c) in spans:
                rs, cs = spans[(r, c)]
                attrs = ' table:number-rows-spanned="%d" table:number-columns-spanned="%d"' % (rs, cs)
            v = text_of(v)
            if spreadsheet and v:
                attrs += ' office:value-type="string"'
            out.append('<table:table-cell%s><text:p>%s</text:p></table:table-cell>' % (attrs, html.escape(v))
                       if v or not spreadsheet else '<table:table-cell%s/>' % attrs)
        out.append("</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


def write_fodt(case, path):
    body = []
    n = 0
    for _, blocks in case.blocks():
        for kind, x in blocks:
            if kind == "p":
                body.append("<text:p>%s</text:p>" % html.escape(x))
            else:
                n += 1
                body.append(odf_table(x, "表格%d" % n, False))
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<office:document %s office:version="1.2" '
                'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>%s'
                '</office:text></office:body></office:document>\n' % (ODF_NS, "".join(body)))


def write_fods(case, path):
    sheets = []
    for name, blocks in case.blocks():
        width = max([x.ncols for k, x in blocks if k == "table"] + [1])
        t = Table(width)
        for kind, x in blocks:
            if kind == "p":
                t.add([x] + [""] * (width - 1))
            else:
                base = len(t.rows)
                for row in x.rows:
                    t.add(list(row) + [""] * (width - x.ncols))
                for r1, c1, r2, c2 in x.merges:
                    t.merge(base + r1, c1, base + r2, c2)
        sheets.append(odf_table(t, name, True))
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<office:document %s office:version="1.2" '
                'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body>'
                '<office:spreadsheet>%s</office:spreadsheet></office:body></office:document>\n'
                % (ODF_NS, "".join(sheets)))


def convert(paths, outdir):
    """LibreOffice headless: .fodt to .docx and .fods to .xlsx, in two runs."""
    with tempfile.TemporaryDirectory() as tmp:
        profile = "file://" + os.path.join(tmp, "profile")
        for ext, filt in (("fodt", "docx:MS Word 2007 XML"), ("fods", "xlsx:Calc MS Excel 2007 XML")):
            srcs = [p for p in paths if p.endswith("." + ext)]
            if srcs:
                subprocess.run(["soffice", "-env:UserInstallation=" + profile, "--headless", "--convert-to", filt,
                                "--outdir", outdir] + srcs, check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=300)


# ---- the layouts ----

def CL(**kw):
    return lambda unit, rng: Checklist(unit, rng, **kw)


def PG(**kw):
    return lambda rng, cl: Progress(rng, checklist=cl, **kw)


FOUR = ("done", "partial", "not_done", "not_applicable")
YESNO = dict(subcols=("done", "not_done"), words=("是", "否"))


def cases():
    c = []
    A = c.append
    # -- Word (python-docx): status sub-columns with each kind of mark --
    A(Case("d01", "Word: 已落实|部分落实|未落实 under a merged 单位自查情况, √", "docx", "python-docx",
           checklist=CL(mark="√")))
    A(Case("d02", "Word: four sub-columns with 不适用, ✓", "docx", "python-docx", checklist=CL(subcols=FOUR, mark="✓")))
    A(Case("d03", "Word: ✔, no 依据/罚则 columns", "docx", "python-docx", checklist=CL(mark="✔", law=False)))
    A(Case("d04", "Word: ● in the chosen column, ○ in the others", "docx", "python-docx",
           checklist=CL(mark="●", other="○")))
    A(Case("d05", "Word: ☑ in the chosen column, ☐ in the others (typed glyphs)", "docx", "python-docx",
           checklist=CL(cell_box=lambda on: "☑" if on else "☐")))
    A(Case("d06", "Word: checkbox content controls (w14) in every sub-column", "docx", "python-docx",
           checklist=CL(cell_box=lambda on: ("w14box", on))))
    A(Case("d07", "Word: legacy FORMCHECKBOX form fields in every sub-column", "docx", "python-docx",
           checklist=CL(subcols=FOUR, cell_box=lambda on: ("ffbox", on))))
    A(Case("d08", "Word: 是 | 否 sub-columns, √", "docx", "python-docx", checklist=CL(mark="√", **YESNO)))
    A(Case("d09", "Word: 是 written in the chosen column", "docx", "python-docx", checklist=CL(mark="是")))
    A(Case("d10", "Word: √ chosen, × in the other columns", "docx", "python-docx", checklist=CL(mark="√", other="×")))
    A(Case("d11", "Word: √ chosen, / in the others; / across every column where an item does not apply",
           "docx", "python-docx", checklist=CL(mark="√", other="/", na_mark="/")))
    A(Case("d12", "Word: a row with two ticks, a row with none, a row with only ×", "docx", "python-docx",
           checklist=CL(mark="√", defects={"3.2": "two", "5.1": "none", "9.3": "x_only"})))
    A(Case("d13", "Word: a remark instead of a mark; another column's word; / for an item that applies",
           "docx", "python-docx",
           checklist=CL(subcols=FOUR, mark="√", defects={"4.1": "text", "8.2": "other_word", "10.1": "na_applies"})))
    A(Case("d14", "Word: sub-columns with 整改措施 and 整改时限; one 未落实 without a measure", "docx", "python-docx",
           checklist=CL(mark="√", measure=True, supervision=False, defects={"7.1": "no_measure"}),
           seed="d14-partial"))
    A(Case("d15", "Word: rows in random order, numbered 1.1, 1.2 …", "docx", "python-docx",
           checklist=CL(mark="√", order="shuffled", numbering="code")))
    A(Case("d16", "Word: a blank row after every fourth sub-item", "docx", "python-docx",
           checklist=CL(mark="✓", blank_every=4)))
    A(Case("d17", "Word: the table split in two, header repeated", "docx", "python-docx",
           checklist=CL(subcols=FOUR, mark="√", split_at=40)))
    A(Case("d18", "Word: √ followed by a remark (√ 见台账)", "docx", "python-docx",
           checklist=CL(mark="√", remark={"1.1": " 见台账", "2.2": "，已公示、已存档"})))
    A(Case("d19", "Word: rows in reverse order, no numbers", "docx", "python-docx",
           checklist=CL(mark="√", order="reversed", numbering="none")))
    A(Case("d20", "Word: V typed for a tick", "docx", "python-docx", checklist=CL(mark="V")))
    A(Case("d30", "Word: no 单位自查情况, the status words head their columns in one header row", "docx",
           "python-docx", checklist=CL(subcols=FOUR, mark="√", single_row_header=True)))
    A(Case("d31", "Word: one header row of status words, the table split in two with it repeated", "docx",
           "python-docx", checklist=CL(mark="●", other="○", single_row_header=True, split_at=30)))
    # -- Word: Attachment 3 --
    A(Case("d21", "Word: Attachment 3 with （√是／否） and （√有／无）", "docx", "python-docx",
           progress=PG(choice="tick")))
    A(Case("d22", "Word: Attachment 3, tick after the word （是√／否）", "docx", "python-docx",
           progress=PG(choice="tick_after")))
    A(Case("d23", "Word: Attachment 3 with （☑是 ☐否）", "docx", "python-docx", progress=PG(choice="box")))
    A(Case("d24", "Word: Attachment 3 with （√是／×否）", "docx", "python-docx", progress=PG(choice="tick_cross")))
    A(Case("d25", "Word: Attachment 3, two ticks in one blank, a tick against the word written, a cross only",
           "docx", "python-docx",
           progress=PG(choice="tick", defects={"plan_made": "both", "commitment_posted": "contradict",
                                               "checklist_posted": "cross_only"})))
    A(Case("d26", "Word: both forms, 、 in the deployment blank, ticks in Attachment 3", "docx", "python-docx",
           checklist=CL(mark="√"), progress=PG(choice="tick", means="行政会、教职工大会")))
    A(Case("d32", "Word: Attachment 3 filled the ordinary way, 、 in the deployment blank", "docx", "python-docx",
           progress=PG(choice="word", means="行政会、教职工大会")))
    A(Case("d27", "Word: the unit named only in the titles, no signature, no month anywhere", "docx", "python-docx",
           checklist=CL(mark="√"), progress=PG(choice="word"), title="unit", sig="none"))
    A(Case("d28", "Word: the bureau's signature block with its phone left empty", "docx", "python-docx",
           checklist=CL(mark="√"), sig="phone_empty"))
    A(Case("d29", "Word: the bureau's signature block filled in, phone included", "docx", "python-docx",
           unit="SF-X002", checklist=CL(subcols=FOUR, mark="√"), progress=PG(choice="word"), sig="bureau"))
    # -- Excel (openpyxl) --
    A(Case("x01", "Excel: merged 单位自查情况 over three sub-columns, √", "xlsx", "openpyxl", checklist=CL(mark="√")))
    A(Case("x02", "Excel: four sub-columns with 不适用, ✔", "xlsx", "openpyxl", checklist=CL(subcols=FOUR, mark="✔")))
    A(Case("x03", "Excel: 是 | 否 sub-columns, √", "xlsx", "openpyxl", checklist=CL(mark="√", **YESNO)))
    A(Case("x04", "Excel: 单位自查情况 not merged (one cell over three sub-columns)", "xlsx", "openpyxl",
           checklist=CL(mark="√", unmerged_header=True)))
    A(Case("x05", "Excel: two ticks, none, only ×", "xlsx", "openpyxl",
           checklist=CL(mark="√", defects={"1.2": "two", "12.1": "none", "22.5": "x_only"})))
    A(Case("x06", "Excel: ☑ and ☐", "xlsx", "openpyxl", checklist=CL(cell_box=lambda on: "☑" if on else "☐")))
    A(Case("x07", "Excel: ● and ○", "xlsx", "openpyxl", checklist=CL(subcols=FOUR, mark="●", other="○")))
    A(Case("x08", "Excel: rows shuffled, blank rows", "xlsx", "openpyxl",
           checklist=CL(mark="√", order="shuffled", numbering="code", blank_every=5)))
    A(Case("x09", "Excel: both sheets, （√是／否） and 、 in the deployment blank", "xlsx", "openpyxl",
           checklist=CL(mark="√"), progress=PG(choice="tick", means="行政会议、全体教职工大会、班主任会")))
    A(Case("x10", "Excel: the unit named only in the titles, no signature", "xlsx", "openpyxl",
           checklist=CL(mark="√"), progress=PG(choice="tick"), title="unit", sig="none"))
    A(Case("x11", "Excel: 是 in the chosen column, × in the others, with 整改措施", "xlsx", "openpyxl",
           checklist=CL(mark="是", other="×", measure=True)))
    A(Case("x12", "Excel: one header row 类别 | 内容 | 是 | 否, ✓", "xlsx", "openpyxl",
           checklist=CL(mark="✓", single_row_header=True, **YESNO)))
    # -- LibreOffice from flat ODF --
    A(Case("o01", "LibreOffice Writer: merged 单位自查情况 over three sub-columns, √", "fodt", "libreoffice",
           checklist=CL(mark="√")))
    A(Case("o02", "LibreOffice Writer: 是 | 否 sub-columns and Attachment 3 with ticks", "fodt", "libreoffice",
           checklist=CL(mark="✓", **YESNO), progress=PG(choice="tick")))
    A(Case("o03", "LibreOffice Writer: title-only unit, 、 in a blank, two ticks in a row", "fodt", "libreoffice",
           checklist=CL(mark="√", defects={"6.1": "two"}), progress=PG(choice="tick", means="校务会、全体教师会"),
           title="unit", sig="none"))
    A(Case("o04", "LibreOffice Calc: four sub-columns, ●/○", "fods", "libreoffice",
           checklist=CL(subcols=FOUR, mark="●", other="○")))
    A(Case("o05", "LibreOffice Calc: √ and ×, a row with only ×, Attachment 3 with ☑/☐", "fods", "libreoffice",
           checklist=CL(mark="√", other="×", defects={"19.2": "x_only"}), progress=PG(choice="box")))
    return c


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = args[0] if args else os.path.join(ROOT, "build", "layouts")
    use_lo = "--no-libreoffice" not in sys.argv and shutil.which("soffice") is not None
    os.makedirs(out, exist_ok=True)
    manifest = {"period": PERIOD, "cases": []}
    odf = []
    for case in cases():
        if case.fmt in ("fodt", "fods") and not use_lo:
            continue
        fname = "%s.%s" % (case.cid, case.fmt)
        path = os.path.join(out, fname)
        {"docx": write_docx, "xlsx": write_xlsx, "fodt": write_fodt, "fods": write_fods}[case.fmt](case, path)
        if case.fmt in ("fodt", "fods"):
            odf.append(path)
            fname = "%s.%s" % (case.cid, "docx" if case.fmt == "fodt" else "xlsx")
        manifest["cases"].append(case.manifest(fname))
    if odf:
        convert(odf, out)
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
