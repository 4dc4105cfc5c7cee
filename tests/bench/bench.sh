#!/bin/sh
# Benchmarks: files per second and peak memory of `duty25 dump` and
# `duty25 validate` over a folder of about 1,000 small returns (copies of
# the November samples, the shape of real returns), and of `dump` over the
# largest sheets of the shared corpus.
# Issue 3-5 benchmarks (ingest, report) are added here as they land.
set -eu
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
dir=build/bench/returns
rm -rf "$dir"
mkdir -p "$dir"
i=0
for f in samples/2026-11/*; do
    ext=${f##*.}
    n=0
    while [ $n -lt 20 ]; do
        cp "$f" "$dir/r$i-$n.$ext"
        n=$((n + 1))
    done
    i=$((i + 1))
done
$PY - "$dir" <<'PYEOF'
import os, resource, subprocess, sys, time
d = sys.argv[1]
files = sorted(os.path.join(d, f) for f in os.listdir(d))
def run(args, cmd=("dump", "--format", "json")):
    t = time.perf_counter()
    p = subprocess.run(["build/duty25", *cmd] + args, stdout=subprocess.DEVNULL)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return dt, rss, p.returncode
dt, rss, rc = run(files)
print("dump %d small returns: %.2f s, %.0f files/s, peak RSS %.1f MB (exit %d)" % (len(files), dt, len(files) / dt, rss, rc))
dt, rss, rc = run(files, ("validate", "--format", "json", "--period", "2026-11"))
print("validate %d small returns: %.2f s, %.0f files/s, peak RSS so far %.1f MB (exit %d)" % (len(files), dt, len(files) / dt, rss, rc))
corpus = "../shared/corpus/ooxml/xlsx"
for name in ("miniexcel__Test100,000x10.xlsx", "openpyxl__bigfoot.xlsx", "poi__poc-shared-strings.xlsx"):
    p = os.path.join(corpus, name)
    if os.path.exists(p):
        dt, rss, rc = run([p])
        print("dump %s: %.2f s, peak RSS so far %.1f MB (exit %d)" % (name, dt, rss, rc))
PYEOF
