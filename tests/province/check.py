#!/usr/bin/python3
"""The province level: districts export to their city, cities export to the province.

Three districts are made from the November samples, all with the unit codes of
config/units.csv and each under its own name: 东区 (every November file) and
西区 (the units whose code ends in an odd digit, two flawed returns, other
receipt times) in 甲市, 北区 (the units whose code ends in an even digit, and
some of its returns stored as before editions were recorded) in 乙市.  Each
district runs ingest, its own status and export; each city merges its
districts and exports; the province merges both cities.  Every figure of the
province's status JSON (totals, by_type, by_area, by_city, by_district, each
unit's state) is checked against the districts' own status JSON, never
against the merge code; then merging again, a newer city package, a tampered
one, another edition's, a district's package and a missing city.  The city
packages' hashes are recomputed from docs/city.md (tests/city/pkghash.py).
Prints TAP.

    tests/province/check.py build/duty25
"""
import json
import os
import re
import shutil
import sqlite3
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "city"))
from tap import tap, done  # noqa: E402
from pkghash import package_hash  # noqa: E402
from common import (COUNTS, PERIOD, RULES, SAMPLES, UNITS, Setup, dump, edition_id, groups, odd, q,  # noqa: E402
                    stamp)

T = Setup(sys.argv[1], "duty25-province-")
BIN, TMP = T.bin, T.tmp
duty25, status, inbox = T.duty25, T.status, T.inbox
EDITION = edition_id(RULES)
# Another edition: the same rule set under another [edition] id (a second year's campaign).
OTHER_RULES = os.path.join(TMP, "rules-other.ini")
with open(OTHER_RULES, "w", encoding="utf-8") as f:
    f.write(re.sub(r"^id\s*=.*$", "id = education-2027", open(RULES, encoding="utf-8").read(), count=1, flags=re.M))


def write_config(name, district, level="district", rules=RULES, members=None, db=None):
    """common.Setup's; a city's and a province's name no registry of their own."""
    return T.write_config(name, district, level, rules, members, units=level == "district", db=db)


def counts(st):
    return tuple(st.get(k) for k in COUNTS)


def add(*tuples):
    return tuple(sum(x) for x in zip(*tuples))


def summed(sts, key, name):
    want = {}
    for st in sts:
        for k, v in groups(st, key, name).items():
            want[k] = add(want.get(k, (0,) * 6), v)
    return want


# ---- three districts, each running its own month ----

DIST = {  # name: (city, units taken, late units, day received)
    "东区": ("甲市", lambda c: True, {"SF-X002", "SF-Y001"}, "2026-11-20 10:00"),
    "西区": ("甲市", odd, {"SF-X001", "SF-P003"}, "2026-11-22 15:00"),
    "北区": ("乙市", lambda c: not odd(c), {"SF-B002"}, "2026-11-24 08:00"),
}
cfg, db, pkg, own = {}, {}, {}, {}
for i, (name, (city, pick, late, day)) in enumerate(DIST.items()):
    cfg[name], db[name] = write_config("d%d" % i, name)
    d = inbox("in%d" % i, pick, late, day)
    if name == "西区":
        for n in ("城西小学-2026年11月-前后矛盾.docx", "2026年11月-无单位.xlsx"):
            shutil.copyfile(os.path.join(SAMPLES, "flawed", n), os.path.join(d, n))
            stamp(os.path.join(d, n), "2026-11-21 09:00")
    r = duty25(cfg[name], "ingest", "-q", d)
    tap(r.returncode in (0, 1) and os.path.exists(db[name]), "%s ingests its returns" % name, [r.returncode, r.stderr])
# 北区 stored some returns before editions were recorded (edition ''): they count for its
# edition, and travel upward as of the package's edition.
c = sqlite3.connect(db["北区"])
c.execute("UPDATE returns SET edition = '' WHERE id % 2 = 0")
c.commit()
c.close()
tap(q(db["北区"], "SELECT count(*) FROM returns WHERE edition = ''")[0][0] > 0, "北区 holds returns without an edition")
for name in DIST:
    own[name] = status(cfg[name])
    pkg[name] = os.path.join(TMP, "%s-%s.duty25" % (name, PERIOD))
    r = duty25(cfg[name], "export", "--period", PERIOD, "--out", pkg[name])
    tap(r.returncode == 0 and os.path.exists(pkg[name]), "%s exports its month" % name, [r.stdout, r.stderr])
