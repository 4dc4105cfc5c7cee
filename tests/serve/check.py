#!/usr/bin/python3
"""duty25 serve (issue 21) over HTTP, without a browser: the limits and the
refusals a hostile network meets, and many units handing in at once.

A working folder made by `duty25 init`; the server started on a free
loopback port (--listen 127.0.0.1:0, the port read from its log) under
faketime at 20 November 2026 10:00 (before the deadline day of the rule
set), so that a return handed in counts on time.  Expectations come from
samples/expected.json (made by the writer of the samples), config/units.csv
read with csv, the rule set's deadline day, hashlib's PBKDF2 and SQLite read
here; never from duty25's own output.

    tests/serve/check.py build/duty25
"""
import configparser
import csv
import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import http.client
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import tap, done  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build/duty25"))
SAMPLES = os.path.join(ROOT, "samples")
MANIFEST = json.load(open(os.path.join(SAMPLES, "expected.json"), encoding="utf-8"))["files"]
FAKETIME_LIB = next((p for p in ["/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
                                  "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1"] if os.path.exists(p)), None)
TMP = tempfile.mkdtemp(prefix="d25serve")
WORK = os.path.join(TMP, "work")
PASSWORD = "办公室-secret-2026"
MAX_UPLOAD = 2 << 20          # the test's [serve] max_upload: 2M

with open(os.path.join(ROOT, "config/units.csv"), encoding="utf-8-sig") as f:
    UNITS = list(csv.DictReader(f))
BY_CODE = {u["code"]: u for u in UNITS}
ini = configparser.ConfigParser(interpolation=None, comment_prefixes=(";", "#"), inline_comment_prefixes=None)
ini.read(os.path.join(ROOT, "config/rules-education.ini"), encoding="utf-8")
DEADLINE_DAY = int(ini["edition"]["deadline_day"])


def run(args, **kw):
    return subprocess.run([BIN] + args, cwd=WORK, capture_output=True, text=True, **kw)


def set_ini(path, section, values):
    """Set keys of one section of the working folder's duty25.ini in place."""
    lines = open(path, encoding="utf-8").read().split("\n")
    sec = None
    for i, line in enumerate(lines):
        m = re.match(r"\[(\w+)\]", line)
        if m:
            sec = m.group(1)
            continue
        k = line.split("=", 1)[0].strip()
        if sec == section and "=" in line and not line.startswith(";") and k in values:
            lines[i] = "%s = %s" % (k, values[k])
    open(path, "w", encoding="utf-8").write("\n".join(lines))


# ---- the working folder, the password, the links ----
r = subprocess.run([BIN, "init", WORK], capture_output=True, text=True)
assert r.returncode == 0, r.stderr
CONFIG = os.path.join(WORK, "config/duty25.ini")
r = run(["serve", "--hash-password"], input=PASSWORD + "\n")
stored = r.stdout.strip()
m = re.fullmatch(r"pbkdf2-sha256\$(\d+)\$([0-9a-f]+)\$([0-9a-f]{64})", stored)
ok = bool(m) and hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), bytes.fromhex(m.group(2)),
                                     int(m.group(1))).hex() == m.group(3)
tap(r.returncode == 0 and ok and PASSWORD not in r.stdout,
    "serve --hash-password prints a salted PBKDF2-SHA256 hash that hashlib verifies", r.stdout + r.stderr)
r2 = run(["serve", "--hash-password"], input=PASSWORD + "\n")
tap(r2.stdout.strip() != stored, "each hash has its own salt")
set_ini(CONFIG, "serve", {"password": stored, "max_upload": "2M", "max_uploads": "6",
                          "base_url": "http://intranet.example:8025/"})
# hand-ins wait for the writers' lock while a batch ingest runs beside them
set_ini(CONFIG, "store", {"lock_wait": "120"})

r = run(["links"])
rows = [line.split("\t") for line in r.stdout.splitlines()]
TOKENS = {row[0]: row[4].rsplit("/", 1)[1] for row in rows if len(row) == 5}
tap(r.returncode == 0 and set(TOKENS) == set(BY_CODE) and
    all(re.fullmatch(r"http://intranet\.example:8025/u/[0-9a-f]{40}", row[4]) for row in rows) and
    all(row[3] == BY_CODE[row[0]]["phone"] for row in rows) and len(set(TOKENS.values())) == len(TOKENS),
    "links: one distinct random link per unit of the registry, under [serve] base_url, with its phone", r.stdout + r.stderr)
