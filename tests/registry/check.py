#!/usr/bin/python3
"""The unit registry as offices save it.

config/units.csv is rewritten by Python (codecs, csv, openpyxl) as
Chinese Excel's ordinary CSV (GB18030), Excel's "Unicode 文本" (UTF-16LE
with BOM, tab-separated), CSV UTF-8 with BOM and an XLSX workbook; with
each, `duty25 validate --units FILE --format json samples/2026-11/*` must
give every file the same verdict, unit and period as with the UTF-8
original, and those must be the ones samples/expected.json lists (written
by samples/make_samples.py, not by duty25).  A file with bytes that decode
in neither UTF-8 nor GB18030 is refused (exit 2) naming the file and the
line; `duty25 forms` works from the GB18030 file.  Prints TAP.

    tests/registry/check.py build/duty25
"""
import codecs
import csv
import datetime
import glob
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import tap, done  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="duty25-registry-")
ORIGINAL = os.path.join(ROOT, "config", "units.csv")
MANIFEST = json.load(open(os.path.join(ROOT, "samples", "expected.json"), encoding="utf-8"))

with open(ORIGINAL, encoding="utf-8-sig", newline="") as f:
    ROWS = list(csv.reader(f))
HEADER, UNITS = ROWS[0], [dict(zip(ROWS[0], r)) for r in ROWS[1:]]


def csv_text(sep=","):
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(ROWS)
    return out.getvalue()


def write(name, data):
    p = os.path.join(TMP, name)
    with open(p, "wb") as f:
        f.write(data)
    return p