tap(len({counts(own[n]) for n in DIST}) == 3 and all(own[n].get("expected", 0) > 0 for n in DIST),
    "the three districts' own figures differ", {n: counts(own[n]) for n in DIST})

# ---- two cities merge their districts and export ----

CITIES = {"甲市": ["东区", "西区"], "乙市": ["北区"]}
ccfg, cdb, cpkg, cst = {}, {}, {}, {}
for i, (city, members) in enumerate(CITIES.items()):
    ccfg[city], cdb[city] = write_config("c%d" % i, city, "city", members=members)
    r = duty25(ccfg[city], "merge", *[pkg[m] for m in members])
    tap(r.returncode == 0 and r.stdout.count("新汇总　") == len(members), "%s merges %s" % (city, "、".join(members)),
        r.stdout + r.stderr)
    cst[city] = status(ccfg[city])
    cpkg[city] = os.path.join(TMP, "%s-%s.duty25" % (city, PERIOD))
    r = duty25(ccfg[city], "export", "--period", PERIOD, "--out", cpkg[city])
    tap(r.returncode == 0 and os.path.exists(cpkg[city]), "%s exports its month for the province" % city,
        [r.stdout, r.stderr])
tap(not [n for n in os.listdir(TMP) if ".tmp-" in n], "no temporary file is left beside the packages")

head = q(cpkg["甲市"], "SELECT edition, level, district, period, format FROM package")
tap(head == [(EDITION, "city", "甲市", PERIOD, 2)], "a city's package names the edition, the level (city), the city,"
    " the month and the format", head)
n_own = sum(q(db[n], "SELECT count(*) FROM returns WHERE ifnull(period, substr(received, 1, 7)) = ?", PERIOD)[0][0]
            for n in CITIES["甲市"])
tap(q(cpkg["甲市"], "SELECT district, count(*) FROM returns GROUP BY district ORDER BY district")
    == sorted((n, q(db[n], "SELECT count(*) FROM returns WHERE ifnull(period, substr(received, 1, 7)) = ?",
                    PERIOD)[0][0]) for n in CITIES["甲市"])
    and q(cpkg["甲市"], "SELECT count(*) FROM units")[0][0] == 2 * len(UNITS),
    "甲市's package holds each district's returns of the month (%d), each row with its district, and both"
    " registries" % n_own, q(cpkg["甲市"], "SELECT district, count(*) FROM returns GROUP BY district"))
tap(q(cpkg["乙市"], "SELECT DISTINCT edition FROM returns") == [(EDITION,)],
    "北区's returns stored without an edition travel as the package's edition",
    q(cpkg["乙市"], "SELECT edition, count(*) FROM returns GROUP BY edition"))
for city in CITIES:
    stated = q(cpkg[city], "SELECT sha256 FROM package")[0][0]
    tap(stated == package_hash(cpkg[city]), "%s's package hash is the canonical hash of docs/city.md, recomputed here"
        % city, [stated, package_hash(cpkg[city])])

# ---- the province merges both cities ----

pcfg, pdb = write_config("prov", "示范省", "province", members=list(CITIES))
r = duty25(pcfg, "merge", cpkg["甲市"], cpkg["乙市"])
tap(r.returncode == 0 and r.stdout.count("新汇总　") == 2, "the province merges both cities' packages",
    r.stdout + r.stderr)
prov = status(pcfg)
alld = [own[n] for n in DIST]
for k in COUNTS:
    tap(prov.get(k) == sum(st.get(k) for st in alld),
        "province %s = 东区 + 西区 + 北区 (%s)" % (k, " + ".join(str(st.get(k)) for st in alld)), prov.get(k))
