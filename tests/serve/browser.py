#!/usr/bin/python3
"""duty25 serve in a real browser (issue 21): Debian's chromium, headless,
driven by puppeteer-core (tests/serve/browser.js).

A unit opens its link, checks a flawed sample and reads the findings from
the page; another unit hands in a good sample; the office logs in and its
status page counts it.  Screenshots of each page go to $D25_SHOTS (default
build/serve-shots; `D25_SHOTS=samples` refreshes the README's pictures).
Expectations come from samples/expected.json and config/units.csv.  The
server runs with libfaketime at 20 November 2026 10:00, before the deadline.

Skipped (not failed) when chromium or node is missing; puppeteer-core is
installed from tests/serve/package-lock.json (npm ci) when absent.

    tests/serve/browser.py build/duty25
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import tap, skip, done  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../.."))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build/duty25"))
SAMPLES = os.path.join(ROOT, "samples")
MANIFEST = json.load(open(os.path.join(SAMPLES, "expected.json"), encoding="utf-8"))["files"]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = os.path.abspath(os.path.join(ROOT, os.environ.get("D25_SHOTS", "build/serve-shots")))
FAKETIME_LIB = next((p for p in ["/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
                                  "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1"] if os.path.exists(p)), None)
PASSWORD = "办公室-secret-2026"
FLAWED_KEY = "flawed/城西小学-2026年11月-不应不适用.docx"
GOOD_KEY = "2026-11/示范区实验小学-2026年11月-清单及推进情况.docx"

with open(os.path.join(ROOT, "config/units.csv"), encoding="utf-8-sig") as f:
    UNITS = {u["code"]: u for u in csv.DictReader(f)}

if not os.path.exists(CHROMIUM) or not shutil.which("node"):
    skip("the browser test", "no %s or node (make deps installs them)" % CHROMIUM)
    done()
if not os.path.isdir(os.path.join(HERE, "node_modules/puppeteer-core")):
    r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True)
    if not tap(r.returncode == 0, "npm ci installs puppeteer-core from package-lock.json", r.stdout + r.stderr):
        done()

TMP = tempfile.mkdtemp(prefix="d25browser")
WORK = os.path.join(TMP, "work")
r = subprocess.run([BIN, "init", WORK], capture_output=True, text=True)
assert r.returncode == 0, r.stderr
hashed = subprocess.run([BIN, "serve", "--hash-password"], input=PASSWORD + "\n", cwd=WORK, capture_output=True,
                        text=True).stdout.strip()
conf = os.path.join(WORK, "config/duty25.ini")
text = open(conf, encoding="utf-8").read()
text = re.sub(r"(?m)^password =.*$", lambda m: "password = " + hashed, text)
open(conf, "w", encoding="utf-8").write(text)
links = subprocess.run([BIN, "links"], cwd=WORK, capture_output=True, text=True).stdout
TOKENS = {row.split("\t")[0]: row.split("\t")[4].rsplit("/", 1)[1] for row in links.splitlines()}

env = dict(os.environ)
if FAKETIME_LIB:
    env.update(LD_PRELOAD=FAKETIME_LIB, FAKETIME="@2026-11-20 10:00:00", FAKETIME_DONT_FAKE_MONOTONIC="1")
log = open(os.path.join(TMP, "serve.log"), "w+", encoding="utf-8")
server = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--period", "2026-11"], cwd=WORK, stdout=log,
                          stderr=log, env=env)
port = None
for _ in range(300):
    log.seek(0)
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read())
    if m:
        port = int(m.group(1))
        break
    time.sleep(0.1)
assert port, "server did not start"

flawed, good = MANIFEST[FLAWED_KEY], MANIFEST[GOOD_KEY]
os.makedirs(SHOTS, exist_ok=True)
cfg = {"base": "http://127.0.0.1:%d" % port, "chromium": CHROMIUM, "password": PASSWORD, "shots": SHOTS,
       "flawed": {"token": TOKENS[flawed["unit"]], "file": os.path.join(SAMPLES, FLAWED_KEY)},
       "good": {"token": TOKENS[good["unit"]], "file": os.path.join(SAMPLES, GOOD_KEY)}}
cfg_path = os.path.join(TMP, "browser.json")
json.dump(cfg, open(cfg_path, "w"))
nenv = dict(os.environ)
nenv.pop("LD_PRELOAD", None)
r = subprocess.run(["node", os.path.join(HERE, "browser.js"), cfg_path], cwd=HERE, capture_output=True, text=True,
                   timeout=300, env=nenv)
server.terminate()
server.wait(timeout=60)
if not tap(r.returncode == 0, "chromium went through the pages", r.stderr[-3000:]):
    done()
seen = json.loads(r.stdout)

tap(UNITS[flawed["unit"]]["name"] in seen["unit_title"], "the unit's link opens its own page", seen["unit_title"])
chk = seen["check"] or {}
codes = [row[1] for row in chk.get("findings", [])]
tap("退回" in chk.get("verdict", "") and sorted(codes) == sorted(flawed["codes"]),
    "check only: the page shows the verdict and the finding codes the flawed sample was written with", chk)
f = flawed["findings"][0]
row = chk["findings"][0] if chk.get("findings") else ["", "", "", "", ""]
tap(row[0] == "错误" and row[2] == f["place"] and row[3] == f["item"] and row[4],
    "... each with its place, sub-item and what to write", row)
tap(chk.get("notice") and "只检查" in chk.get("text", ""), "... with the rejection notice to download, nothing stored")
hi = seen["handin"] or {}
tap("接收" in hi.get("verdict", "") and "已报送（新收）" in hi.get("text", ""), "a good return handed in: accepted and stored",
    hi)
tap("已接收" in seen["handin_month"], "... and the unit's month shows its forms received", seen["handin_month"])
tap(seen["office_file_status"] == 403, "the office's files refuse a browser that has not logged in")
counts = seen["office_counts"]
expected = sum(1 for u in UNITS.values() if (not u["active_from"] or u["active_from"][:7] <= "2026-11") and
               (not u["active_until"] or "2026-11" <= u["active_until"][:7]))
key = "n-on_time" if FAKETIME_LIB else "n-late"
tap(counts.get("expected") == expected and counts.get(key) == 1 and counts.get("n-missing") == expected - 1,
    "the office's status page counts the hand-in: %d expected, 1 %s, %d missing" % (expected, key[2:], expected - 1),
    counts)
tap(UNITS[good["unit"]]["name"] in seen["office_latest"], "... and lists it among the latest returns")
tap(any(c["name"] == "d25s" and c["httpOnly"] and c["sameSite"] == "Strict" for c in seen["cookies"]),
    "the session cookie is HttpOnly and SameSite=Strict in the browser", seen["cookies"])
tap(seen["outside"] == [], "the pages fetch nothing from elsewhere", seen["outside"])
shots = ["serve-unit.png", "serve-check.png", "serve-handin.png", "serve-login.png", "serve-office.png"]
tap(all(open(os.path.join(SHOTS, s), "rb").read(8) == b"\x89PNG\r\n\x1a\n" for s in shots),
    "screenshots of each page in " + os.path.relpath(SHOTS, ROOT))
if os.environ.get("KEEP"):
    print("# kept " + TMP)
else:
    shutil.rmtree(TMP, ignore_errors=True)
done()
