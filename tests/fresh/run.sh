#!/bin/sh
# Manual test (make test-fresh; not part of make check): the README's first
# command on a fresh Debian 12 machine without any of duty25's packages.
#
#   1. a minimal Debian 12 (debootstrap --variant=minbase bookworm), made once
#      in FRESH_BASE and kept pristine (debootstrap is installed if missing);
#   2. a copy of it in FRESH_RUN, with a clone of this repository's current
#      commit (HEAD; uncommitted changes are not in it) in /root/duty25;
#   3. as root inside it (chroot, /proc mounted), exactly
#        apt-get update && apt-get install -y make && make run
#   4. the time it took, the output's tail, PASS or FAIL (exit status 0 and
#      November's status printed);
#   5. then, from the same clone (only what git tracks), make install
#      PREFIX=/usr and the installed duty25 validating a sample from /;
#   the copy is removed unless KEEP=1.
#
# Needs root, git and the network.  Settings (environment):
#   FRESH_BASE  pristine chroot (default /var/tmp/duty25-fresh/base)
#   FRESH_RUN   the copy the command runs in (default FRESH_BASE.run)
#   MIRROR      Debian mirror (default: this machine's from /etc/apt, else deb.debian.org)
#   KEEP=1      keep FRESH_RUN afterwards (its log: FRESH_RUN/root/fresh.log)
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
BASE=${FRESH_BASE:-/var/tmp/duty25-fresh/base}
RUN=${FRESH_RUN:-$BASE.run}
LOG=${FRESH_LOG:-$ROOT/build/fresh.log}

[ "$(id -u)" = 0 ] || { echo "tests/fresh/run.sh: needs root (debootstrap, chroot)" >&2; exit 2; }
command -v git >/dev/null || { echo "tests/fresh/run.sh: needs git" >&2; exit 2; }

if [ -z "${MIRROR:-}" ]; then
    MIRROR=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
    [ -n "$MIRROR" ] ||
        MIRROR=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*debian\)\/* bookworm .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
    [ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
fi

if [ ! -x "$BASE/usr/bin/apt-get" ]; then
    command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
    echo "== debootstrap --variant=minbase bookworm $BASE $MIRROR"
    mkdir -p "$(dirname "$BASE")"
    debootstrap --variant=minbase bookworm "$BASE" "$MIRROR" >"$BASE.debootstrap.log" 2>&1 ||
        { tail -n 20 "$BASE.debootstrap.log"; exit 1; }
fi

cleanup() {
    if mountpoint -q "$RUN/proc" 2>/dev/null; then umount "$RUN/proc" || umount -l "$RUN/proc"; fi
    if [ "${KEEP:-}" != 1 ] && [ -d "$RUN" ] && ! mountpoint -q "$RUN/proc" 2>/dev/null; then
        rm -rf --one-file-system "$RUN"
    fi
}
trap cleanup EXIT INT TERM

if mountpoint -q "$RUN/proc" 2>/dev/null; then umount "$RUN/proc"; fi
rm -rf --one-file-system "$RUN"
cp -a "$BASE" "$RUN"
cp /etc/resolv.conf "$RUN/etc/resolv.conf" 2>/dev/null || true
commit=$(git rev-parse HEAD)
git clone -q --no-hardlinks "$ROOT" "$RUN/root/duty25"
git -C "$RUN/root/duty25" checkout -q "$commit"
mount -t proc proc "$RUN/proc"

present=$(chroot "$RUN" dpkg-query -W -f='${Package} ${Status}\n' make pkg-config libxml2-dev gcc 2>/dev/null |
    grep -c ' installed$' || true)
echo "== $(date '+%F %T') fresh Debian $(cat "$RUN/etc/debian_version") in $RUN, duty25 $commit"
echo "== (make, pkg-config, libxml2-dev, gcc installed before: $present of 4)"
echo "== # cd /root/duty25 && apt-get update && apt-get install -y make && make run"
start=$(date +%s)
set +e
chroot "$RUN" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    TERM=dumb /bin/sh -c 'cd /root/duty25 && apt-get update && apt-get install -y make && make run' >"$LOG" 2>&1
rc=$?
set -e
secs=$(($(date +%s) - start))
cp "$LOG" "$RUN/root/fresh.log"
tail -n 25 "$LOG"
echo "== exit status $rc after ${secs}s (log: $LOG)"
if [ $rc -eq 0 ] && grep -q "2026年11月报送情况" "$LOG" && grep -q "应报" "$LOG"; then
    echo "PASS: the README's make run works on a fresh Debian 12 at the first try"
else
    echo "FAIL"
    exit 1
fi

echo "== # make install PREFIX=/usr && cd / && duty25 validate samples/2026-11/…清单及推进情况.docx"
set +e
chroot "$RUN" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    TERM=dumb /bin/sh -c 'cd /root/duty25 && make install PREFIX=/usr && ls /usr/bin/duty25 /etc/cron.d/duty25 \
    /etc/logrotate.d/duty25 /usr/lib/systemd/system/duty25.service /usr/lib/systemd/system/duty25.timer &&
    cd / && for f in /root/duty25/samples/2026-11/*清单及推进情况.docx; do duty25 validate "$f"; exit $?; done' \
    >"$LOG.install" 2>&1
rc=$?
set -e
tail -n 12 "$LOG.install"
if [ $rc -le 1 ] && grep -q "结论：" "$LOG.install" && ! grep -q "无法读取" "$LOG.install"; then
    echo "PASS: make install PREFIX=/usr from the clone; the installed duty25 validates a return from /"
else
    echo "FAIL (exit status $rc)"
    exit 1
fi
