#!/usr/bin/python3
"""Validate the clerk layouts that tests/layouts/gen.py writes and compare
what duty25 read with what the generator put in each file: verdict,
finding codes (and the sub-items they name), unit, period, forms, every
sub-item's status and every progress blank.  Then take two of them into a
database and check that what was written (、 in a blank, a remark after a
tick) is stored as written.  Prints TAP.

    tests/layouts/check.py build/duty25 [--rules FILE]

(--rules: another rule set, e.g. an older build's own, for running the
layouts against the code as it was.)

The layouts are generated once into build/layouts (again only when the
generator, the rule set or the registry changed), so the sanitizer pass
reuses the plain pass's files.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import tap, done  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.abspath(sys.argv[1])
EXTRA = ["--rules", os.path.abspath(sys.argv[sys.argv.index("--rules") + 1])] if "--rules" in sys.argv else []
OUT = os.path.join(ROOT, "build", "layouts")
MIN_CASES = 30


def stamp():
    h = hashlib.sha256()
    for p in ("tests/layouts/gen.py", "config/rules-education.ini", "config/units.csv"):
        with open(os.path.join(ROOT, p), "rb") as f:
            h.update(f.read())
    h.update(b"lo" if shutil.which("soffice") else b"no-lo")
    return h.hexdigest()


def generate():
    want = stamp()
    sfile = os.path.join(OUT, "stamp")
    if os.path.exists(sfile) and open(sfile).read() == want and os.path.exists(os.path.join(OUT, "manifest.json")):
        return True, "reused"
    shutil.rmtree(OUT, ignore_errors=True)
    t0 = time.time()
    r = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "gen.py"), OUT], capture_output=True, text=True)
    if r.returncode != 0:
        return False, r.stderr[-3000:]
    with open(sfile, "w") as f:
        f.write(want)
    return True, "generated in %.1f s" % (time.time() - t0)


ok, how = generate()
tap(ok, "layouts generated into build/layouts (%s)" % (how if ok else "failed"), how)
if not ok:
    done()
manifest = json.load(open(os.path.join(OUT, "manifest.json"), encoding="utf-8"))
cases = manifest["cases"]
lo = shutil.which("soffice") is not None
tap(len(cases) >= MIN_CASES or not lo, "%d layouts (at least %d)" % (len(cases), MIN_CASES))

files = [os.path.join(OUT, c["file"]) for c in cases]
t0 = time.time()
r = subprocess.run([BIN, "validate", "--format", "json", "--answers", "--period", manifest["period"]] + EXTRA + files,
                   capture_output=True, text=True, cwd=ROOT)
elapsed = time.time() - t0
try:
    doc = json.loads(r.stdout)
except ValueError as e:
    tap(False, "validate printed JSON", "%s\n%s\n%s" % (e, r.stdout[:2000], r.stderr[:2000]))
    done()
tap(r.returncode in (0, 1) and not r.stderr.strip(), "validate ran cleanly (exit %d, %.1f s)" % (r.returncode, elapsed),
    r.stderr[:3000])
got = {os.path.basename(f["file"]): f for f in doc["files"]}


def diff_map(kind, want, have):
    out = []
    have = have or {}
    for k in sorted(set(want) | set(have), key=lambda s: [int(x) if x.isdigit() else x for x in s.replace(".", " ").split()]):
        w, h = want.get(k, "<absent>"), have.get(k, "<absent>")
        if w != h:
            out.append("%s %s: want %r, got %r" % (kind, k, w, h))
    return out


for c in cases:
    g = got.get(c["file"])
    name = "%s %s (%s)" % (c["case"], c["desc"], c["writer"])
    if g is None:
        tap(False, name, "not in duty25's output")
        continue
    bad = []
    if g["verdict"] != c["verdict"]:
        bad.append("verdict: want %s, got %s" % (c["verdict"], g["verdict"]))
    codes = sorted(set(f["code"] for f in g["findings"]))
    if codes != c["codes"]:
        bad.append("codes: want %s, got %s" % (c["codes"], codes))
    for wf in c["findings"]:
        if not any(f["code"] == wf["code"] and f["item"] == wf["item"] for f in g["findings"]):
            bad.append("no finding %s on %s" % (wf["code"], wf["item"]))
    for f in g["findings"]:
        if f["item"] and f["code"].startswith("STATUS_") and \
                not any(wf["code"] == f["code"] and wf["item"] == f["item"] for wf in c["findings"]):
            bad.append("unexpected %s on %s: %s" % (f["code"], f["item"], f["message"]))
    gunit = g["unit"]["code"] if g["unit"] else None
    if gunit != c["unit"]:
        bad.append("unit: want %s, got %s" % (c["unit"], gunit))
    if g["period"] != c["period"]:
        bad.append("period: want %s, got %s" % (c["period"], g["period"]))
    if g["forms"] != c["forms"]:
        bad.append("forms: want %s, got %s" % (c["forms"], g["forms"]))
    ans = g.get("answers") or {}
    if c["checklist"] is not None:
        bad += diff_map("sub-item", c["checklist"], ans.get("checklist"))
    if c["progress"] is not None:
        bad += diff_map("blank", c["progress"], ans.get("progress"))
    if bad:
        bad += ["finding: %s %s %s %s" % (f["code"], f["item"], f["place"], f["message"][:120]) for f in g["findings"]]
    tap(not bad, name, bad)

# What was written is what is stored: 、 in a blank, the remark after a tick.
with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "t.db")
    picks = [os.path.join(OUT, c["file"]) for c in cases if c["case"] in ("d18", "d32")]
    r = subprocess.run([BIN, "ingest", "-q", "--db", db, "--period", manifest["period"]] + EXTRA + picks,
                       capture_output=True, text=True, cwd=ROOT)
    tap(r.returncode == 0, "ingest d18 and d32 (exit %d)" % r.returncode, r.stdout + r.stderr)
    if r.returncode == 0:
        con = sqlite3.connect(db)
        means = [x[0] for x in con.execute("SELECT raw FROM progress_values WHERE field = 'deploy_means'")]
        tap(means == ["行政会、教职工大会"], "the deployment blank is stored as written: %s" % means)
        remarks = dict(con.execute("SELECT sub_item, remark FROM answers WHERE sub_item IN ('1.1', '2.2') "
                                   "AND remark <> ''"))
        tap(remarks == {"1.1": "见台账", "2.2": "已公示、已存档"}, "remarks after a tick are stored as written: %s" % remarks)
        con.close()

done()
