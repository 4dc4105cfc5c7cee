#!/usr/bin/python3
"""A city's report and tables (duty25 report at [campaign] level = city).

Two districts are made from the October and November samples with the same
unit codes and different names: 东区 takes every file, 西区 only the units
whose code ends in an odd digit.  Each runs ingest, its own report data
(--dump-data) and export; the city (which also lists 南区, whose month never
comes) merges both and writes its report.  Every city figure is checked
against the sum of the two districts' own report data, each district's row
against that district's own figures, and the documents are read back with
python-docx (and checked with ooxml-validate when ../shared has it); the city's workbook
is read back with openpyxl, each district's row against that district's own figures, and
its total rows' formulas evaluated by LibreOffice (tests/city/bookread.py).
Prints TAP.

    tests/city/report.py build/duty25
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from tap import tap, done  # noqa: E402
from common import MANIFEST, PERIOD, ROOT, RULES, SAMPLES, Setup  # noqa: E402,F401

T = Setup(sys.argv[1], "duty25-cityreport-")
BIN, TMP = T.bin, T.tmp
duty25 = T.duty25
VALIDATE = os.path.join(ROOT, "..", "shared", "tools", "ooxml-validate")


def write_config(name, district, level="district", districts=None):
    """common.Setup's, with the report's: [enforcement] and the templates and out folder of [report]."""
    return T.write_config(name, district, level, districts=districts, extra=[
        "[enforcement]", "key_items = 1.1|2.1|3.3|9.1|12.1|22.9", "not_done_min = 8", "missing = yes",
        "rejected = yes", "[report]", "templates = %s" % os.path.join(ROOT, "templates"),
        "out = %s" % os.path.join(TMP, name + "-out")])[0]


def data(cfg):
    r = duty25(cfg, "report", "--period", PERIOD, "--dump-data")
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"error": r.stderr, "exit": r.returncode}


def inbox(name, pick):
    d = os.path.join(TMP, name)
    for period, day in (("2026-10", "2026-10-20 10:00"), (PERIOD, "2026-11-20 10:00")):
        os.makedirs(os.path.join(d, period), exist_ok=True)
        for n in sorted(os.listdir(os.path.join(SAMPLES, period))):
            e = MANIFEST["files"].get("%s/%s" % (period, n))
            if not e or not e.get("unit") or not pick(e["unit"]):
                continue
            p = os.path.join(d, period, n)
            shutil.copyfile(os.path.join(SAMPLES, period, n), p)
            t = time.mktime(time.strptime(day, "%Y-%m-%d %H:%M"))
            os.utime(p, (t, t))
    return d


east_cfg = write_config("east", "东区")
west_cfg = write_config("west", "西区")
city_cfg = write_config("city", "示范市", "city", ["东区", "西区", "南区"])
for cfg, name, pick in ((east_cfg, "east-in", lambda c: True), (west_cfg, "west-in", lambda c: c[-1] in "13579")):
    duty25(cfg, "ingest", "-q", inbox(name, pick))
east, west = data(east_cfg), data(west_cfg)
tap("units" in east and "units" in west and east["units"] != west["units"],
    "both districts have their own report data, and they differ", [east.get("error"), west.get("error")])
# Each district sends each month up, as it closes: October, then November
# (the city's report compares with last month and draws the trend).
pk = []
for cfg, name in ((east_cfg, "东区"), (west_cfg, "西区")):
    for period in ("2026-10", PERIOD):
        pk.append(os.path.join(TMP, "%s-%s.duty25" % (name, period)))
        r = duty25(cfg, "export", "--period", period, "--out", pk[-1])
        tap(r.returncode == 0, "%s exports %s" % (name, period), r.stderr)
r = duty25(city_cfg, "merge", *pk)
tap(r.returncode == 0, "the city merges the four packages", r.stdout + r.stderr)
city = data(city_cfg)
tap(city.get("level") == "city" and city.get("district") == "示范市", "the city's report data is the city's",
    city.get("error") or [city.get("level"), city.get("district")])

# ---- every figure the sum of the districts' own ----
U = ("expected", "on_time", "late", "incomplete", "rejected", "missing", "returned")
tap(all(city.get("units", {}).get(k) == east["units"][k] + west["units"][k] for k in U),
    "units: each count is 东区's plus 西区's", [city.get("units"), east["units"], west["units"]])
C = ("applicable", "done", "partial", "not_done", "not_applicable")
tap(all(city.get("compliance", {}).get(k) == east["compliance"][k] + west["compliance"][k] for k in C),
    "compliance: each tally is the sum", city.get("compliance"))
tap([(i["n"], i["done"], i["applicable"], i["units_not_done"]) for i in city.get("items", [])] ==
    [(a["n"], a["done"] + b["done"], a["applicable"] + b["applicable"], a["units_not_done"] + b["units_not_done"])
     for a, b in zip(east["items"], west["items"])], "items: each item's counts are the sums")
H = ("found", "rectified")
tap(all(city.get("hazards", {}).get(k) == east["hazards"][k] + west["hazards"][k] for k in H) and
    city["hazards"]["unrectified"] == city["hazards"]["found"] - city["hazards"]["rectified"],
    "hazards: found and rectified are the sums (flagged values left out in each district)", city.get("hazards"))
bt = {g["type"]: (g["found"], g["rectified"]) for g in city.get("hazards", {}).get("by_type", [])}
want_bt = {}
for d in (east, west):
    for g in d["hazards"]["by_type"]:
        f, r_ = want_bt.get(g["type"], (0, 0))
        want_bt[g["type"]] = (f + g["found"], r_ + g["rectified"])
tap(bt == want_bt and [g["type"] for g in city["hazards"]["by_type"]] == [g["type"] for g in east["hazards"]["by_type"]],
    "hazards by type: the sums, in the configuration's order", [bt, want_bt])
tap(city.get("risk_count") == east["risk_count"] + west["risk_count"] and
    city.get("enforcement_count") == east["enforcement_count"] + west["enforcement_count"],
    "risky units and the enforcement list: the sums", [city.get("risk_count"), city.get("enforcement_count")])
ms = {m["action"]: m["count"] for m in city.get("measures", [])}
want_ms = {}
for d in (east, west):
    for m in d["measures"]:
        want_ms[m["action"]] = want_ms.get(m["action"], 0) + m["count"]
tap(ms == want_ms, "each measure's units: the sum of the districts'", [ms, want_ms])
tp = [(t["period"], t["done"], t["applicable"], t["found"], t["rectified"]) for t in city.get("trend", [])]
want_tp = [(a["period"], a["done"] + b["done"], a["applicable"] + b["applicable"], a["found"] + b["found"],
            a["rectified"] + b["rectified"]) for a, b in zip(east["trend"], west["trend"])]
tap(tp == want_tp and len(tp) == 2, "the trend: October and November, each month's counts the sums", [tp, want_tp])
named = [(u["district"], u["code"]) for u in city.get("risk_units", [])]
# By hand: both districts' named units, highest score first, ties 东区 first
# (the order the city lists its districts), each district's own order kept.
pool = sorted([(u["score"], 0, k, "东区", u["code"]) for k, u in enumerate(east["risk_units"])] +
              [(u["score"], 1, k, "西区", u["code"]) for k, u in enumerate(west["risk_units"])],
              key=lambda x: (-x[0], x[1], x[2]))
tap(named == [(d_, c_) for _, _, _, d_, c_ in pool[:5]],
    "the city names the five riskiest units of both districts, each with its district", named)

# ---- by district, and the district that never sent its month ----
rows = {r_["district"]: r_ for r_ in city.get("by_district", [])}
ok = set(rows) == {"东区", "西区", "南区"}
for name, d in (("东区", east), ("西区", west)):
    r_ = rows.get(name, {})
    ok = ok and all(r_.get(k) == d["units"][k] for k in U) and r_.get("found") == d["hazards"]["found"] and \
        r_.get("rectified") == d["hazards"]["rectified"] and r_.get("done") == d["compliance"]["done"] and \
        r_.get("applicable") == d["compliance"]["applicable"] and r_.get("grade") == d["grade"]["label"] and \
        r_.get("merged") is True
tap(ok, "each district's row is that district's own figures", rows)
tap(rows.get("南区", {}).get("merged") is False and rows["南区"].get("expected") == 0 and
    city.get("districts_missing") == ["南区"] and city.get("districts_merged") == 2,
    "南区, listed but never merged, is named as missing and counts nothing", [rows.get("南区"), city.get("districts_missing")])

# ---- the documents ----
r = duty25(city_cfg, "report", "--period", PERIOD)
out = os.path.join(TMP, "city-out")
names = sorted(os.listdir(out)) if os.path.isdir(out) else []
tap(r.returncode == 0 and names == ["示范市2026年11月书面风险报告.docx", "示范市2026年11月统计表.docx",
                                    "示范市2026年11月统计表.xlsx"],
    "the city's report writes its risk report, its tables and its workbook", [r.returncode, r.stderr, names])
if names:
    import docx
    rep = docx.Document(os.path.join(out, names[0]))
    text = "\n".join(p.text for p in rep.paragraphs)
    t1 = [[c.text for c in row.cells] for row in rep.tables[0].rows]
    tap("全市3个区（县）中，2个已报送本月数据，南区尚未报送" in text and "{{" not in text and
        [row[0] for row in t1] == ["区（县）", "东区", "西区", "南区", "合计"] and
        t1[1][1] == str(east["units"]["expected"]) and t1[-1][2] == str(city["units"]["returned"]) and
        ("风险等级为“%s”" % city["grade"]["label"]) in text and "示范市教育局" in text,
        "the risk report reads back: districts named, the missing one said, a row per district, the city's grade",
        [text[:400], t1])
    tab = docx.Document(os.path.join(out, names[1]))
    t2 = [[c.text for c in row.cells] for row in tab.tables[1].rows]
    tap([row[0] for row in t2] == ["区（县）", "东区", "西区", "南区", "合计"] and
        t2[1][2] == str(east["hazards"]["found"]) and t2[-1][2] == str(city["hazards"]["found"]),
        "the tables read back: compliance and hazards by district with the city's total", t2)
    if os.path.exists(VALIDATE):
        for n in names:
            v = subprocess.run([VALIDATE, os.path.join(out, n)], capture_output=True, text=True)
            tap(v.returncode == 0, "%s passes ooxml-validate" % n, v.stdout[-300:])


# ---- the city's workbook, read back (openpyxl; LibreOffice for the totals) ----
import bookread  # noqa: E402


def book_rows(grid, name_col=1):
    """The rows of a sheet by the district's name (column 区（县）), the header's column names."""
    head = grid[0] if grid else []
    return head, {r_[name_col]: dict(zip(head, r_)) for r_ in grid[1:] if r_ and r_[name_col]}


def check_city_book_rows(path):
    """Each district's row against that district's own --dump-data (never the city's code)."""
    try:
        grid, vals = bookread.sheets(path), bookread.cached(path)
    except Exception as e:  # no workbook, or not one openpyxl reads
        grid, vals = {}, {}
        tap(False, "the city's workbook reads back with openpyxl", repr(e))
        return grid, vals
    tap(list(grid) == ["各区报送情况", "各区落实情况", "各区隐患整改", "风险较大单位"],
        "the city's workbook has its four sheets", list(grid))
    _, sub = book_rows(vals.get("各区报送情况", []))
    _, comp = book_rows(vals.get("各区落实情况", []))
    _, hz = book_rows(vals.get("各区隐患整改", []))
    names = {"expected": "应报", "on_time": "按时", "late": "逾期", "incomplete": "缺表", "rejected": "退回",
             "missing": "未报", "returned": "已报"}
    for name, d in (("东区", east), ("西区", west)):
        row = sub.get(name, {})
        tap(all(row.get(h) == d["units"][k] for k, h in names.items()) and row.get("数据包") == "按时报送" and
            abs((row.get("报送率") or 0) - d["units"]["returned"] / d["units"]["expected"]) < 1e-9 and
            abs((row.get("按时报送率") or 0) - d["units"]["on_time"] / d["units"]["expected"]) < 1e-9,
            "各区报送情况: %s's row is its own counts and rates (numbers, not text)" % name, [row, d["units"]])
        row = comp.get(name, {})
        c = d["compliance"]
        ok = all(row.get(h) == c[k] for k, h in (("applicable", "适用"), ("done", "已落实"), ("partial", "部分落实"),
                                                 ("not_done", "未落实"), ("not_applicable", "不适用")))
        ok = ok and abs((row.get("落实率") or 0) - c["done"] / c["applicable"]) < 1e-9
        for du in d["duties"]:
            p_ = "%d.%s：" % (du["n"], du["name"])
            ok = ok and row.get(p_ + "适用") == du["applicable"] and row.get(p_ + "已落实") == du["done"] and \
                (du["applicable"] == 0 or abs(row.get(p_ + "落实率") - du["done"] / du["applicable"]) < 1e-9)
        tap(ok and len(d["duties"]) == 6, "各区落实情况: %s's tallies and each of its six duties are its own" % name,
            [row, c])
        row = hz.get(name, {})
        h = d["hazards"]
        tap(row.get("发现隐患") == h["found"] and row.get("已整改") == h["rectified"] and
            row.get("未整改") == h["found"] - h["rectified"] and
            abs((row.get("整改率") or 0) - h["rectified"] / h["found"]) < 1e-9 and
            row.get("风险较大单位") == d["risk_count"] and row.get("拟列入执法名单") == d["enforcement_count"] and
            row.get("风险等级") == d["grade"]["label"],
            "各区隐患整改: %s's hazards, risky units and grade are its own" % name, [row, h])
    south = sub.get("南区", {})
    notes = [r_[1] for r_ in vals.get("各区报送情况", []) if r_ and isinstance(r_[1], str)]
    tap(south.get("数据包") == "未报送" and south.get("应报") == 0 and south.get("数据包导出时间") is None and
        "本月数据包未报送：南区。" in notes and "本月数据包逾期报送：无。" in notes,
        "南区, never sent, is listed as missing (its row and the note under the table)", [south, notes])
    risk = [(r_[1], r_[2]) for r_ in vals.get("风险较大单位", [])[1:] if r_ and r_[0]]
    tap(risk == [(u["district"], u["code"]) for u in city["risk_units"]] and len(risk) == 5,
        "风险较大单位: the city's riskiest five, each with its district", risk)
    return grid, vals


def check_city_book_totals(path, grid, vals):
    """The total row: SUM formulas over the district rows, equal to 东区 + 西区 as LibreOffice computes them
    (every cached value removed first) and as cached."""
    want = {"各区报送情况": {"应报": east["units"]["expected"] + west["units"]["expected"],
                             "按时": east["units"]["on_time"] + west["units"]["on_time"],
                             "未报": east["units"]["missing"] + west["units"]["missing"],
                             "已报": east["units"]["returned"] + west["units"]["returned"]},
            "各区落实情况": {"适用": east["compliance"]["applicable"] + west["compliance"]["applicable"],
                             "已落实": east["compliance"]["done"] + west["compliance"]["done"]},
            "各区隐患整改": {"发现隐患": east["hazards"]["found"] + west["hazards"]["found"],
                             "已整改": east["hazards"]["rectified"] + west["hazards"]["rectified"],
                             "风险较大单位": east["risk_count"] + west["risk_count"]}}
    for du_e, du_w in zip(east["duties"], west["duties"]):
        want["各区落实情况"]["%d.%s：适用" % (du_e["n"], du_e["name"])] = du_e["applicable"] + du_w["applicable"]
        want["各区落实情况"]["%d.%s：已落实" % (du_e["n"], du_e["name"])] = du_e["done"] + du_w["done"]
    if not grid:
        tap(False, "the city's workbook has total rows to check", path)
        return
    rates = {"各区报送情况": ("报送率", "已报", "应报"), "各区落实情况": ("落实率", "已落实", "适用"),
             "各区隐患整改": ("整改率", "已整改", "发现隐患")}
    lo = bookread.lo_evaluated(path, os.path.join(TMP, "lo-book"))
    tap(lo is not None and set(lo) >= set(want), "the city's workbook opens in LibreOffice headless (every sheet to CSV)",
        sorted(lo) if lo else None)
    for sheet, cols in want.items():
        head, formulas = book_rows(grid.get(sheet, []))
        _, cache = book_rows(vals.get(sheet, []))
        total = formulas.get("全市合计", {})
        ok = bool(total)
        for h, v in cols.items():
            f = total.get(h)
            ok = ok and isinstance(f, str) and re.fullmatch(r"=SUM\(([A-Z]+)2:\1(\d+)\)", f) is not None and \
                int(re.fullmatch(r"=SUM\(([A-Z]+)2:\1(\d+)\)", f).group(2)) == 4 and cache["全市合计"].get(h) == v
        tap(ok, "%s: the city's totals are SUM formulas over the three district rows, cached as 东区 + 西区" % sheet,
            [total, cols])
        if lo is not None:
            lrows = {r_[1]: dict(zip(lo[sheet][0], r_)) for r_ in lo.get(sheet, [])[1:] if len(r_) > 1}
            lt = lrows.get("全市合计", {})
            rn, num, den = rates[sheet]
            tap(all(bookread.number(lt.get(h)) == v for h, v in cols.items()) and
                abs(bookread.number(lt.get(rn)) - cols[num] / cols[den]) < 1e-9,
                "%s: LibreOffice's own sums of the total row are 东区 + 西区, its rate from them" % sheet, [lt, cols])


def check_city_book_print(path):
    """Printed as the district's workbook: landscape, one page wide, header row and names repeated, the title
    and page numbers."""
    try:
        wb = bookread.workbook(path)
    except Exception as e:
        tap(False, "the city's workbook is set up for printing", repr(e))
        return
    bad = [ws.title for ws in wb if not (ws.page_setup.orientation == "landscape" and
                                         ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in
                                         (1, None) and ws.print_title_rows == "$1:$1" and ws.print_title_cols and
                                         "示范市2026年11月" in (ws.oddHeader.center.text or "") and
                                         "&P" in (ws.oddFooter.center.text or ""))]
    tap(not bad, "every sheet prints landscape, one page wide, header row and name column repeated, titled", bad)


def check_city_book_late():
    """A city whose own deadline ([organisation] deadline_day = 1: 2026-11-01) every package missed: both
    districts late in the workbook, the deadline said under the table."""
    cfg = write_config("city-late", "示范市", "city", ["东区", "西区", "南区"])
    with open(cfg, "a", encoding="utf-8") as f:
        f.write("deadline_day = 1\n")
    r = duty25(cfg, "merge", *pk)
    path = os.path.join(TMP, "city-late.xlsx")
    r2 = duty25(cfg, "report", "--period", PERIOD, "--xlsx", path)
    try:
        vals = bookread.cached(path)["各区报送情况"]
    except Exception as e:
        vals = [[repr(e)]]
    _, sub = book_rows(vals)
    notes = [r_[1] for r_ in vals if len(r_) > 1 and isinstance(r_[1], str)]
    tap(r.returncode == 0 and r2.returncode == 0 and sub.get("东区", {}).get("数据包") == "逾期报送" and
        sub.get("西区", {}).get("数据包") == "逾期报送" and sub.get("南区", {}).get("数据包") == "未报送" and
        "各区（县）本月数据包的报送期限：2026-11-01（按导出时间计）。" in notes and
        "本月数据包逾期报送：东区、西区。" in notes,
        "a city's own deadline missed: both districts' packages 逾期报送, the deadline and the late named",
        [r.stderr, r2.stderr, sub, notes])


book = os.path.join(TMP, "city.xlsx")
r = duty25(city_cfg, "report", "--period", PERIOD, "--xlsx", book)
tap(r.returncode == 0 and os.path.exists(book), "the city's report --xlsx writes the city's workbook",
    [r.returncode, r.stderr])
g_, v_ = check_city_book_rows(book)
check_city_book_totals(book, g_, v_)
check_city_book_print(book)
check_city_book_late()
if os.path.exists(VALIDATE):
    v = subprocess.run([VALIDATE, book], capture_output=True, text=True)
    tap(v.returncode == 0, "the city's workbook passes ooxml-validate", v.stdout[-300:])
shutil.rmtree(TMP, ignore_errors=True)
done()