def month(text, last_day=False):
    """"2026-11" as a datetime: the first (or last) day of the month."""
    y, m = map(int, text.split("-")[:2])
    if not last_day:
        return datetime.datetime(y, m, 1)
    nxt = datetime.datetime(y + m // 12, m % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def workbook(path):
    """The registry as an office keeps it in Excel: phones as numbers,
    months as dates, on a sheet named 单位名册."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "单位名册"
    ws.append(HEADER)
    for u in UNITS:
        row = []
        for col in HEADER:
            v = u[col]
            if col == "phone" and v.isdigit():
                v = int(v)
            elif col == "active_from" and v:
                v = month(v)
            elif col == "active_until" and v:
                v = month(v, last_day=True)
            row.append(v if v != "" else None)
        ws.append(row)
    wb.save(path)
    return path


def run(args):
    return subprocess.run([BIN] + args, capture_output=True, text=True, cwd=ROOT)


SAMPLES = sorted(f for f in glob.glob(os.path.join(ROOT, "samples", "2026-11", "*"))
                 if not os.path.basename(f).startswith("收件登记"))  # the office's receipt register
SAMPLES = [os.path.relpath(p, ROOT) for p in SAMPLES if p.endswith((".docx", ".xlsx"))]


def verdicts(units):
    """{file: (verdict, unit code, period)} from duty25 validate, or an error text."""
    r = run(["validate", "--units", units, "--format", "json"] + SAMPLES)
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        return None, "exit %d, no JSON: %s" % (r.returncode, (r.stderr or r.stdout)[:600])
    return {f["file"]: (f["verdict"], f["unit"]["code"] if f["unit"] else None, f["period"])
            for f in doc["files"]}, r.stderr


# The original, checked against the manifest: otherwise "the same as the
# original" could mean "equally wrong".
want = {}
for rel in SAMPLES:
    exp = MANIFEST["files"].get(os.path.relpath(rel, "samples"))
    if exp:
        want[rel] = (exp["verdict"], exp["unit"], exp["period"])
original, err = verdicts(ORIGINAL)
tap(original is not None and len(want) == len(SAMPLES) and len(SAMPLES) > 40,
    "UTF-8 original: %d returns of 2026-11 read" % len(SAMPLES), err)
bad = sorted(f for f in want if original is None or original.get(f) != want[f])
tap(original is not None and not bad, "UTF-8 original: verdict, unit and period as samples/expected.json lists",
    ["%s: want %s, got %s" % (f, want[f], original.get(f) if original else None) for f in bad])

variants = [
    ("GB18030 (Excel “CSV（逗号分隔）”)", write("units-gb18030.csv", csv_text().encode("gb18030"))),
    ("UTF-16LE with BOM, tab-separated (Excel “Unicode 文本”)",
     write("units-utf16.txt", codecs.BOM_UTF16_LE + csv_text("\t").encode("utf-16-le"))),
    ("UTF-8 with BOM (Excel “CSV UTF-8”)", write("units-utf8bom.csv", codecs.BOM_UTF8 + csv_text().encode("utf-8"))),
    ("XLSX by openpyxl", workbook(os.path.join(TMP, "units.xlsx"))),
]
for label, path in variants:
    got, err = verdicts(path)
    if got is None:
        tap(False, "%s: validate reads it" % label, err)
        continue
    diff = sorted(f for f in set(got) | set(original or {}) if got.get(f) != (original or {}).get(f))
    tap(not diff and len(got) == len(SAMPLES), "%s: the same %d verdicts, units and periods as the UTF-8 original"
        % (label, len(got)), ["%s: original %s, this %s" % (f, (original or {}).get(f), got.get(f)) for f in diff[:20]])

# Bytes that are neither UTF-8 nor GB18030 (0xFF is a lead byte in neither)
# in the middle of line 10 of a file without BOM: refused, naming file and line.
lines = csv_text().encode("gb18030").split(b"\r\n")
cut = len(lines[9]) // 2
lines[9] = lines[9][:cut] + b"\xff\xfe" + lines[9][cut:]
broken = write("units-broken.csv", b"\r\n".join(lines))
r = run(["validate", "--units", broken, "--format", "json", SAMPLES[0]])
tap(r.returncode == 2 and broken in r.stderr and "第 10 行" in r.stderr and not r.stdout.strip(),
    "undecodable bytes on line 10: exit 2, the file and the line named", "exit %d: %s" % (r.returncode, r.stderr))


# Flags (标志): by code or by the Chinese label of the rule set's [flags]
# (read here from the rule set); any other word is refused by row and cell,
# never dropped (it decides which sub-items a unit's form pre-fills 不适用).
import configparser  # noqa: E402
_ini = configparser.ConfigParser(interpolation=None, comment_prefixes=(";", "#"), inline_comment_prefixes=None)
_ini.read(os.path.join(ROOT, "config/rules-education.ini"), encoding="utf-8")
FLAG_LABELS = dict(_ini["flags"])
fi = HEADER.index("flags")
by_label = [list(r) for r in ROWS]
for r in by_label[1:]:
    r[fi] = ";".join(FLAG_LABELS.get(f, f) for f in r[fi].split(";") if f)
out = io.StringIO()
csv.writer(out, lineterminator="\r\n").writerows(by_label)
labelled = write("units-flag-labels.csv", out.getvalue().encode("utf-8"))
got, err = verdicts(labelled)
tap(got == original and any(FLAG_LABELS[k] in out.getvalue() for k in FLAG_LABELS),
    "flags written as their Chinese labels ([flags] of the rule set): the same verdicts as by code", err)
unknown = [list(r) for r in ROWS]
line = next(i for i, r in enumerate(unknown) if i and r[fi])
unknown[line][fi] = unknown[line][fi] + ";外包"
out = io.StringIO()
csv.writer(out, lineterminator="\r\n").writerows(unknown)
bad_flag = write("units-flag-unknown.csv", out.getvalue().encode("utf-8"))
r = run(["validate", "--units", bad_flag, "--format", "json", SAMPLES[0]])
tap(r.returncode == 2 and ("第 %d 行" % (line + 1)) in r.stderr and "标志“外包”不认识" in r.stderr and
    "outsourcing（" in r.stderr,
    "an unknown flag (外包) is refused naming the row and the flags the rule set knows", r.stderr)


def forms(label, units, period, fmt):
    """duty25 forms from a registry: one workbook (and two documents with
    fmt both) for every unit active in the period, counted here from the
    CSV: SF-X015 starts in 2026-11, SF-Y008 ends in 2026-10."""
    out = os.path.join(TMP, "forms-" + period + "-" + fmt)
    r = run(["forms", "--units", units, "--period", period, "--format", fmt, "--out", out])
    active = [u for u in UNITS if (not u["active_from"] or u["active_from"][:7] <= period)
              and (not u["active_until"] or u["active_until"][:7] >= period)]
    cn = "%s年%d月" % (period[:4], int(period[5:]))
    suffixes = (".xlsx", "-清单.docx", "-推进情况.docx") if fmt == "both" else (".xlsx",)
    want_names = {u["name"] + "-" + cn + s for u in active for s in suffixes}
    names = set(os.listdir(out)) if os.path.isdir(out) else set()
    tap(r.returncode == 0 and names == want_names,
        "forms --units %s --period %s: the forms of the %d units active then" % (label, period, len(active)),
        ["exit %d: %s" % (r.returncode, r.stderr.strip()[:400])]
        + ["missing " + n for n in sorted(want_names - names)[:5]]
        + ["unexpected " + n for n in sorted(names - want_names)[:5]])


forms("GB18030", variants[0][1], "2026-12", "both")
forms("XLSX", variants[3][1], "2026-10", "xlsx")
forms("XLSX", variants[3][1], "2026-11", "xlsx")

shutil.rmtree(TMP, ignore_errors=True)
done()
