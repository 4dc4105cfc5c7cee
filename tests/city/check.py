#!/usr/bin/python3
"""duty25 export and duty25 merge: a city bureau merges its districts' months.

Two districts are made from the November samples, with the same unit codes
(config/units.csv) and different names: 东区 takes every November file, 西区
the files of the units whose code ends in an odd digit (and two flawed
returns), with other receipt times.  Each runs ingest and export; the city
merges both.  Every city figure is checked against the sum of the two
districts' own status JSON, and against hand counts from config/units.csv
and samples/expected.json; the package's hash is recomputed here from the
definition in docs/city.md, not by duty25.  The office page of duty25 serve
at the city is read over loopback and checked against duty25 status for the
same database.  Prints TAP.

    tests/city/check.py build/duty25
"""
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from tap import tap, done  # noqa: E402
# the canonical hash of docs/city.md, written again from the definition (pkghash.py)
from pkghash import package_hash  # noqa: E402
from common import (COUNTS, NOV, PERIOD, RULES, ROOT, SAMPLES, UNITS, Setup, dump, edition_id,  # noqa: E402
                    groups, odd, q, stamp)

T = Setup(sys.argv[1], "duty25-city-")
BIN, TMP = T.bin, T.tmp
write_config, duty25, status, inbox = T.write_config, T.duty25, T.status, T.inbox
ENTERPRISE = os.path.join(ROOT, "tests", "fixtures", "rules-enterprise.ini")


def active(code):
    u = UNITS[code]
    return (not u["active_from"] or u["active_from"][:7] <= PERIOD) and \
        (not u["active_until"] or PERIOD <= u["active_until"][:7])


# ---- two districts from the November samples ----

LATE_E = {"SF-X002", "SF-Y001"}
LATE_W = {"SF-X001", "SF-P003"}
nov = NOV


east_cfg, east_db = write_config("east", "东区")
west_cfg, west_db = write_config("west", "西区")
city_cfg, city_db = write_config("city", "示范市", "city", districts=["东区", "西区"])
east_in = inbox("east-in", lambda c: True, LATE_E)
west_in = inbox("west-in", odd, LATE_W, "2026-11-22 15:00")
for n in ("城西小学-2026年11月-前后矛盾.docx", "2026年11月-无单位.xlsx"):
    shutil.copyfile(os.path.join(SAMPLES, "flawed", n), os.path.join(west_in, n))
    stamp(os.path.join(west_in, n), "2026-11-21 09:00")

r1 = duty25(east_cfg, "ingest", "-q", east_in)
r2 = duty25(west_cfg, "ingest", "-q", west_in)
tap(r1.returncode == 0 and r2.returncode == 1, "both districts ingest their returns (西区 has a rejected one)",
    [r1.returncode, r1.stderr, r2.returncode, r2.stderr])
east = status(east_cfg)
west = status(west_cfg)
n_active = sum(1 for c in UNITS if active(c))
tap(east.get("expected") == n_active and west.get("expected") == n_active,
    "each district expects every unit of the registry active in November (%d)" % n_active, [east, west])
west_none = {c for c in UNITS if active(c) and not odd(c)}
tap({u["code"] for u in west.get("units", []) if u["state"] == "missing"} >= west_none,
    "西区: every unit whose code ends in an even digit is missing (hand count)", west.get("units"))
tap(east.get("on_time") != west.get("on_time") or east.get("missing") != west.get("missing"),
    "the two districts' figures differ", [east.get("late"), west.get("late")])

# ---- export ----

east_pkg = os.path.join(TMP, "东区-2026-11.duty25")
west_pkg = os.path.join(TMP, "西区-2026-11.duty25")
r1 = duty25(east_cfg, "export", "--period", PERIOD, "--out", east_pkg)
r2 = duty25(west_cfg, "export", "--period", PERIOD, "--out", west_pkg)
tap(r1.returncode == 0 and r2.returncode == 0 and os.path.exists(east_pkg) and os.path.exists(west_pkg),
    "export writes each district's package", [r1.stdout, r1.stderr, r2.stdout, r2.stderr])
tap(not [n for n in os.listdir(TMP) if ".tmp-" in n], "no temporary file is left beside the packages",
    os.listdir(TMP))