r = run(["links", "--unit", "SF-X003"])
tap(r.returncode == 0 and r.stdout.count("\n") == 1 and TOKENS["SF-X003"] in r.stdout,
    "links --unit: that unit's link, the same as before", r.stdout + r.stderr)
DB = os.path.join(WORK, "data/duty25.db")
tap(sqlite3.connect(DB).execute("PRAGMA user_version").fetchone()[0] >= 8, "the database holds the links (schema 8)")

# The blank forms carry the unit's own link (the same as links lists).
fdir = os.path.join(TMP, "forms")
r = run(["forms", "-q", "--unit", "SF-X003", "--period", "2026-11", "--out", fdir])
import docx  # noqa: E402
import openpyxl  # noqa: E402
want = "http://intranet.example:8025/u/" + TOKENS["SF-X003"]
found = {}
for fn in sorted(os.listdir(fdir)) if os.path.isdir(fdir) else []:
    path = os.path.join(fdir, fn)
    if fn.endswith(".docx"):
        text = "\n".join(p.text for p in docx.Document(path).paragraphs)
    else:
        wb = openpyxl.load_workbook(path)
        text = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    found[fn] = ("网上报送" in text and want in text)
tap(r.returncode == 0 and len(found) == 3 and all(found.values()),
    "the unit's blank forms (two DOCX, one XLSX) print its personal link", (r.stdout, r.stderr, found))


# ---- the server ----
def start_server(extra_env=None):
    cmd = [BIN, "serve", "--listen", "127.0.0.1:0", "--period", "2026-11"]
    env = dict(os.environ)
    if FAKETIME_LIB:
        # preloaded directly: the faketime wrapper would stand between the
        # server and the SIGTERM that stops it
        env["LD_PRELOAD"] = FAKETIME_LIB
        env["FAKETIME"] = "@2026-11-20 10:00:00"
        env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0").lstrip(":")
    env.update(extra_env or {})
    log = open(os.path.join(TMP, "serve.log"), "w+", encoding="utf-8")
    p = subprocess.Popen(cmd, cwd=WORK, stdout=log, stderr=log, env=env)
    for _ in range(300):
        log.seek(0)
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read())
        if m:
            return p, int(m.group(1)), log
        if p.poll() is not None:
            break
        time.sleep(0.1)
    log.seek(0)
    raise SystemExit("server did not start: " + log.read())


SERVER, PORT, LOG = start_server()


def request(method, path, body=None, headers=None, timeout=300):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    c.request(method, path, body=body, headers=headers or {})
    resp = c.getresponse()
    data = resp.read()
    c.close()
    return resp.status, dict(resp.getheaders()), data


def multipart(fields, file_name=None, file_bytes=None):
    boundary = "d25test" + os.urandom(8).hex()
    parts = []
    for k, v in fields.items():
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v)).encode())
    if file_name is not None:
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                      "Content-Type: application/octet-stream\r\n\r\n" % (boundary, file_name)).encode("utf-8")
                     + file_bytes + b"\r\n")
    parts.append(("--%s--\r\n" % boundary).encode())
    return b"".join(parts), {"Content-Type": "multipart/form-data; boundary=" + boundary}


def unit_page(code):
    return request("GET", "/u/" + TOKENS[code])


def csrf_of(html):
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    return m.group(1) if m else ""


def upload(code, path, action, csrf=None, name=None):
    if csrf is None:
        csrf = csrf_of(unit_page(code)[2].decode())
    fields = {"action": action}
    if csrf:
        fields["csrf"] = csrf
    body, headers = multipart(fields, name or os.path.basename(path), open(path, "rb").read())
    status, h, data = request("POST", "/u/%s/upload" % TOKENS[code], body, headers)
    return status, data.decode("utf-8", "replace")


def returns_count(where="1"):
    c = sqlite3.connect(DB)
    try:
        return c.execute("SELECT count(*) FROM returns WHERE " + where).fetchone()[0]
    finally:
        c.close()


