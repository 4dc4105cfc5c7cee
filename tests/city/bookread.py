"""Reading a city's (or province's) workbook back for the tests, independently of duty25:
openpyxl for the cells, the formulas and the values cached in them, and LibreOffice for
what the formulas evaluate to.

    sheets(path)            {sheet: [[cell, ...], ...]} with the formulas as written
    cached(path)            the same with the values duty25 cached in the formula cells
    lo_evaluated(path, tmp) the same as LibreOffice computes it: a copy of the workbook
                            with every cached formula value removed, converted to CSV
                            (every sheet), so each total is LibreOffice's own sum; None
                            when soffice is missing or fails
"""
import csv
import glob
import os
import re
import shutil
import subprocess
import zipfile


def _load(path, data_only):
    import openpyxl
    wb = openpyxl.load_workbook(path, data_only=data_only)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


def sheets(path):
    return _load(path, False)


def cached(path):
    return _load(path, True)


def workbook(path):
    import openpyxl
    return openpyxl.load_workbook(path)


def strip_cached(src, dst):
    """dst: src with the <v> of every formula cell removed; the number removed."""
    n = 0
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for it in zi.infolist():
            data = zi.read(it.filename)
            if it.filename.startswith("xl/worksheets/sheet"):
                text, k = re.subn(r'(<c [^>]*?)(?: t="str")?>(<f>[^<]*</f>)<v>[^<]*</v></c>', r"\1>\2</c>",
                                  data.decode("utf-8"))
                n += k
                data = text.encode("utf-8")
            zo.writestr(it, data)
    return n


def lo_evaluated(path, tmp):
    if not shutil.which("soffice"):
        return None
    os.makedirs(tmp, exist_ok=True)
    bare = os.path.join(tmp, "bare.xlsx")
    if strip_cached(path, bare) == 0:  # nothing for LibreOffice to compute
        return None
    profile = "file://" + os.path.join(tmp, "lo-profile")
    # the 12th token, -1: every sheet, each to bare-SHEET.csv; shown as typed, full precision
    filt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    r = subprocess.run(["soffice", "-env:UserInstallation=" + profile, "--headless", "--convert-to", filt,
                        "--outdir", tmp, bare], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        return None
    out = {}
    for f in glob.glob(os.path.join(tmp, "bare-*.csv")):
        name = os.path.basename(f)[len("bare-"):-len(".csv")]
        with open(f, encoding="utf-8", newline="") as fh:
            out[name] = list(csv.reader(fh))
    return out or None


def number(text):
    """A CSV cell as LibreOffice shows it ("71.79%", "78", "") as a number, or None."""
    text = (text or "").strip()
    if not text:
        return None
    if text.endswith("%"):
        return float(text[:-1]) / 100
    try:
        return float(text)
    except ValueError:
        return None
