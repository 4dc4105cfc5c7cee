"""How the blank forms of `duty25 forms` lay out on paper (issue 19), for
tests/month/check.py: read from the DOCX XML (python-docx's lxml tree),
from the XLSX (openpyxl) and from the PDF LibreOffice prints of them
(pdftotext), never from duty25's own output.

- the checklist: no row breaks across a page (cantSplit), the header row
  repeated (tblHeader), each item's block of rows kept together (keepNext
  in every row but its last) and starting the category and item merges
  with their text, so in the PDF every page's category and item columns
  hold whole labels, never a fragment of a merged cell's text;
- the note and signature block kept with the table's last row;
- the progress form's title on one line, and no district named that is
  not the configured one;
- the workbook's rows as high as their wrapped text.
"""
import html
import math
import os
import re
import shutil
import subprocess
import tempfile

import docx
from openpyxl.utils import get_column_letter
import openpyxl

WNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def q(tag):
    return "{%s}%s" % (WNS, tag)


def _vmerge(tc):
    v = tc.find(q("tcPr") + "/" + q("vMerge"))
    return None if v is None else v.get(q("val"), "continue")


def _keeps(tr):
    """Every paragraph of the row kept with the next."""
    ps = list(tr.iter(q("p")))
    return bool(ps) and all(p.find(q("pPr") + "/" + q("keepNext")) is not None for p in ps)


def _text(el):
    return "".join(t.text or "" for t in el.iter(q("t")))


def checklist_xml(path):
    """Problems with the checklist's table and the paragraphs after it."""
    d = docx.Document(path)
    body = d.element.body
    tbl = body.find(q("tbl"))
    rows = tbl.findall(q("tr"))
    bad = []
    if rows[0].find(q("trPr") + "/" + q("tblHeader")) is None:
        bad.append("the header row is not repeated on each page (no tblHeader)")
    for i, tr in enumerate(rows):
        if tr.find(q("trPr") + "/" + q("cantSplit")) is None:
            bad.append("row %d may break across a page (no cantSplit)" % (i + 1))
    body_rows = rows[1:]
    for i, tr in enumerate(body_rows):
        tcs = tr.findall(q("tc"))
        nxt = body_rows[i + 1].findall(q("tc")) if i + 1 < len(body_rows) else None
        block_goes_on = nxt is not None and _vmerge(nxt[1]) == "continue"
        if _vmerge(tcs[1]) != "continue":
            # a block's first row: both merges start here, with their text
            if _vmerge(tcs[0]) == "continue" or not _text(tcs[0]).strip() or not _text(tcs[1]).strip():
                bad.append("row %d starts item %r without its category and item text" % (i + 2, _text(tcs[1])))
        last = nxt is None
        if (block_goes_on or last) and not _keeps(tr):
            bad.append("row %d (%s) is not kept with the next" % (i + 2, "the table's last" if last else "its item goes on"))
        if not block_goes_on and not last and _keeps(tr):
            bad.append("row %d, an item's last, is kept with the next item" % (i + 2))
    after = []
    for el in tbl.itersiblings():
        if el.tag == q("p"):
            after.append(el)
            if "填报单位" in _text(el):
                break
    if not after or "填报单位" not in _text(after[-1]):
        bad.append("no signature paragraph after the table")
    for p in after[:-1]:
        if p.find(q("pPr") + "/" + q("keepNext")) is None:
            bad.append("paragraph %r between the table and the signature is not kept with the next" % _text(p)[:20])
    return bad


def progress_xml(path):
    """The progress form's rows and paragraphs down to its signature kept together."""
    d = docx.Document(path)
    tbl = d.element.body.find(q("tbl"))
    bad = ["row %d is not kept with the next" % (i + 2) for i, tr in enumerate(tbl.findall(q("tr"))[1:])
           if not _keeps(tr)]
    for el in tbl.itersiblings():
        if el.tag != q("p"):
            continue
        if "填报人" in _text(el):
            break
        if el.find(q("pPr") + "/" + q("keepNext")) is None:
            bad.append("paragraph %r before the signature is not kept with the next" % _text(el)[:20])
    return bad