# ---- a unit's page ----
status, headers, data = unit_page("SF-X003")
html = data.decode()
tap(status == 200 and BY_CODE["SF-X003"]["name"] in html and "2026年11月" in html and csrf_of(html) and
    "<script" not in html and not re.search(r'(src|href)="(https?:)?//', html),
    "a unit's link: its name and month, an upload form with a CSRF token, no script, nothing from elsewhere")
tap(headers.get("Referrer-Policy") == "no-referrer" and "default-src 'none'" in headers.get("Content-Security-Policy", ""),
    "the pages send no referrer (the link is a secret) and forbid anything from elsewhere", headers)
other = [u for u in UNITS if u["code"] != "SF-X003"][0]
tap(other["name"] not in html, "the page shows no other unit")

wrong = "0" * 40 if TOKENS["SF-X003"] != "0" * 40 else "1" * 40
for what, path in [("an unknown token", "/u/" + wrong), ("a malformed token", "/u/xyz"),
                   ("a token with a path after it", "/u/%s/../../etc/passwd" % TOKENS["SF-X003"]),
                   ("a path outside the pages", "/../../etc/passwd"), ("the config", "/config/duty25.ini")]:
    status, _, data = request("GET", path)
    tap(status == 404 and b"root:" not in data and b"[serve]" not in data, "refused: " + what, status)

flawed = os.path.join(SAMPLES, "flawed/城西小学-2026年11月-不应不适用.docx")
exp = MANIFEST["flawed/城西小学-2026年11月-不应不适用.docx"]
body_, headers_ = multipart({"action": "submit", "csrf": csrf_of(html)}, "a.docx", open(flawed, "rb").read())
status, _, data = request("POST", "/u/%s/upload" % wrong, body_, headers_)
tap(status == 404 and returns_count() == 0, "an upload on a wrong token is refused, nothing stored", status)

# CSRF
status, body = upload("SF-X003", flawed, "submit", csrf="")
tap(status == 403 and returns_count() == 0, "an upload without the CSRF token is refused, nothing stored", status)
status, body = upload("SF-X003", flawed, "submit", csrf="0" * 32)
tap(status == 403 and returns_count() == 0, "an upload with a wrong CSRF token is refused", status)
status, body = upload("SF-X001", flawed, "submit", csrf=csrf_of(html))
tap(status == 403 and returns_count() == 0, "one unit's CSRF token does not serve another unit's link", status)

# check only
status, body = upload("SF-X003", flawed, "check")
codes = re.findall(r'<td class="(?:bad|warn)">(?:错误|提醒)</td><td>([A-Z_]+)</td>', body)
tap(status == 200 and sorted(codes) == sorted(exp["codes"]) and "结论：退回" in body,
    "check only: the verdict and the findings the sample was written with", codes)
f = exp["findings"][0]
tap(f["place"] in body and f["item"] in body, "... with the place and the sub-item", f)
tap(returns_count() == 0 and not os.path.exists(os.path.join(WORK, "inbox/网页上传")),
    "check only stores nothing and keeps no file")
m = re.search(r'href="(/u/[0-9a-f]+/notice/[0-9a-f]+)"', body)
ok = False
if m:
    status, h, data = request("GET", m.group(1))
    ok = status == 200 and data[:2] == b"PK" and "退回通知" in urllib.parse.unquote(h.get("Content-Disposition", ""))
    tpath = os.path.join(TMP, "notice.docx")
    open(tpath, "wb").write(data)
    import docx
    text = "\n".join(p.text for p in docx.Document(tpath).paragraphs) + "\n".join(
        c.text for t in docx.Document(tpath).tables for row in t.rows for c in row.cells)
    ok = ok and BY_CODE["SF-X003"]["name"] in text and f["item"] in text
    status2, _, _ = request("GET", m.group(1).replace(TOKENS["SF-X003"], TOKENS["SF-X001"]))
    ok = ok and status2 == 404
tap(ok, "the rejection notice downloads as a Word file naming the unit and the sub-item; not on another unit's link")