def pkg_row(path):
    c = sqlite3.connect(path)
    try:
        return c.execute("SELECT edition, district, period, schema_version, sha256 FROM package").fetchall()
    finally:
        c.close()


row = pkg_row(east_pkg)
east_version = q(east_db, "PRAGMA user_version")[0][0]
tap(len(row) == 1 and row[0][:4] == (edition_id(RULES), "东区", PERIOD, east_version)
    and q(east_pkg, "SELECT level, format FROM package") == [("district", 2)],
    "the package names the edition ([edition] id), the district, the month, the schema version, level and format",
    row)
tap(q(east_pkg, "SELECT DISTINCT edition FROM returns") == [(edition_id(RULES),)],
    "each of its returns names the edition", q(east_pkg, "SELECT DISTINCT edition FROM returns"))
n_nov = q(east_db, "SELECT count(*) FROM returns WHERE ifnull(period, substr(received, 1, 7)) = ?", PERIOD)[0][0]
tap(q(east_pkg, "SELECT count(*) FROM returns")[0][0] == n_nov == len(nov)
    and q(east_pkg, "SELECT count(*) FROM units")[0][0] == len(UNITS),
    "the package holds the month's %d returns and the %d units of the registry" % (len(nov), len(UNITS)),
    [n_nov, q(east_pkg, "SELECT count(*) FROM returns, units")])
tap(q(east_pkg, "SELECT count(*) FROM findings")[0][0] ==
    q(east_db, "SELECT count(*) FROM findings f JOIN returns r ON r.id = f.return_id"
               " WHERE ifnull(r.period, substr(r.received, 1, 7)) = ?", PERIOD)[0][0]
    and q(east_pkg, "SELECT count(*) FROM return_details")[0][0] == n_nov,
    "its findings and details are the month's")
tap(row and row[0][4] == package_hash(east_pkg) and pkg_row(west_pkg)[0][4] == package_hash(west_pkg),
    "its SHA-256 is the canonical hash of docs/city.md, recomputed here", [row, package_hash(east_pkg)])

# ---- merge ----

r = duty25(city_cfg, "merge", east_pkg, west_pkg)
tap(r.returncode == 0 and r.stdout.count("新汇总") >= 2, "merge takes both packages", [r.stdout, r.stderr])
city = status(city_cfg)
for k in COUNTS:
    tap(city.get(k) == east.get(k, -1) + west.get(k, -2), "city %s = 东区 + 西区 (%s + %s)" % (k, east.get(k), west.get(k)),
        city)
tap(city.get("expected") == 2 * n_active, "the city expects every unit of both districts (hand count %d)" % (2 * n_active))


for key, name in (("by_type", "type"), ("by_area", "area")):
    want = {}
    for st in (east, west):
        for k, v in groups(st, key, name).items():
            want[k] = tuple(a + b for a, b in zip(want.get(k, (0,) * 6), v))
    tap(groups(city, key, name) == want, "city %s = the sum of the districts' rows" % key,
        [groups(city, key, name), want])
tap(groups(city, "by_district", "district") == {"东区": tuple(east.get(k) for k in COUNTS),
                                                "西区": tuple(west.get(k) for k in COUNTS)}
    and [g["district"] for g in city.get("by_district", [])] == ["东区", "西区"],
    "by_district: one row per district, in the configured order, each the district's own figures",
    city.get("by_district"))
tap(city.get("districts_missing") == [], "no district's package is missing", city.get("districts_missing"))
mine = {("东区", u["code"]): u["state"] for u in east["units"]}
mine.update({("西区", u["code"]): u["state"] for u in west["units"]})
theirs = {(u.get("district"), u["code"]): u["state"] for u in city.get("units", [])}
tap(theirs == mine, "each unit keeps its own district's state: the same code in two districts never mixes",
    sorted(set(theirs.items()) ^ set(mine.items()))[:10])
tap(theirs.get(("西区", "SF-X001")) == "late" and theirs.get(("东区", "SF-X001")) == "on_time",
    "SF-X001 is late in 西区 and on time in 东区", [theirs.get(("西区", "SF-X001")), theirs.get(("东区", "SF-X001"))])
