#!/usr/bin/python3
"""Compare what duty25 reads in ../shared/corpus/ooxml with what independent
readers (openpyxl, python-docx) found there (expected/*.json, made by the
corpus's make_expected.py), cell by cell.  Prints TAP and the match rates.

Uses ../shared/corpus/ooxml (present in CI and the workplace, absent in a
user's clone): skipped when missing.

Every mismatch must be explained in KNOWN (tests/corpus/known_differences.txt),
one line each: "FILE<TAB>WHERE<TAB>reason", WHERE being SHEET!REF, tN:rR:cC, or *.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.environ.get("D25_CORPUS", os.path.join(ROOT, "..", "shared", "corpus", "ooxml"))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "duty25")
sys.path.insert(0, os.path.dirname(HERE))
from tap import tap, summary  # noqa: E402

class Known(dict):
    """The reasons for one file; remembers which were needed."""
    def __init__(self, name):
        super().__init__()
        self.name = name
        self.used = set()

    def __contains__(self, key):
        hit = dict.__contains__(self, key)
        if hit:
            self.used.add(key)
        return hit


def load_known():
    known = {}
    path = os.path.join(HERE, "known_differences.txt")
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3 or not parts[2].strip():
                raise SystemExit("bad line in known_differences.txt: %r" % line)
            known.setdefault(parts[0], Known(parts[0]))[parts[1]] = parts[2]
    return known


def dump(paths):
    """Run duty25 dump --format json over paths; one JSON object per line."""
    out = {}
    for i in range(0, len(paths), 40):
        chunk = paths[i:i + 40]
        p = subprocess.run([BIN, "dump", "--format", "json"] + chunk, capture_output=True, timeout=600)
        if p.returncode not in (0, 1):
            raise SystemExit("duty25 dump exited %d on %s\n%s" % (p.returncode, chunk, p.stderr.decode()[-2000:]))
        lines = p.stdout.decode("utf-8").rstrip("\n").split("\n")
        if len(lines) != len(chunk):
            raise SystemExit("expected %d JSON lines, got %d" % (len(chunk), len(lines)))
        for path, line in zip(chunk, lines):
            out[path] = json.loads(line)
    return out


def norm_expected_xlsx(v):
    """openpyxl's conventions -> duty25's (ISO date with a space, seconds)."""
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?", v)
    if m:
        h, mi, s = int(m.group(2)), int(m.group(3)), int(m.group(4))
        if m.group(5) and int(m.group(5)[:1] or 0) >= 5:
            s += 1  # duty25 rounds to whole seconds
        import datetime
        dt = datetime.datetime.strptime(m.group(1), "%Y-%m-%d") + datetime.timedelta(hours=h, minutes=mi, seconds=s)
        if dt.hour == dt.minute == dt.second == 0:
            return dt.strftime("%Y-%m-%d")
        return dt.strftime("%Y-%m-%d %H:%M:%S")
    m = re.fullmatch(r"(\d{2}):(\d{2}):(\d{2})\.(\d+)", v)
    if m:
        s = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3)) + (1 if int(m.group(4)[:1]) >= 5 else 0)
        return "%02d:%02d:%02d" % (s // 3600 % 24, s // 60 % 60, s % 60)
    m = re.fullmatch(r"P(-?[0-9.e+-]+)S", v)
    if m:
        secs = round(float(m.group(1)))
        sign = "-" if secs < 0 else ""
        secs = abs(secs)
        return "%s%d:%02d:%02d" % (sign, secs // 3600, secs // 60 % 60, secs % 60)
    return v


def compare_xlsx(name, exp, got, known):
    """Returns (cells compared, matches, unexplained mismatches)."""
    kn = known.get(name, {})
    bad = []
    total = match = 0
    if got.get("error"):
        if "*" in kn:
            return 0, 0, []
        return 1, 0, ["read error: %s" % got["error"]["message"]]
    gsheets = got.get("sheets", [])
    esheets = exp["sheets"]
    if [s["name"] for s in gsheets] != [s["name"] for s in esheets]:
        if "*" not in kn and "sheets" not in kn:
            bad.append("sheet names differ: %s vs %s" % ([s["name"] for s in gsheets], [s["name"] for s in esheets]))
    for es in esheets:
        gs = next((s for s in gsheets if s["name"] == es["name"]), None)
        if gs is None:
            continue
        ecells = {k: norm_expected_xlsx(v) for k, v in es["cells"].items()}
        gcells = {c["ref"]: c["text"] for c in gs["cells"]}
        for ref in sorted(set(ecells) | set(gcells)):
            total += 1
            e, g = ecells.get(ref), gcells.get(ref)
            if e == g:
                match += 1
                continue
            where = "%s!%s" % (es["name"], ref)
            if where in kn or "*" in kn or ("%s!*" % es["name"]) in kn:
                continue
            bad.append("%s: expected %r, read %r" % (where, e, g))
        if sorted(es.get("merged", [])) != sorted(gs["merged"]):
            if "merged" not in kn and "*" not in kn:
                bad.append("%s merged: expected %s, read %s" % (es["name"], es.get("merged"), gs["merged"]))
    return total, match, bad


def expand_like_python_docx(table, texts):
    """duty25's physical cells -> the grid python-docx reports (gridBefore ignored,
    spans repeated, vMerge continuations showing their origin's text)."""
    rows = table["rows"]
    out = []
    for r, row in enumerate(rows):
        line = []
        for k, c in enumerate(row):
            t = texts[r][k]
            if c["merged_from"] is not None:
                orow, ocol = c["merged_from"]
                for kk, oc in enumerate(rows[orow]):
                    if oc["col"] == ocol:
                        t = texts[orow][kk]
                        break
            line.extend([t] * c["span"])
        out.append(line)
    return out