# another unit's file on this link
good_x001 = os.path.join(SAMPLES, "2026-11/示范区实验小学-2026年11月-清单及推进情况.docx")
status, body = upload("SF-X003", good_x001, "submit")
tap(status == 200 and "不是本单位" in body and returns_count() == 0, "a unit cannot hand in another unit's return", status)

# ---- the office ----
status, h, data = request("GET", "/office")
tap(status == 200 and 'type="password"' in data.decode() and "需催报" not in data.decode(),
    "the office page without a session: the login form only")
for k in ["report", "tables", "workbook"]:
    status, h, data = request("GET", "/office/file/%s?period=2026-11" % k)
    tap(status == 403 and data[:2] != b"PK", "refused without a session: /office/file/" + k, status)
status, h, data = request("GET", "/office", headers={"Cookie": "d25s=" + "a" * 64})
tap(status == 200 and "需催报" not in data.decode(), "a made-up session is no session")


def login(password, csrf=True):
    status, h, data = request("GET", "/office")
    fields = {"password": password}
    if csrf:
        fields["csrf"] = csrf_of(data.decode())
    body = urllib.parse.urlencode(fields).encode()
    return request("POST", "/office/login", body, {"Content-Type": "application/x-www-form-urlencoded"})


status, h, _ = login("wrong-password")
tap(status == 403 and "Set-Cookie" not in h, "a wrong password: refused, no session", status)
status, h, _ = login(PASSWORD, csrf=False)
tap(status == 403 and "Set-Cookie" not in h, "a login without the CSRF token: refused", status)
status, h, _ = login(PASSWORD)
cookie = h.get("Set-Cookie", "")
tap(status == 303 and "HttpOnly" in cookie and "SameSite=Strict" in cookie and re.match(r"d25s=[0-9a-f]{64};", cookie),
    "the right password: a session cookie, HttpOnly and SameSite=Strict", cookie)
SESSION = {"Cookie": cookie.split(";")[0]}
status, h, data = request("GET", "/office?period=2026-11", headers=SESSION)
office = data.decode()
tap(status == 200 and "需催报的单位" in office and BY_CODE["SF-X001"]["phone"] in office,
    "with the session: the month's status, the units to call with their phones")
status, h, data = request("GET", "/office/file/../../config/duty25.ini", headers=SESSION)
tap(status == 404 and b"[serve]" not in data, "no path from a request reaches the filesystem (office)", status)

# ---- oversized uploads ----
# With a Content-Length over the cap: the answer comes before the body is
# sent at all (the socket is read for the reply after the headers only).
s = socket.create_connection(("127.0.0.1", PORT), timeout=30)
size = 50 << 20
s.sendall(("POST /u/%s/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=d25bound\r\n"
           "Content-Length: %d\r\n\r\n" % (TOKENS["SF-X003"], size)).encode())
s.sendall(b'--d25bound\r\nContent-Disposition: form-data; name="file"; filename="a.docx"\r\n\r\n' + b"x" * 1000)
reply = s.recv(4096).decode("utf-8", "replace")
s.close()
tap(reply.startswith("HTTP/1.1 413"), "an upload whose Content-Length passes [serve] max_upload: 413 before its body is read",
    reply[:200])
# Without a Content-Length (chunked): cut off once the bytes received pass
# the cap, long before the whole was sent.
s = socket.create_connection(("127.0.0.1", PORT), timeout=30)
s.sendall(("POST /u/%s/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=d25bound\r\n"
           "Transfer-Encoding: chunked\r\n\r\n" % TOKENS["SF-X003"]).encode())
head = b'--d25bound\r\nContent-Disposition: form-data; name="file"; filename="a.docx"\r\n\r\n'
s.sendall(b"%x\r\n" % len(head) + head + b"\r\n")
sent, total, chunk = 0, 40 << 20, b"y" * 65536
try:
    while sent < total:
        s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        sent += len(chunk)
except OSError:
    pass
s.close()
tap(sent < total // 2 and sent >= MAX_UPLOAD // 2, "a chunked upload is cut off once past the cap (%d of %d bytes sent)"
    % (sent, total))
big = os.path.join(TMP, "big.docx")
with open(big, "wb") as fb:
    fb.write(open(flawed, "rb").read() + b"\0" * (MAX_UPLOAD + 10))
