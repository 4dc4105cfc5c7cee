"""TAP output shared by the Python test suites: tap(ok, name, diag) prints
one test line (and the diagnostics of a failure: a text or a list of
lines); summary() prints the plan and returns the exit status; done()
exits with it."""
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
        lines = diag if isinstance(diag, list) else str(diag).splitlines()
        for line in lines[:40]:
            print("# " + str(line))
        if len(lines) > 40:
            print("# ... %d more" % (len(lines) - 40))
    return ok


def skip(name, why):
    global _n
    _n += 1
    print("ok %d - %s # SKIP %s" % (_n, name, why), flush=True)


def summary():
    print("1..%d" % _n)
    return 1 if _failed else 0


def done():
    sys.exit(summary())