for key, name in (("by_type", "type"), ("by_area", "area")):
    tap(groups(prov, key, name) == summed(alld, key, name), "province %s = the sum of the districts' rows" % key,
        [groups(prov, key, name), summed(alld, key, name)])
rows = {(g.get("city"), g.get("district")): tuple(g[k] for k in COUNTS) for g in prov.get("by_district", [])}
want_rows = {(city, n): counts(own[n]) for n, (city, *_rest) in DIST.items()}
tap(rows == want_rows, "by_district: one row per (city, district), each the district's own status figures",
    [rows, want_rows])
tap([(g.get("city"), g.get("district")) for g in prov.get("by_district", [])] ==
    [("甲市", "东区"), ("甲市", "西区"), ("乙市", "北区")], "by_district in the order of the cities, then merged",
    prov.get("by_district"))
by_city = {g["city"]: tuple(g[k] for k in COUNTS) for g in prov.get("by_city", [])}
tap(by_city == {c: add(*[counts(own[n]) for n in m]) for c, m in CITIES.items()},
    "by_city: each city the sum of its districts' own figures", by_city)
tap(prov.get("cities_missing") == [] and "districts_missing" not in prov,
    "no city's package is missing (cities_missing)", [prov.get("cities_missing"), prov.get("districts_missing")])
mine = {(DIST[n][0], n, u["code"]): u["state"] for n in DIST for u in own[n]["units"]}
theirs = {(u.get("city"), u.get("district"), u["code"]): u["state"] for u in prov.get("units", [])}
tap(theirs == mine, "each unit, keyed by (city, district, code), keeps its own district's state",
    sorted(set(theirs.items()) ^ set(mine.items()))[:10])
tap(q(pdb, "SELECT count(*) FROM units WHERE code = 'SF-X001'")[0][0] == 3 and
    q(pdb, "SELECT DISTINCT district FROM units ORDER BY 1") == [("乙市/北区",), ("甲市/东区",), ("甲市/西区",)],
    "the province's units are keyed by the whole path (city/district, code)")
tap(q(pdb, "SELECT DISTINCT edition FROM returns") == [(EDITION,)], "every return merged keeps its edition",
    q(pdb, "SELECT edition, count(*) FROM returns GROUP BY edition"))
tap(len(prov.get("unidentified", [])) == sum(len(st.get("unidentified", [])) for st in alld),
    "the districts' unidentified returns are the province's", prov.get("unidentified"))
for city, members in CITIES.items():
    tap(groups(cst[city], "by_district", "district") == {n: counts(own[n]) for n in members},
        "%s's own status by district equals its districts' figures" % city, cst[city].get("by_district"))
txt = duty25(pcfg, "status", "--period", PERIOD).stdout
tap("按市" in txt and "按区县" in txt and "甲市/东区" in txt and "乙市/北区" in txt,
    "the province's status text has a 按市 block and its districts by city", txt[:900])

# ---- idempotence ----

before = dump(pdb)
r = duty25(pcfg, "merge", cpkg["甲市"], cpkg["乙市"], cpkg["甲市"])
tap(r.returncode == 0 and r.stdout.count("未变　") == 3 and dump(pdb) == before,
    "merging the same city packages again changes nothing", r.stdout + r.stderr)

# ---- a newer city package replaces the older ----

old_b = os.path.join(TMP, "乙市-旧.duty25")
shutil.copyfile(cpkg["乙市"], old_b)
d = inbox("in2", lambda c: True, DIST["北区"][2], "2026-11-25 16:00")  # 北区's late comers: every unit now
r = duty25(cfg["北区"], "ingest", "-q", d)
north2 = status(cfg["北区"])
time.sleep(1.1)  # a later created time
duty25(cfg["北区"], "export", "--period", PERIOD, "--out", pkg["北区"])
r1 = duty25(ccfg["乙市"], "merge", pkg["北区"])
time.sleep(1.1)
r2 = duty25(ccfg["乙市"], "export", "--period", PERIOD, "--out", cpkg["乙市"])
r = duty25(pcfg, "merge", cpkg["乙市"])
prov2 = status(pcfg)
tap(r1.returncode == 0 and "替换" in r1.stdout and r.returncode == 0 and "替换" in r.stdout,
    "乙市's newer package (北区 sent more) replaces the older at the province", [r1.stdout, r.stdout, r.stderr])