status, body = upload("SF-X003", big, "submit")
tap(status == 413 and returns_count() == 0, "curl-like multipart upload past the cap: 413, nothing stored", status)
huge = os.path.join(TMP, "huge.docx")
with open(huge, "wb") as fb:
    fb.truncate(64 << 20)
r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_upload}",
                    "-F", "csrf=" + csrf_of(html), "-F", "action=submit", "-F", "file=@" + huge,
                    "http://127.0.0.1:%d/u/%s/upload" % (PORT, TOKENS["SF-X003"])], capture_output=True, text=True)
code_, up = (r.stdout.split() + ["", ""])[:2]
tap(code_ == "413" and int(up or 0) < (16 << 20), "curl, a 64 MB file: 413, and curl sent only %s bytes of it" % up, r.stdout)
status, h, data = request("GET", "/u/" + TOKENS["SF-X003"])
tap(status == 200, "the server still answers after the refusals")

# ---- many units at once, beside a batch ingest ----
nov = sorted(k for k in MANIFEST if k.startswith("2026-11/"))
tap(len(nov) >= 50, "at least 50 returns of November in the samples (%d)" % len(nov))
results = {}


def hand_in(key):
    code = MANIFEST[key]["unit"]
    try:
        results[key] = upload(code, os.path.join(SAMPLES, key), "submit")
    except Exception as e:  # noqa: BLE001
        results[key] = (0, repr(e))


oct_dir = os.path.join(WORK, "oct")
shutil.copytree(os.path.join(SAMPLES, "2026-10"), oct_dir)
threads = [threading.Thread(target=hand_in, args=(k,)) for k in nov]
t0 = time.time()
for t in threads:
    t.start()
batch = run(["ingest", "-q", "--period", "2026-10", oct_dir])
for t in threads:
    t.join()
elapsed = time.time() - t0
bad = {k: v[0] for k, v in results.items() if v[0] != 200 or "已报送" not in v[1]}
tap(not bad, "%d concurrent hand-ins, each answered \"已报送\" (%.1f s)" % (len(nov), elapsed), bad)
tap(batch.returncode in (0, 1) and "数据库" in batch.stdout,
    "a batch ingest of October beside them takes the same lock and succeeds", batch.stdout + batch.stderr)
c = sqlite3.connect(DB)
rows = c.execute("SELECT r.sha256, r.path, r.unit_code, r.verdict, r.received, r.received_source FROM returns r"
                 " WHERE r.period = '2026-11'").fetchall()
shas = {}
for key in nov:
    shas[hashlib.sha256(open(os.path.join(SAMPLES, key), "rb").read()).hexdigest()] = key
stored = {row[0]: row for row in rows}
tap(len(rows) == len(nov) and set(stored) == set(shas), "each of them stored exactly once (%d rows)" % len(rows))
tap(all(stored[h][2] == MANIFEST[k]["unit"] and stored[h][3] == MANIFEST[k]["verdict"] for h, k in shas.items()),
    "... under its unit, with the verdict the sample was written with")
tap(all(stored[h][4].startswith("2026-11-20 10:" if FAKETIME_LIB else "20") and stored[h][5] == "seen" for h in stored),
    "... received at the time of the upload (libfaketime: 2026-11-20 10:..)",
    sorted({(r[4], r[5]) for r in rows})[:5])
kept = os.listdir(os.path.join(WORK, "inbox/网页上传/2026-11"))
tap(len(kept) == len(nov) and all(os.path.join("inbox/网页上传/2026-11", n) in p for (_, p, *_) in rows for n in
                                  [os.path.basename(p)]),
    "... the raw files kept in the inbox (网页上传/2026-11), one per return", len(kept))
oct_files = [n for n in os.listdir(oct_dir) if n.endswith((".docx", ".xlsx")) and not n.startswith("收件登记")]
tap(c.execute("SELECT count(*) FROM returns WHERE period = '2026-10'").fetchone()[0] == len(oct_files),
    "... and October's batch stored all its %d returns" % len(oct_files))