tap(q(city_db, "SELECT count(*) FROM units WHERE code = 'SF-X001'")[0][0] == 2
    and q(city_db, "SELECT count(*) FROM units")[0][0] == 2 * len(UNITS),
    "the city's units are keyed by (district, code)")
tap(q(city_db, "SELECT DISTINCT edition FROM returns") == [(edition_id(RULES),)],
    "every merged return keeps its edition (not '', which would count for every edition)",
    q(city_db, "SELECT edition, count(*) FROM returns GROUP BY edition"))
tap(len(city.get("unidentified", [])) == len(west.get("unidentified", [])) == 1,
    "西区's unidentified return is the city's", city.get("unidentified"))
# Corrections travel: each district's (return, the return that replaced it) pairs, named by
# SHA-256, read from its own database, are the city's for that district.
SUP = ("SELECT r.sha256, s.sha256 FROM returns r JOIN returns s ON s.id = r.superseded_by"
       " WHERE ifnull(r.period, substr(r.received, 1, 7)) = ?{} ORDER BY 1")
own = sorted(q(east_db, SUP.format(""), PERIOD) + q(west_db, SUP.format(""), PERIOD))
got = sorted(q(city_db, SUP.format(" AND r.withdrawn = 0"), PERIOD))
tap(len(own) > 0 and got == own, "corrected returns keep their replacement in the city (by SHA-256)", [len(own), len(got)])
# A city needs no registry of its own: its units come from the packages.
bare_cfg, _ = write_config("city-bare", "示范市", "city", districts=["东区", "西区"], units=False, db=city_db)
bare = status(bare_cfg)
# (as_of is the clock's second when each status ran: not part of the figures)
tap({k: v for k, v in bare.items() if k != "as_of"} == {k: v for k, v in city.items() if k != "as_of"},
    "a city's configuration without [campaign] units gives the same status",
    [k for k in city if bare.get(k) != city.get(k)])
# The office page of duty25 serve at the city ([campaign] level = city) shows the city's status:
# the figures `duty25 status --format json` gives for the same database, run here on its own
# (before commit dcfc423 it showed a district's status of the configuration's registry against
# the city's store: every unit missing, or all zeros without [campaign] units).  On a copy of
# the city's database, with a district (南区) not merged.
import html as htmllib  # noqa: E402
PASSWORD = "市局-office-2026"
serve_db = os.path.join(TMP, "city-serve.db")
shutil.copyfile(city_db, serve_db)
r = subprocess.run([BIN, "serve", "--hash-password"], input=PASSWORD + "\n", capture_output=True, text=True)
serve_cfg, _ = write_config("city-serve", "示范市", "city", districts=["东区", "西区", "南区"], db=serve_db,
                            extra=["[serve]", "password = " + r.stdout.strip()])
want = status(serve_cfg)
want_text = duty25(serve_cfg, "status", "--period", PERIOD).stdout
code, page, slog = T.office_page(serve_cfg, PASSWORD)
tap(code == 200 and "需催报的单位" in page and "Sanitizer" not in slog and "runtime error" not in slog,
    "the office logs in to duty25 serve at a city and reads the month's page", [code, slog])
got = {k: int(m.group(1)) if m else None for k, m in
       ((k, re.search(r'id="%s">(\d+)<' % (k if k == "expected" else "n-" + k), page)) for k in COUNTS)}
tap(want.get("expected") == city.get("expected") > 0 and got == {k: want.get(k) for k in COUNTS},
    "office page at a city: the counts are duty25 status's for the city (%s)" % ", ".join(
        "%s %s" % (k, want.get(k)) for k in COUNTS), [got, {k: want.get(k) for k in COUNTS}])


def page_groups(title, end):
    part = page.split("<h2>%s</h2>" % title, 1)[-1].split(end, 1)[0]
    return {htmllib.unescape(m.group(1)): tuple(int(x) for x in m.groups()[1:])
            for m in re.finditer(r"<tr><td>([^<]*)</td>" + r'<td class="num">(\d+)</td>' * 6, part)}


tap(page_groups("按类型", "<h2>") == groups(want, "by_type", "label") and len(groups(want, "by_type", "label")) > 1,
    "office page at a city: the rows by unit type are duty25 status's",
    [page_groups("按类型", "<h2>"), groups(want, "by_type", "label")])