def tab_stop_artefact(e, g, has_tab_stops):
    """The reference's all_text walks w:pPr too, so each tab stop defined in a
    paragraph's w:tabs shows up there as a "\t" that is not in the text."""
    return (has_tab_stops and e is not None and g is not None and e != g
            and e.replace("\t", "") == g.replace("\t", "") and e.count("\t") > g.count("\t"))


def align_tables(exp_tables, tops):
    """Pair each reference table with one of ours, in order.  python-docx does
    not list tables inside a body-level w:sdt, so ours may have extra ones:
    each reference table takes the most similar of our remaining tables."""
    pairs, j = [], 0
    for et in exp_tables:
        best, best_score = None, -1
        for k in range(j, len(tops)):
            gt = [[c["text"] for c in row] for row in tops[k]["rows"]]
            score = sum(1 for er, gr in zip(et, gt) for e, g in zip(er, gr) if e.replace("\t", "") == g.replace("\t", ""))
            score -= abs(len(et) - len(gt))
            if score > best_score:
                best, best_score = k, score
        pairs.append(best)
        if best is not None:
            j = best + 1
    return pairs


def compare_docx(name, exp, got, known, has_tab_stops):
    kn = known.get(name, {})
    bad = []
    total = match = artefacts = 0
    if got.get("error"):
        if "*" in kn:
            return 0, 0, 0, []
        return 1, 0, 0, ["read error: %s" % got["error"]["message"]]
    tops = [t for t in got["tables"] if t["nested_in"] is None]
    if len(tops) != len(exp["tables_all_text"]) and "*" not in kn and "tables" not in kn:
        bad.append("top-level tables: expected %d, read %d" % (len(exp["tables_all_text"]), len(tops)))
    pairs = align_tables(exp["tables_all_text"], tops)
    for ti, et in enumerate(exp["tables_all_text"]):
        if pairs[ti] is None:
            bad.append("table %d: no table of duty25's matches it" % ti)
            continue
        gt = tops[pairs[ti]]
        # duty25 marks struck-through characters with U+0336; the reference does not
        gtexts = [[c["text"].replace("\u0336", "") for c in row] for row in gt["rows"]]
        # physical cells
        for r in range(max(len(et), len(gtexts))):
            erow = et[r] if r < len(et) else []
            grow = gtexts[r] if r < len(gtexts) else []
            for c in range(max(len(erow), len(grow))):
                total += 1
                e = erow[c] if c < len(erow) else None
                g = grow[c] if c < len(grow) else None
                if e == g:
                    match += 1
                    continue
                if tab_stop_artefact(e, g, has_tab_stops):
                    artefacts += 1
                    continue
                where = "t%d:r%d:c%d" % (ti, r, c)
                if where in kn or "*" in kn or ("t%d:*" % ti) in kn:
                    continue
                bad.append("table %d row %d cell %d: expected %r, read %r" % (ti, r, c, e, g))
        # grid layout as python-docx sees it: compare shape and the merge pattern
        if ti < len(exp["tables"]):
            notes = " ".join(exp.get("notes", []))
            if ("table %d: uses w:gridBefore" % ti) in notes or ("table %d: has cell-" % ti) in notes \
                    or ("table %d: python-docx row.cells failed" % ti) in notes:
                continue  # python-docx's grid is known to be wrong here (notes in the expected file)
            grid = expand_like_python_docx(gt, gtexts)
            eg = exp["tables"][ti]
            shape_g = [len(r) for r in grid]
            shape_e = [len(r) for r in eg]
            total += 1
            if shape_g == shape_e:
                # where python-docx repeats a cell (span/vMerge), so must we
                ok = True
                for r, (er, gr) in enumerate(zip(eg, grid)):
                    for c in range(1, len(er)):
                        if (er[c] == er[c - 1]) != (gr[c] == gr[c - 1]) and er[c] and gr[c]:
                            ok = False
                if ok:
                    match += 1
                    continue
            where = "t%d:grid" % ti
            if where in kn or "*" in kn:
                continue
            bad.append("table %d grid: python-docx %s, duty25 %s" % (ti, shape_e, shape_g))
    return total, match, artefacts, bad


