"""The canonical hash of a duty25 package (docs/city.md, "The content hash"),
written again in Python from the definition, not from package.c."""
import hashlib
import sqlite3

FORMAT = 2


def enc(v):
    if v is None:
        return b"N"
    if isinstance(v, int):
        return b"I%d;" % v
    if isinstance(v, float):
        return ("R%.17g;" % v).encode()
    if isinstance(v, str):
        b = v.encode("utf-8")
        return b"T%d:" % len(b) + b
    return b"B%d:" % len(v) + bytes(v)


SLICE = ("ifnull(r.period, substr(r.received, 1, 7)) = :p AND r.withdrawn = 0"
         " AND (:e IS NULL OR r.edition IN (:e, ''))")
ORDER = " ORDER BY r.district, r.sha256, r.received, r.stored"
CANON = [
    ("units", "SELECT district, code, name, type, area, flags, aliases, contact, phone, active_from, active_until,"
              " in_registry, first_seen, changed FROM units ORDER BY district, code"),
    ("returns", "SELECT r.district, r.sha256, r.file_name, r.path, r.size, r.has_checklist, r.has_progress,"
                " r.unit_code, r.unit_written, r.period, r.period_from, r.report_date_written, r.reporter_written,"
                " r.phone_written, r.seal, r.received, r.verdict, r.errors, r.warnings,"
                " (SELECT s.sha256 FROM returns s WHERE s.id = r.superseded_by), r.stored, r.received_source,"
                " r.file_mtime, r.edition FROM returns r WHERE " + SLICE + ORDER),
    ("return_summaries", "SELECT r.district, r.sha256, x.statuses, x.progress FROM return_summaries x JOIN returns r"
                         " ON r.id = x.return_id WHERE " + SLICE + ORDER),
    ("return_details", "SELECT r.district, r.sha256, x.answers, x.progress FROM return_details x JOIN returns r"
                       " ON r.id = x.return_id WHERE " + SLICE + ORDER),
    ("findings", "SELECT r.district, r.sha256, x.seq, x.source, x.code, x.severity, x.place, x.sub_item, x.message"
                 " FROM findings x JOIN returns r ON r.id = x.return_id WHERE " + SLICE + ORDER + ", x.seq"),
]


def package_hash(path):
    c = sqlite3.connect(path)
    ed, level, dist, period, ver, created = c.execute(
        "SELECT edition, level, district, period, schema_version, created FROM package").fetchone()
    h = hashlib.sha256()
    h.update(b"duty25-package %d\n" % FORMAT + enc(ed or None) + enc(level or None) + enc(dist or None) +
             enc(period) + enc(int(ver)) + enc(created) + b"\n")
    for name, sql in CANON:
        h.update(name.encode() + b"\n")
        for row in c.execute(sql, {"p": period, "e": ed or None}):
            h.update(b"".join(enc(v) for v in row) + b"\n")
    c.close()
    return h.hexdigest()
