#!/usr/bin/python3
"""Benchmark of the upward path (docs/city.md): a city of 30 districts of
1,000 units each.  One synthetic district (tests/bench/district.py) is
ingested once and exported under 30 district names; the city merges the 30
packages at once (timed, peak memory), merges them again (nothing new),
takes the month's status of its 30,000 units and writes its report.

    tests/bench/city.py [build/duty25] [DISTRICTS] [UNITS]
"""
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "duty25"))
N_DISTRICTS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
N_UNITS = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
WORK = os.path.join(ROOT, "build", "bench", "city")
RULES = os.path.join(ROOT, "config", "rules-education.ini")


def run(*args):
    """Seconds, peak RSS in MB of this one process, exit code."""
    t = time.perf_counter()
    p = subprocess.Popen([BIN, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    return time.perf_counter() - t, ru.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def config(path, district, db, units, level="district"):
    with open(path, "w", encoding="utf-8") as f:
        f.write("[campaign]\ndistrict = %s\nrules = %s\nunits = %s\nlevel = %s\n[store]\ndatabase = %s\n"
                % (district, RULES, units, level, db))


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
src = os.path.join(WORK, "district")
subprocess.run([sys.executable, os.path.join(ROOT, "tests", "bench", "district.py"), str(N_UNITS), src], check=True,
               stdout=subprocess.DEVNULL)
units = os.path.join(src, "units.csv")
db = os.path.join(src, "duty25.db")
config(os.path.join(WORK, "d.ini"), "区00", db, units)
_, _, rc = run("--config", os.path.join(WORK, "d.ini"), "ingest", "-q", os.path.join(src, "returns"))
pkgs = []
for i in range(N_DISTRICTS):
    ini = os.path.join(WORK, "d%02d.ini" % i)
    config(ini, "区%02d" % i, db, units)
    pkg = os.path.join(WORK, "区%02d-2026-11.duty25" % i)
    _, _, erc = run("--config", ini, "export", "--period", "2026-11", "--out", pkg)
    pkgs.append(pkg)
size = sum(os.path.getsize(p) for p in pkgs)
print("(one district of %d units ingested (exit %d), exported under %d names: %.1f MB of packages)"
      % (N_UNITS, rc, N_DISTRICTS, size / 1e6))
cini = os.path.join(WORK, "city.ini")
config(cini, "示范市", os.path.join(WORK, "city.db"), units, "city")
dt, rss, rc = run("--config", cini, "merge", *pkgs)
print("merge %d districts of %d units (%d returns): %.2f s, %.0f returns/s, peak RSS %.1f MB (exit %d)"
      % (N_DISTRICTS, N_UNITS, N_DISTRICTS * N_UNITS, dt, N_DISTRICTS * N_UNITS / dt, rss, rc))
dt, rss, rc = run("--config", cini, "merge", *pkgs)
print("merge the same %d packages again (all unchanged): %.2f s, peak RSS %.1f MB (exit %d)" % (N_DISTRICTS, dt, rss, rc))
dt, rss, rc = run("--config", cini, "status", "--period", "2026-11", "--format", "json")
print("status of the city (%d units in %d districts): %.2f s, peak RSS %.1f MB (exit %d)"
      % (N_DISTRICTS * N_UNITS, N_DISTRICTS, dt, rss, rc))
dt, rss, rc = run("--config", cini, "report", "--period", "2026-11", "--out", os.path.join(WORK, "out"))
print("report of the city (%d units in %d districts, read district by district; its risk report and tables DOCX):"
      " %.2f s, peak RSS %.1f MB (exit %d; targets < 5 s, < 128 MB)" % (N_DISTRICTS * N_UNITS, N_DISTRICTS, dt, rss, rc))
print("city database: %.1f MB" % (os.path.getsize(os.path.join(WORK, "city.db")) / 1e6))
