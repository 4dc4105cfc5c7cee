#!/usr/bin/python3
"""A city's report and tables (duty25 report at [campaign] level = city).

Two districts are made from the October and November samples with the same
unit codes and different names: 东区 takes every file, 西区 only the units
whose code ends in an odd digit.  Each runs ingest, its own report data
(--dump-data) and export; the city (which also lists 南区, whose month never
comes) merges both and writes its report.  Every city figure is checked
against the sum of the two districts' own report data, each district's row
against that district's own figures, and the documents are read back with
python-docx (and checked with ooxml-validate when ../shared has it).
Prints TAP.

    tests/city/report.py build/duty25
"""
import json
import os
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
tap(r.returncode == 0 and names == ["示范市2026年11月书面风险报告.docx", "示范市2026年11月统计表.docx"],
    "the city's report writes its risk report and its tables", [r.returncode, r.stderr, names])
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
r = duty25(city_cfg, "report", "--period", PERIOD, "--xlsx", os.path.join(TMP, "city.xlsx"))
tap(r.returncode == 2 and "尚未提供" in r.stderr and not os.path.exists(os.path.join(TMP, "city.xlsx")),
    "the city's workbook is refused by name, not written wrong", r.stderr)
shutil.rmtree(TMP, ignore_errors=True)
done()
