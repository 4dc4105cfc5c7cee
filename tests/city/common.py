"""Setup shared by the city and province suites (tests/city/check.py,
tests/city/report.py, tests/province/check.py): the samples and the
registry they are read against, a working folder of configurations and
databases (Setup: write_config, duty25, status, inbox), and the small
readers of a database (q, dump) and of status JSON (groups), and the
office page of duty25 serve read as a browser would (office_page).  Nothing here
checks anything: each suite makes its own districts and asserts its own
figures.  The package hash is pkghash.py's."""
import csv
import http.client
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(ROOT, "samples")
MANIFEST = json.load(open(os.path.join(SAMPLES, "expected.json"), encoding="utf-8"))
PERIOD = "2026-11"
RULES = os.path.join(ROOT, "config", "rules-education.ini")
UNITS_CSV = os.path.join(ROOT, "config", "units.csv")
COUNTS = ("expected", "on_time", "late", "incomplete", "rejected", "missing")

with open(UNITS_CSV, encoding="utf-8-sig", newline="") as f:
    UNITS = {r["code"]: r for r in csv.DictReader(f)}

# The November sample returns (the receipt registers left out) and the unit
# each is from (samples/expected.json).
NOV = sorted(n for n in os.listdir(os.path.join(SAMPLES, PERIOD)) if not n.startswith("收件登记"))
FILES_UNIT = {n: MANIFEST["files"]["%s/%s" % (PERIOD, n)]["unit"] for n in NOV}


def edition_id(rules):
    text = open(rules, encoding="utf-8").read()
    return re.search(r"^\[edition\][^\[]*?^id\s*=\s*(.+?)\s*$", text, re.M | re.S).group(1)


def odd(code):
    return code[-1] in "13579"


def stamp(path, when):
    t = time.mktime(time.strptime(when, "%Y-%m-%d %H:%M"))
    os.utime(path, (t, t))


def q(db, sql, *args):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def dump(db):
    """Every table but the run log, rows sorted: what a merge may change."""
    c = sqlite3.connect(db)
    out = {}
    for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                          " AND name != 'runs' ORDER BY name"):
        cols = [r[1] for r in c.execute("PRAGMA table_info(%s)" % t)]
        keep = [i for i, n in enumerate(cols) if n not in ("run_id", "merged")]
        out[t] = sorted(repr(tuple(r[i] for i in keep)) for r in c.execute("SELECT * FROM %s" % t))
    c.close()
    return out


def groups(st, key, name):
    """A status JSON's rows of one grouping (by_type...): name -> the COUNTS."""
    return {g[name]: tuple(g[k] for k in COUNTS) for g in st.get(key, [])}


class Setup:
    """A suite's working folder (a fresh temporary directory, tmp) and the
    duty25 binary it runs (the suite's first argument)."""

    def __init__(self, binary, prefix):
        self.bin = os.path.abspath(binary)
        self.tmp = tempfile.mkdtemp(prefix=prefix)

    def write_config(self, name, district, level="district", rules=RULES, districts=None, units=True, db=None,
                     extra=()):
        """TMP/NAME.ini for one office: its [campaign] (config/units.csv as its
        registry when units), its [store] (TMP/NAME.db unless db; receipt
        times from the files' mtime), the lines of extra, and its members
        ([organisation] districts) when given.  Returns (path, database)."""
        path = os.path.join(self.tmp, name + ".ini")
        lines = ["[campaign]", "district = %s" % district, "rules = %s" % rules, "level = %s" % level,
                 "[store]", "database = %s" % (db or os.path.join(self.tmp, name + ".db")), "received_time = mtime"]
        if units:
            lines.insert(3, "units = %s" % UNITS_CSV)
        lines += list(extra)
        if districts:
            lines += ["[organisation]", "districts = %s" % "|".join(districts)]
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return path, db or os.path.join(self.tmp, name + ".db")

    def duty25(self, cfg, *args):
        return subprocess.run([self.bin, "--config", cfg] + list(args), capture_output=True, text=True)

    def status(self, cfg, *extra):
        """duty25 status --format json for PERIOD, or {"error", "exit"}."""
        r = self.duty25(cfg, "status", "--period", PERIOD, "--format", "json", *extra)
        try:
            return json.loads(r.stdout)
        except ValueError:
            return {"error": r.stdout + r.stderr, "exit": r.returncode}

    def inbox(self, name, pick, late, day="2026-11-20 10:00"):
        """A district's inbox TMP/NAME: the November sample returns of the
        units pick(code) takes, received (mtime) on day, those of the units
        in late on 2026-11-27 09:30; a file already there is left as it is."""
        d = os.path.join(self.tmp, name)
        os.makedirs(d, exist_ok=True)
        for n in NOV:
            if pick(FILES_UNIT[n]) and not os.path.exists(os.path.join(d, n)):
                shutil.copyfile(os.path.join(SAMPLES, PERIOD, n), os.path.join(d, n))
                stamp(os.path.join(d, n), "2026-11-27 09:30" if FILES_UNIT[n] in late else day)
        return d

    def office_page(self, cfg, password, period=PERIOD):
        """The office page of duty25 serve for cfg (whose [serve] password
        is password's hash) for period: the server started on a free
        loopback port, logged in as the office, the page read, the server
        stopped.  Returns (HTTP status, page, server's log and exit)."""
        log_path = os.path.join(self.tmp, "serve-%d.log" % os.getpid())
        with open(log_path, "w+", encoding="utf-8") as log:
            p = subprocess.Popen([self.bin, "--config", cfg, "serve", "--listen", "127.0.0.1:0", "--period", period],
                                 stdout=log, stderr=log)
            port = None
            for _ in range(600):
                log.seek(0)
                m = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read())
                if m or p.poll() is not None:
                    port = m and int(m.group(1))
                    break
                time.sleep(0.1)

            def request(method, path, body=None, headers=None):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                c.request(method, path, body=body, headers=headers or {})
                resp = c.getresponse()
                data = resp.read()
                c.close()
                return resp.status, dict(resp.getheaders()), data.decode("utf-8", "replace")

            status, page = 0, ""
            try:
                if port:
                    _, _, login = request("GET", "/office")
                    m = re.search(r'name="csrf" value="([0-9a-f]+)"', login)
                    body = urllib.parse.urlencode({"password": password, "csrf": m.group(1) if m else ""}).encode()
                    _, h, _ = request("POST", "/office/login", body,
                                      {"Content-Type": "application/x-www-form-urlencoded"})
                    cookie = h.get("Set-Cookie", "").split(";")[0]
                    status, _, page = request("GET", "/office?period=" + period, headers={"Cookie": cookie})
            finally:
                if p.poll() is None:
                    p.terminate()
                code = p.wait(timeout=60)
            log.seek(0)
            return status, page, "%s\n(exit %s)" % (log.read(), code)