tap(counts(north2) != counts(own["北区"]) and
    all(prov2.get(k) == own["东区"][k] + own["西区"][k] + north2[k] for k in COUNTS) and
    {(g.get("city"), g.get("district")): tuple(g[k] for k in COUNTS) for g in prov2.get("by_district", [])}
    == {**want_rows, ("乙市", "北区"): counts(north2)},
    "the province's figures are now 东区 + 西区 + the newer 北区", [counts(north2), prov2.get("by_district")])
n_old = q(old_b, "SELECT count(*) FROM returns")[0][0]
tap(q(pdb, "SELECT count(*) FROM returns WHERE district = '乙市/北区' AND withdrawn = 1")[0][0] == n_old and
    q(pdb, "SELECT count(*) FROM packages WHERE district = '乙市' AND replaced_by IS NOT NULL")[0][0] == 1,
    "the older city package's %d returns are kept, marked withdrawn" % n_old)
before = dump(pdb)
r = duty25(pcfg, "merge", old_b)
tap(r.returncode == 0 and "未变" in r.stdout and dump(pdb) == before,
    "the older city package merged again changes nothing", r.stdout + r.stderr)

# ---- refused, with nothing merged ----


def refused(path, words, name, *extra):
    before = dump(pdb)
    r = duty25(pcfg, "merge", *extra, path)
    tap(r.returncode == 1 and "拒收" in r.stdout and all(w in r.stdout for w in words) and dump(pdb) == before,
        name, r.stdout + r.stderr)


tampered = os.path.join(TMP, "甲市-改.duty25")
data = bytearray(open(cpkg["甲市"], "rb").read())
phone = UNITS["SF-B004"]["phone"].encode()
at = data.find(phone)
data[at + len(phone) - 1] ^= 1  # one digit of a phone number: still a sound SQLite file
open(tampered, "wb").write(bytes(data))
tap(at >= 0 and q(tampered, "PRAGMA integrity_check") == [("ok",)], "a city package with one byte changed", at)
refused(tampered, ["甲市-改.duty25", "校验值不符", "PACKAGE_HASH"], "a tampered city package is refused by name")
edited = os.path.join(TMP, "甲市-挪.duty25")
shutil.copyfile(cpkg["甲市"], edited)
c = sqlite3.connect(edited)
c.execute("UPDATE returns SET district = '西区' WHERE district = '东区' AND rowid = (SELECT min(rowid) FROM returns)")
c.commit()
c.close()
refused(edited, ["校验值不符", "PACKAGE_HASH"], "a city package with a return moved to another district is refused")
# 甲市 under another edition's rule set exports its store: a package of that edition.
ocfg, odb = write_config("c-other", "甲市", "city", rules=OTHER_RULES, members=CITIES["甲市"])
shutil.copyfile(cdb["甲市"], odb)
other_pkg = os.path.join(TMP, "甲市-2027.duty25")
r = duty25(ocfg, "export", "--period", PERIOD, "--out", other_pkg)
tap(r.returncode == 0 and q(other_pkg, "SELECT edition FROM package") == [("education-2027",)] and
    q(other_pkg, "SELECT count(*) FROM returns")[0][0] == 0,
    "a city under another edition exports a package of that edition, without this edition's returns",
    [r.stdout, r.stderr])
refused(other_pkg, ["甲市-2027.duty25", "education-2027", EDITION, "版本不同", "PACKAGE_EDITION"],
        "another edition's city package is refused by name")