tap(c.execute("PRAGMA integrity_check").fetchone()[0] == "ok" and
    c.execute("PRAGMA foreign_key_check").fetchall() == [], "the database is intact (integrity_check, foreign_key_check)")
c.close()

again = nov[:10]
threads = [threading.Thread(target=hand_in, args=(k,)) for k in again]
for t in threads:
    t.start()
for t in threads:
    t.join()
tap(all("没有重复存入" in results[k][1] for k in again) and returns_count("period = '2026-11'") == len(nov),
    "the same files again, at once: told they were handed in before, nothing stored twice")

# ---- the office sees them ----
expected = [u for u in UNITS if (not u["active_from"] or u["active_from"][:7] <= "2026-11") and
            (not u["active_until"] or "2026-11" <= u["active_until"][:7])]
forms = {}
for k in nov:
    e = MANIFEST[k]
    for form in e["forms"]:
        if e["verdict"] == "accepted":
            forms.setdefault(e["unit"], set()).add(form)
both = [code for code, fs in forms.items() if fs == {"checklist", "progress"}]
status, h, data = request("GET", "/office?period=2026-11", headers=SESSION)
office = data.decode()


def cell(name):
    m = re.search(r'id="%s">(\d+)<' % name, office)
    return int(m.group(1)) if m else None


counted = "n-on_time" if FAKETIME_LIB else "n-late"
tap(cell("expected") == len(expected) and cell(counted) == len(both),
    "the office's status counts the hand-ins: %d expected, %d %s" % (len(expected), len(both), counted[2:]),
    [cell("expected"), cell("n-on_time"), cell("n-late")])
names = [BY_CODE[MANIFEST[k]["unit"]]["name"] for k in nov]
tap(all(n in office for n in names), "the latest returns list every unit that handed in")
for k in ["report", "tables", "workbook"]:
    status, h, data = request("GET", "/office/file/%s?period=2026-11" % k, headers=SESSION)
    tap(status == 200 and data[:2] == b"PK" and "2026年11月" in urllib.parse.unquote(h.get("Content-Disposition", "")),
        "download with the session: " + k, status)
r = run(["status", "--period", "2026-11", "--format", "json"])
js = json.loads(r.stdout) if r.returncode == 0 else {}
tap(r.returncode == 0 and json.dumps(js, ensure_ascii=False).count(BY_CODE[both[0]]["name"]) >= 1 and
    re.search(r'"%s"\s*:\s*%d\b' % (counted[2:], len(both)), r.stdout), "duty25 status, beside the server, reads the same month",
    r.stdout[:500] + r.stderr)

# ---- logout: the session ends ----
status, h, data = request("GET", "/office", headers=SESSION)
token = csrf_of(data.decode())
body = urllib.parse.urlencode({}).encode()
status, h, _ = request("POST", "/office/logout", body, dict(SESSION, **{"Content-Type": "application/x-www-form-urlencoded"}))
status, h, data = request("GET", "/office", headers=SESSION)
tap("需催报" in data.decode(), "logout without the CSRF token does not end the session")
body = urllib.parse.urlencode({"csrf": token}).encode()
request("POST", "/office/logout", body, dict(SESSION, **{"Content-Type": "application/x-www-form-urlencoded"}))
status, h, data = request("GET", "/office/file/report?period=2026-11", headers=SESSION)
tap(status == 403, "after logout the session is refused", status)

# ---- the log ----
SERVER.terminate()
SERVER.wait(timeout=60)
LOG.seek(0)
log = LOG.read()
x001 = BY_CODE[MANIFEST[nov[0]]["unit"]]
tap(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 127\.0\.0\.1 单位 %s .*报送 .*字节.*新收" % re.escape(x001["code"]), log) and
    "拒绝：上传" in log and "办公室：登录失败" in log and "办公室：登录" in log,
    "the log says who handed in what and when, and what was refused", log.splitlines()[-5:])
tap(SERVER.returncode == 0 and "AddressSanitizer" not in log and "runtime error" not in log,
    "the server stops cleanly on SIGTERM", ["exit %s" % SERVER.returncode] + log.splitlines()[-5:])

if os.environ.get("KEEP"):
    print("# kept " + TMP)
else:
    shutil.rmtree(TMP, ignore_errors=True)
done()
