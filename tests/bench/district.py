#!/usr/bin/python3
"""Make a synthetic district for the benchmarks: N units, each with one
November return holding both forms, and most with an October one too (so
that a report has last month to compare with).

Each return is a copy of one of the shipped November samples (Word or
Excel, as filled by python-docx, openpyxl or LibreOffice) with the unit's
name replaced in its XML, so every return is a real, valid one of its own.
The registry gives each unit the type and flags of its template's unit.

    tests/bench/district.py N OUTDIR    -> OUTDIR/units.csv, OUTDIR/returns/ (November),
                                           OUTDIR/returns-2026-10/ (October)

A unit's October return is its template unit's October sample, when there
is one; the other units did not send one.
"""
import csv
import json
import os
import shutil
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
n = int(sys.argv[1])
out = sys.argv[2]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(os.path.join(out, "returns"))
os.makedirs(os.path.join(out, "returns-2026-10"))

manifest = json.load(open(os.path.join(ROOT, "samples", "expected.json"), encoding="utf-8"))
with open(os.path.join(ROOT, "config", "units.csv"), encoding="utf-8-sig", newline="") as f:
    units = {r["code"]: r for r in csv.DictReader(f)}


def usable(month):
    """The month's samples holding both forms, accepted, without quality
    warnings: (unit, extension, parts) each."""
    found = []
    for rel, e in sorted(manifest["files"].items()):
        if rel.startswith(month + "/") and set(e["forms"]) == {"checklist", "progress"} and \
                e["verdict"] == "accepted" and not e.get("quality"):
            with zipfile.ZipFile(os.path.join(ROOT, "samples", rel)) as z:
                parts = [(i, z.read(i.filename)) for i in z.infolist()]
            found.append((units[e["unit"]], os.path.splitext(rel)[1], parts))
    return found


templates = usable("2026-11")
october = {tu["code"]: (ext, parts) for tu, ext, parts in usable("2026-10")}


def write_return(dst, parts, olds, new):
    """A copy of a sample's parts with the unit's name replaced."""
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename.endswith(".xml"):
                for old in olds:
                    data = data.replace(old, new)
            z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


TYPE_WORD = {"school": "学校", "kindergarten": "幼儿园", "training": "培训中心", "school_bus": "校车服务有限公司"}
rows = []
n_october = 0
for i in range(n):
    tu, ext, parts = templates[i % len(templates)]
    code = "BN-%05d" % (i + 1)
    name = "基准%s第%05d号%s" % (tu["area"], i + 1, TYPE_WORD[tu["type"]])
    rows.append([code, name, "", tu["type"], tu["area"], tu["flags"], "联系人%05d" % (i + 1), "139%08d" % (i + 1), "", ""])
    # openpyxl writes CJK as character references (&#31034;...).
    olds = (tu["name"].encode(), "".join("&#%d;" % ord(c) for c in tu["name"]).encode())
    new = name.encode()
    write_return(os.path.join(out, "returns", "%s-2026年11月%s" % (name, ext)), parts, olds, new)
    if tu["code"] in october:
        oext, oparts = october[tu["code"]]
        write_return(os.path.join(out, "returns-2026-10", "%s-2026年10月%s" % (name, oext)), oparts, olds, new)
        n_october += 1
with open(os.path.join(out, "units.csv"), "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["code", "name", "aliases", "type", "area", "flags", "contact", "phone", "active_from", "active_until"])
    w.writerows(rows)
print("%d units, %d November returns and %d October ones in %s" % (n, n, n_october, out))