def to_pdf(paths, outdir):
    """PDFs LibreOffice prints of the files (a profile of its own)."""
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run(["soffice", "-env:UserInstallation=file://" + prof + "/profile", "--headless", "--convert-to",
                        "pdf", "--outdir", outdir] + paths, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=300)
    return [os.path.join(outdir, os.path.splitext(os.path.basename(p))[0] + ".pdf") for p in paths]


def pdf_pages(pdf):
    out = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def _words(pdf, page):
    """(x centre, y top, text) of each word of a page, in points."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), pdf, "-"],
                         capture_output=True, text=True, check=True).stdout
    return [((float(a) + float(c)) / 2, float(b), html.unescape(t)) for a, b, c, t in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)]


def _column(words, x0, x1):
    """The words of the table below its header row ("类别") and above the
    note ("填写说明") whose centre is in x0..x1, top to bottom."""
    head = [y for _, y, t in words if t == "类别"]
    top = head[0] + 4 if head else 0
    bottom = min([y for _, y, t in words if t.startswith(("填写说明", "填报单位"))] + [1e9])
    return "".join(t for _, _, t in sorted((w for w in words if x0 <= w[0] < x1 and top < w[1] < bottom),
                                           key=lambda w: w[1]))


def _whole(text, labels):
    """text made of whole labels, one after another."""
    ok = {0}
    for i in range(len(text)):
        if i in ok:
            for lab in labels:
                if text.startswith(lab, i):
                    ok.add(i + len(lab))
    return len(text) in ok


def checklist_pdf(docx_path, pdf, duty_labels, item_labels):
    """Each page's category and item columns: whole labels, at least one of
    each (a page begins with a block's first row).  The columns' places
    come from the DOCX: the left margin and the table's gridCol widths."""
    d = docx.Document(docx_path)
    sect = d.element.body.find(q("sectPr"))
    left = int(sect.find(q("pgMar")).get(q("left"))) / 20
    height = int(sect.find(q("pgSz")).get(q("h"))) / 20
    cols = [int(g.get(q("w"))) / 20 for g in d.element.body.find(q("tbl")).iter(q("gridCol"))]
    n = len(pdf_pages(pdf))
    bad = []
    for page in range(1, n + 1):
        words = _words(pdf, page)
        for x, w, labels, what in ((left, cols[0], duty_labels, "category"), (left + cols[0], cols[1], item_labels, "item")):
            t = _column(words, x, x + w)
            if not t or not _whole(t, labels):
                bad.append("page %d's %s column: %r" % (page, what, t))
    return n, bad


def title_one_line(pdf, title):
    lines = [re.sub(r"\s+", "", ln) for ln in pdf_pages(pdf)[0].splitlines()]
    return title in lines or any(title in ln for ln in lines)


def xlsx_heights(path, sheet, first_row, last_row):
    """Rows first_row..last_row (1-based) lower than their wrapped text
    needs: a CJK or full-width character about 2 units of the column's
    width, another about 1, 12 points a line at least."""
    ws = openpyxl.load_workbook(path)[sheet]
    merged = {}
    for rng in ws.merged_cells.ranges:
        merged[(rng.min_row, rng.min_col)] = rng
    widths = {}
    for c in range(1, ws.max_column + 1):
        letter = get_column_letter(c)
        widths[c] = ws.column_dimensions[letter].width or 8.43
    heights = {r: ws.row_dimensions[r].height for r in range(first_row, last_row + 1)}
    bad = []
    for r in range(first_row, last_row + 1):
        for c in range(1, ws.max_column + 1):
            v = ws.cell(r, c).value
            if not isinstance(v, str) or not v:
                continue
            units = sum(2 if ord(ch) >= 0x2E80 else 1 for ch in v)
            rng = merged.get((r, c))
            rows = range(r, rng.max_row + 1) if rng else [r]
            lines = math.ceil(units / max(widths[c] - 1, 1))
            have = sum(heights.get(x) or 0 for x in rows)
            if have < 12 * lines:
                bad.append("%s!%s%d: %d lines of text in %.0f pt" % (sheet, get_column_letter(c), r, lines, have))
    return bad


def have_tools():
    return shutil.which("soffice") and shutil.which("pdftotext")