refused(pkg["东区"], ["东区", "PACKAGE_LEVEL"], "a district's package sent straight to the province is refused")
r = duty25(ccfg["甲市"], "merge", cpkg["乙市"])
tap(r.returncode == 1 and "PACKAGE_LEVEL" in r.stdout, "a city refuses another city's package", r.stdout)
r = duty25(pcfg, "merge", cpkg["甲市"], tampered)
tap(r.returncode == 1 and "未变" in r.stdout and "拒收" in r.stdout, "one refused file does not stop the others",
    r.stdout)

# ---- a city missing; a city's whole database ----

p3cfg, p3db = write_config("prov3", "示范省", "province", members=["甲市", "乙市", "丙市"])
duty25(p3cfg, "merge", cpkg["甲市"])
p3 = status(p3cfg)
tap(p3.get("cities_missing") == ["乙市", "丙市"] and counts(p3) == add(counts(own["东区"]), counts(own["西区"]))
    and [g["city"] for g in p3.get("by_city", [])] == ["甲市", "乙市", "丙市"],
    "cities whose month is not merged are named (cities_missing), with a zero by_city row",
    [p3.get("cities_missing"), p3.get("by_city")])
p4cfg, p4db = write_config("prov4", "示范省", "province")
r = duty25(p4cfg, "merge", "--district", "甲市", cdb["甲市"])
p4 = status(p4cfg)
tap(r.returncode == 0 and counts(p4) == add(counts(own["东区"]), counts(own["西区"]))
    and [(g.get("city"), g.get("district")) for g in p4.get("by_district", [])] == [("甲市", "东区"), ("甲市", "西区")],
    "a city's whole database is merged by the province (--district names the city)", [r.stdout, r.stderr,
                                                                                      p4.get("by_district")])
r = duty25(p4cfg, "merge", "--district", "东区", db["东区"])
tap(r.returncode == 1 and "PACKAGE_LEVEL" in r.stdout, "a district's database is refused by the province", r.stdout)

# ---- the province's report data: district by district, the sums of the status ----
r = duty25(pcfg, "report", "--period", PERIOD, "--dump-data")
try:
    rd = json.loads(r.stdout)
except ValueError:
    rd = {}
prov = status(pcfg)  # as it is now, after the newer packages above
rows = [(g.get("district"), g.get("merged"), g.get("expected"), g.get("on_time"), g.get("missing"))
        for g in rd.get("by_district", [])]
want = [(g["city"] + "/" + g["district"], True, g["expected"], g["on_time"], g["missing"])
        for g in prov.get("by_district", [])]
tap(rd.get("level") == "province" and rows == want and
    all(rd.get("units", {}).get(k) == prov.get(k) for k in ("expected", "on_time", "late", "missing")),
    "the province's report data: a row per CITY/DISTRICT as its status gives it, each merged (by its city's"
    " package), the sums equal", [r.stderr, rows, want])

# ---- the province's workbook: a row per CITY/DISTRICT, the city in a 市 column ----
pbook = os.path.join(TMP, "province.xlsx")
r = duty25(pcfg, "report", "--period", PERIOD, "--xlsx", pbook)
try:
    import openpyxl
    grid = [list(x) for x in openpyxl.load_workbook(pbook, data_only=True)["各区报送情况"].iter_rows(values_only=True)]
except Exception as e:  # no workbook (refused), or unreadable
    grid = [[repr(e)]]
head = grid[0]
cells = [dict(zip(head, x)) for x in grid[1:]]
got = [(x["市"], x["区（县）"], x["应报"], x["按时"], x["未报"]) for x in cells if x.get("序号")]
want = [(g["city"], g["district"], g["expected"], g["on_time"], g["missing"]) for g in prov.get("by_district", [])]
total = [x for x in cells if x.get("区（县）") == "全省合计"]
tap(r.returncode == 0 and head[:3] == ["序号", "市", "区（县）"] and got == want and len(total) == 1 and
    total[0]["应报"] == prov.get("expected") and total[0]["未报"] == prov.get("missing"),
    "the province's workbook: 市 and 区（县） in their own columns, each row its status's, the province's total",
    [r.returncode, r.stderr, head, got, want, total])

shutil.rmtree(TMP, ignore_errors=True) if not os.environ.get("KEEP") else None
done()