tap(page_groups("按板块", "</section>") == groups(want, "by_area", "area") and len(groups(want, "by_area", "area")) > 1,
    "office page at a city: the rows by area are duty25 status's",
    [page_groups("按板块", "</section>"), groups(want, "by_area", "area")])
LABEL = {"incomplete": "缺表", "rejected": "退回", "missing": "未报"}
call = page.split('<section id="call">', 1)[-1].split("</section>", 1)[0]
got_call = sorted(re.findall(r'<tr><td>[^<]*</td><td>([^<]*)</td><td>[^<]*</td><td class="bad">([^<]*)</td>', call))
want_call = sorted((u["code"], LABEL[u["state"]]) for u in want.get("units", []) if u["state"] in LABEL)
tap(len(want_call) > 0 and got_call == want_call,
    "office page at a city: the units to call are those duty25 status names, in both districts (%d)" % len(want_call),
    [got_call[:10], want_call[:10]])
m = re.search(r"<pre>(.*?)</pre>", page, re.S)
text = htmllib.unescape(m.group(1)) if m else ""
# the first line ends with the clock's second the status was made: the rest must be the same
tap(want.get("districts_missing") == ["南区"] and text.split("统计时间")[0] == want_text.split("统计时间")[0]
    and text.split("\n")[1:] == want_text.split("\n")[1:] and "南区" in text,
    "office page at a city: its text is duty25 status's, the district not merged (南区) named",
    [want.get("districts_missing"), text[:400], want_text[:400]])