def docx_has_tab_stops(path):
    import zipfile
    try:
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                if n.endswith(".xml") and "document" in n.lower():
                    if b"tabs>" in z.read(n):
                        return True
    except Exception:
        pass
    return False


def main():
    if not os.path.isdir(CORPUS):
        print("1..0 # SKIP corpus tests use ../shared/corpus/ooxml, which this clone does not have")
        return 0
    known = load_known()
    index = json.load(open(os.path.join(CORPUS, "expected", "INDEX.json"), encoding="utf-8"))
    files = []
    for kind in ("xlsx", "docx"):
        for f in sorted(os.listdir(os.path.join(CORPUS, kind))):
            files.append((kind, f))
    bad_files = sorted(os.listdir(os.path.join(CORPUS, "bad")))
    results = dump([os.path.join(CORPUS, k, f) for k, f in files])
    bad_results = dump([os.path.join(CORPUS, "bad", f) for f in bad_files])

    stats = {"xlsx": [0, 0], "docx": [0, 0], "tabstops": 0}
    for kind, f in files:
        path = os.path.join(CORPUS, kind, f)
        got = results[path]
        info = index[kind].get(f, {})
        exp_path = os.path.join(CORPUS, "expected", kind, f + ".json")
        if info.get("status") != "ok" or not os.path.exists(exp_path):
            # no reference: the file must still be read, or refused with a reason
            kn = known.get(f, {})
            ok = got["error"] is None or "*" in kn
            tap(ok, "%s/%s read (no reference: %s)" % (kind, f, info.get("reason") or info.get("error") or "none"),
                None if ok else ["read error: %s" % got["error"]])
            continue
        exp = json.load(open(exp_path, encoding="utf-8"))
        if kind == "xlsx":
            total, match, bad = compare_xlsx(f, exp, got, known)
            note = ""
        else:
            total, match, art, bad = compare_docx(f, exp, got, known, docx_has_tab_stops(path))
            stats["tabstops"] += art
            note = ", %d differ only by the reference's tab-stop artefact" % art if art else ""
        stats[kind][0] += total
        stats[kind][1] += match
        tap(not bad, "%s/%s matches the independent reader (%d/%d%s)" % (kind, f, match, total, note), bad)

    for f in bad_files:
        got = bad_results[os.path.join(CORPUS, "bad", f)]
        err = got.get("error")
        ok = bool(err) and bool(err.get("message")) and f in err["message"] and re.search(r"[\u4e00-\u9fff]", err["message"])
        if not err and "*" in known.get(f, {}):
            ok = True  # readable on purpose: the reason is in known_differences.txt
        tap(bool(ok), "bad/%s refused: %s" % (f, err["code"] if err else "NOT REFUSED"),
            None if ok else ["got %s" % json.dumps(got, ensure_ascii=False)[:300]])

    # a known difference that no longer occurs is stale: the list must stay true
    for f, kn in sorted(known.items()):
        stale = sorted(set(kn) - kn.used)
        tap(not stale, "known differences of %s still occur" % f,
            ["stale entry %s: %s" % (w, kn[w]) for w in stale])
    for kind in ("xlsx", "docx"):
        t, m = stats[kind]
        print("# %s match rate: %d/%d cells = %.2f%%" % (kind, m, t, 100.0 * m / t if t else 0))
    print("# docx cells differing only by tab stops the reference counts as text: %d" % stats["tabstops"])
    return summary()


if __name__ == "__main__":
    sys.exit(main())
