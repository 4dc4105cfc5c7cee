"""TAP output shared by the Python test suites: tap(ok, name, diag) prints
one test line (and the diagnostics of a failure); done() prints the plan
and exits non-zero when something failed."""
import sys

_n = 0
_failed = 0


def tap(ok, name, diag=None):
    global _n, _failed
    _n += 1
    if not ok:
        _failed += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", _n, name), flush=True)
    if diag is not None and not ok:
        for line in str(diag).splitlines()[:40]:
            print("# " + line)
    return ok


def skip(name, why):
    global _n
    _n += 1
    print("ok %d - %s # SKIP %s" % (_n, name, why), flush=True)


def done():
    print("1..%d" % _n)
    sys.exit(1 if _failed else 0)