# Late packages: 东区 exported (faketime) before the city's own deadline, 西区 now; a fresh city
# with [organisation] deadline_day = 28 names the districts whose package came after it.
early_pkg = os.path.join(TMP, "东区-早.duty25")
subprocess.run(["faketime", "2026-11-27 10:00:00", BIN, "--config", east_cfg, "export", "--period", PERIOD,
                "--out", early_pkg], capture_output=True, check=True,
               env=dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"))
late_cfg, late_db = write_config("city-late", "示范市", "city", districts=["东区", "西区"])
with open(late_cfg, "a", encoding="utf-8") as f:
    f.write("deadline_day = 28\n")
duty25(late_cfg, "merge", early_pkg, west_pkg)
sent = dict(q(late_db, "SELECT district, min(created) FROM packages WHERE period = ? GROUP BY district", PERIOD))
want = [d for d in ("东区", "西区") if sent.get(d, "") > "2026-11-28 23:59:59"]
late = status(late_cfg)
tap(sent.get("东区", "").startswith("2026-11-27") and late.get("district_deadline") == "2026-11-28"
    and late.get("districts_late") == want and "东区" not in want,
    "districts whose package came after the city's deadline ([organisation] deadline_day) are named", [sent, late.get("districts_late")])
ltxt = duty25(late_cfg, "status", "--period", PERIOD).stdout
tap(("逾期" in ltxt) == bool(want) and all(d in ltxt.split("逾期", 1)[-1] for d in want),
    "the status text names the late districts", ltxt[-400:])
txt = duty25(city_cfg, "status", "--period", PERIOD).stdout
tap("按区县" in txt and "东区" in txt and "西区" in txt, "the status text has a 按区县 block", txt[:800])

# ---- idempotence ----

before = dump(city_db)
r = duty25(city_cfg, "merge", east_pkg, west_pkg, east_pkg)
tap(r.returncode == 0 and "未变" in r.stdout and dump(city_db) == before,
    "merging the same packages again changes nothing", r.stdout + r.stderr)

# ---- a newer package replaces the older ----

old_west_pkg = os.path.join(TMP, "西区-2026-11-旧.duty25")
shutil.copyfile(west_pkg, old_west_pkg)
inbox("west-in", lambda c: True, LATE_W, "2026-11-23 11:00")
r = duty25(west_cfg, "ingest", "-q", west_in)
west2 = status(west_cfg)
time.sleep(1.1)  # a later created time
r = duty25(west_cfg, "export", "--period", PERIOD, "--out", west_pkg)
old_n = q(old_west_pkg, "SELECT count(*) FROM returns")[0][0]
r = duty25(city_cfg, "merge", west_pkg)
city2 = status(city_cfg)
tap(r.returncode == 0 and "替换" in r.stdout, "西区's newer package replaces the older", r.stdout + r.stderr)
tap(west2.get("missing") < west.get("missing") and
    all(city2.get(k) == east.get(k) + west2.get(k) for k in COUNTS) and
    groups(city2, "by_district", "district")["西区"] == tuple(west2.get(k) for k in COUNTS),
    "the city's figures are now 东区 + the newer 西区", [city2.get("by_district"), west2.get("missing")])
tap(q(city_db, "SELECT count(*) FROM returns WHERE district = '西区' AND withdrawn = 1")[0][0] == old_n and
    q(city_db, "SELECT count(*) FROM packages WHERE district = '西区' AND replaced_by IS NOT NULL")[0][0] == 1,
    "the older package's %d returns are kept, marked withdrawn" % old_n)
before = dump(city_db)
r = duty25(city_cfg, "merge", old_west_pkg)
tap(r.returncode == 0 and "未变" in r.stdout and dump(city_db) == before,
    "the older package merged again changes nothing", r.stdout + r.stderr)

# ---- refused, with nothing merged ----


def refused(path, words, name, *extra):
    before = dump(city_db)
    r = duty25(city_cfg, "merge", *extra, path)
    tap(r.returncode == 1 and "拒收" in r.stdout and all(w in r.stdout for w in words) and dump(city_db) == before,
        name, r.stdout + r.stderr)


tampered = os.path.join(TMP, "tampered.duty25")
data = bytearray(open(east_pkg, "rb").read())
phone = UNITS["SF-B004"]["phone"].encode()
at = data.find(phone)
data[at + len(phone) - 1] ^= 1  # one digit of a phone number: still a sound SQLite file
open(tampered, "wb").write(bytes(data))
tap(at >= 0 and q(tampered, "PRAGMA integrity_check") == [("ok",)], "a package with one byte changed in a value",
    at)
refused(tampered, ["校验值不符", "PACKAGE_HASH"], "a package whose rows do not match its hash is refused")
edited = os.path.join(TMP, "edited.duty25")
shutil.copyfile(east_pkg, edited)
c = sqlite3.connect(edited)
c.execute("UPDATE returns SET received = '2026-11-01 08:00:00' WHERE rowid = 1")
c.commit()
c.close()
refused(edited, ["校验值不符"], "a package with an edited received time is refused")
broken = os.path.join(TMP, "broken.duty25")
open(broken, "wb").write(open(east_pkg, "rb").read()[:4096] + b"\x00" * 100)
refused(broken, ["损坏"], "a damaged package is refused")
newer = os.path.join(TMP, "newer.duty25")
shutil.copyfile(east_pkg, newer)
c = sqlite3.connect(newer)
c.execute("UPDATE package SET schema_version = 99")
c.execute("PRAGMA user_version = 99")
c.commit()
c.close()
refused(newer, ["结构版本", "99"], "a package of a newer schema is refused by name")
ent_cfg, ent_db = write_config("ent", "东区", rules=ENTERPRISE)
shutil.copyfile(east_db, ent_db)
ent_pkg = os.path.join(TMP, "ent.duty25")
r = duty25(ent_cfg, "export", "--period", PERIOD, "--out", ent_pkg)
tap(r.returncode == 0, "a package of the enterprise edition is exported", r.stderr)
refused(ent_pkg, [edition_id(ENTERPRISE), "版本不同", "ent.duty25", "PACKAGE_EDITION"],
        "a package of another edition is refused by name (PACKAGE_EDITION)")
old_fmt = os.path.join(TMP, "old-format.duty25")
shutil.copyfile(east_pkg, old_fmt)
c = sqlite3.connect(old_fmt)  # what duty25 wrote before packages carried the edition id: no level, no format
c.execute("ALTER TABLE package DROP COLUMN format")
c.execute("ALTER TABLE package DROP COLUMN level")
c.execute("UPDATE package SET edition = ?", ("教育系统落实企业安全生产主体责任百日攻坚行动",))
c.commit()
c.close()
refused(old_fmt, ["old-format.duty25", "旧版", "重新导出", "PACKAGE_FORMAT"],
        "a package written by an older duty25 (no edition id) is refused, asking to export again")
south_cfg, south_db = write_config("south", "南区")
shutil.copyfile(east_db, south_db)
south_pkg = os.path.join(TMP, "south.duty25")
duty25(south_cfg, "export", "--period", PERIOD, "--out", south_pkg)
refused(south_pkg, ["南区", "districts"], "a package of a district the city does not list is refused")
r = duty25(city_cfg, "merge", east_pkg, tampered)
tap(r.returncode == 1 and "未变" in r.stdout and "拒收" in r.stdout,
    "one refused file does not stop the others", r.stdout)

r1 = duty25(east_cfg, "merge", west_pkg)
prov_cfg, _ = write_config("prov", "示范省", "province")
r2 = duty25(prov_cfg, "export", "--period", PERIOD, "--out", os.path.join(TMP, "prov.duty25"))
tap(r1.returncode == 2 and "level" in r1.stderr and r2.returncode == 2 and "level" in r2.stderr
    and not os.path.exists(os.path.join(TMP, "prov.duty25")),
    "a district does not merge, a province does not export", [r1.stderr, r2.stderr])
r = duty25(prov_cfg, "merge", east_pkg)
tap(r.returncode == 1 and "PACKAGE_LEVEL" in r.stdout and "区县" in r.stdout,
    "a province refuses a district's package by name (PACKAGE_LEVEL)", r.stdout + r.stderr)
# (the city's report and tables: tests/city/report.py)

# ---- a district's whole database ----

city3_cfg, city3_db = write_config("city3", "示范市", "city")
r = duty25(city3_cfg, "merge", west_db)
tap(r.returncode == 1 and "--district" in r.stdout, "a district's database needs --district", r.stdout)
other_db = os.path.join(TMP, "other-edition.db")
shutil.copyfile(west_db, other_db)
c = sqlite3.connect(other_db)
c.execute("UPDATE returns SET edition = 'enterprise-2025'")
c.commit()
c.close()
before = dump(city3_db)
r = duty25(city3_cfg, "merge", "--district", "西区", other_db)
tap(r.returncode == 1 and "enterprise-2025" in r.stdout and "PACKAGE_EDITION" in r.stdout and dump(city3_db) == before,
    "a district's database holding only another edition's returns is refused by name, nothing written", r.stdout)
r = duty25(city3_cfg, "merge", "--district", "西区", west_db)
c3 = status(city3_cfg)
tap(r.returncode == 0 and all(c3.get(k) == west2.get(k) for k in COUNTS)
    and groups(c3, "by_district", "district") == {"西区": tuple(west2.get(k) for k in COUNTS)},
    "a district's whole database is merged: the city's November is 西区's", [r.stdout, r.stderr, c3.get("by_district")])
before = dump(city3_db)
r = duty25(city3_cfg, "merge", "--district", "西区", west_db)
tap(r.returncode == 0 and dump(city3_db) == before, "the same database again changes nothing", r.stdout)
r = duty25(city3_cfg, "merge", east_pkg)
c3 = status(city3_cfg)
tap(r.returncode == 0 and c3.get("districts_missing") == [] and
    [g["district"] for g in c3.get("by_district", [])] == ["西区", "东区"],
    "without [organisation] districts, the districts merged are listed in the order merged", c3.get("by_district"))
city4_cfg, city4_db = write_config("city4", "示范市", "city", districts=["东区", "西区", "北区"])
duty25(city4_cfg, "merge", east_pkg)
c4 = status(city4_cfg)
tap(c4.get("districts_missing") == ["西区", "北区"] and c4.get("expected") == east.get("expected"),
    "districts whose month is not merged are named (districts_missing)", [c4.get("districts_missing"), c4.get("expected")])

before = dump(city4_db)
r = duty25(city4_cfg, "merge", east_pkg + ".typo")
tap(r.returncode == 2 and ".typo" in r.stderr and dump(city4_db) == before,
    "a package that is not there is a usage error (exit 2) naming it, and nothing is merged", r.stderr)

shutil.rmtree(TMP, ignore_errors=True)
done()
