#!/bin/sh
# install: what a user meets when building and installing duty25 (TAP).
#
#   tests/install/check.sh BUILD/duty25        (cwd: the repository root)
#
# - the Makefile reads pkg-config only after `make run` has installed the
#   packages (a fake pkg-config that fails until a fake deps step has run);
#   `make run` installs only what building and running need;
# - CC, CFLAGS, CPPFLAGS and LDFLAGS from the environment reach the compile
#   and link lines; -Werror only in `make check`;
# - `make install` with PREFIX or DESTDIR: where each file goes, the paths
#   written into the man page and the systemd, cron.d and logrotate files,
#   an installed (and a moved) copy validating a return from /, the system
#   configuration file, systemd-analyze verify, the cron line, a real log
#   rotation of a real run; a reinstall keeps an edited cron.d file.
#
# make runs on copies of the tree in a temporary folder, never on the tree
# itself; the plain build's objects are copied along so that only what the
# paths change is compiled again.  Runs once, for the plain build (the ASan
# variant prints a SKIP line).
set -u
BIN=$1
case $BIN in
*asan*)
    echo "1..0 # SKIP install: run once, with the plain build"
    exit 0
    ;;
esac
ROOT=$PWD
BUILD=$(dirname "$BIN")
# Nothing of the caller's make (jobs, variables) nor of its environment.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES CC CFLAGS CPPFLAGS LDFLAGS LDLIBS WERROR V \
    PREFIX DESTDIR BINDIR DATADIR SYSCONFDIR MANDIR UNITDIR CRONDIR LOGROTATEDIR WORKDIR DUTY25_USER \
    DEPS_CMD DUTY25_CONFIG
T=$(mktemp -d "${TMPDIR:-/tmp}/d25-install.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
fails=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { # description [file whose tail explains]
    n=$((n + 1))
    fails=$((fails + 1))
    echo "not ok $n - $1"
    if [ $# -gt 1 ] && [ -f "$2" ]; then tail -n 15 "$2" | sed 's/^/# /'; fi
}
# t DESCRIPTION COMMAND...: ok when the command succeeds.
t() {
    d=$1
    shift
    if "$@"; then ok "$d"; else notok "$d"; fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# A copy of what make needs (mtimes kept, so copied objects stay up to date).
copy_tree() { # dest [with-build]
    mkdir -p "$1"
    cp -Rp Makefile README.md src config templates docs dist "$1/"
    mkdir -p "$1/tests" "$1/samples"
    cp -p samples/preview-*.png samples/serve-*.png "$1/samples/"
    cp -Rp tests/unit "$1/tests/"
    if [ $# -gt 1 ] && [ -d "$BUILD/obj" ]; then
        mkdir -p "$1/build"
        cp -Rp "$BUILD/obj" "$1/build/"
        cp -p "$BIN" "$1/build/duty25"
        [ -f "$BUILD/paths.stamp" ] && cp -p "$BUILD/paths.stamp" "$1/build/"
    fi
}

# ---- fakes: pkg-config that fails until the deps step ran; the deps step;
# a compiler that records its command lines and writes empty objects and a
# program that records how it was run.
REAL_PKG_CONFIG=$(command -v pkg-config)
mkdir -p "$T/fake"
cat >"$T/fake/pkg-config" <<EOF
#!/bin/sh
[ -e "\$PC_MARKER" ] || exit 1
exec "$REAL_PKG_CONFIG" "\$@"
EOF
cat >"$T/fakedeps" <<'EOF'
#!/bin/sh
echo "$*" >>"$DEPS_LOG"
touch "$PC_MARKER"
EOF
cat >"$T/fakecc" <<'EOF'
#!/bin/sh
echo "$*" >>"$CC_LOG"
out= compile= prev=
for a; do
    [ "$prev" = -o ] && out=$a
    [ "$a" = -c ] && compile=1
    prev=$a
done
[ -n "$out" ] || exit 0
mkdir -p "$(dirname "$out")"
if [ -n "$compile" ]; then
    : >"$out"
else
    printf '#!/bin/sh\necho "fake duty25 $*" >>"$RUN_LOG"\n' >"$out"
    chmod +x "$out"
fi
EOF
chmod +x "$T/fake/pkg-config" "$T/fakedeps" "$T/fakecc"
XML_CFLAGS=$(pkg-config --cflags libxml-2.0 | sed "s/ *$//")

# compile lines (-c) of a log lacking a word (grep -F pattern), counted.
lacking() { grep -e ' -c ' "$1" | grep -cvF -e "$2"; }
compiles() { grep -ce ' -c ' "$1"; }

# ---- (a) a machine without the packages: `make run` installs them, then builds
copy_tree "$T/a"
(cd "$T/a" && PATH="$T/fake:$PATH" PC_MARKER="$T/a.marker" DEPS_LOG="$T/a.deps" CC_LOG="$T/a.cc" \
    RUN_LOG="$T/a.run" make run V=1 CC="$T/fakecc" DEPS_CMD="$T/fakedeps") >"$T/a.out" 2>&1
if grep -qw libxml2-dev "$T/a.deps" 2>/dev/null && grep -qw build-essential "$T/a.deps" &&
    ! grep -qwE 'libreoffice-writer-nogui|python3-docx|valgrind|libcmocka-dev' "$T/a.deps"; then
    ok "make run first installs what building and running need, and not LibreOffice or the test tools"
else notok "make run first installs what building and running need, and not LibreOffice or the test tools" "$T/a.out"; fi
if [ -f "$T/a.cc" ] && [ "$(compiles "$T/a.cc")" -gt 30 ] && [ "$(lacking "$T/a.cc" "$XML_CFLAGS")" -eq 0 ]; then
    ok "make run then compiles every file with pkg-config's flags ($XML_CFLAGS), read after the packages came"
else
    notok "make run then compiles every file with pkg-config's flags ($XML_CFLAGS), read after the packages came" "$T/a.out"
    [ -f "$T/a.cc" ] && grep -m3 ' -c ' "$T/a.cc" | sed 's/^/# compiled: /'
fi
link=$(grep -e '-o build/duty25' "$T/a.cc" 2>/dev/null)
missing=""
for l in -lxml2 -lzip -ljansson -lsqlite3 -lnettle -lxlsxwriter -ldeflate -liniparser; do
    case " $link " in *" $l "*) ;; *) missing="$missing $l" ;; esac
done
if [ -n "$link" ] && [ -z "$missing" ]; then ok "... links with pkg-config's libraries"
else notok "... links with pkg-config's libraries (missing:$missing)" "$T/a.out"; fi
t "... and runs the program it built (duty25 run on the samples)" grep -q "fake duty25 run" "$T/a.run"

copy_tree "$T/a2"
(cd "$T/a2" && PATH="$T/fake:$PATH" PC_MARKER="$T/never" CC_LOG="$T/a2.cc" make CC="$T/fakecc") >"$T/a2.out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "make deps-build" "$T/a2.out" && [ ! -s "$T/a2.cc" ]; then
    ok "make without the packages stops before compiling and says to run make deps-build"
else notok "make without the packages stops before compiling and says to run make deps-build (exit $rc)" "$T/a2.out"; fi

# ---- (c) the user's CC, CFLAGS, CPPFLAGS, LDFLAGS; -Werror only in make check
copy_tree "$T/c"
(cd "$T/c" && CC_LOG="$T/c.cc" CFLAGS=-O1 CPPFLAGS=-D_FORTIFY_SOURCE=2 LDFLAGS="-Wl,-z,relro,-z,now" \
    make V=1 CC="$T/fakecc") >"$T/c.out" 2>&1
if [ -f "$T/c.cc" ] && [ "$(compiles "$T/c.cc")" -gt 30 ] && [ "$(lacking "$T/c.cc" " -O1")" -eq 0 ] &&
    ! grep -q -e '-O2' "$T/c.cc"; then
    ok "CFLAGS from the environment replace the default -O2 on every compile line"
else notok "CFLAGS from the environment replace the default -O2 on every compile line" "$T/c.out"; fi
if [ -f "$T/c.cc" ] && [ "$(lacking "$T/c.cc" "-D_FORTIFY_SOURCE=2")" -eq 0 ] &&
    [ "$(lacking "$T/c.cc" "-D_GNU_SOURCE")" -eq 0 ] && [ "$(lacking "$T/c.cc" "-Isrc")" -eq 0 ] &&
    [ "$(lacking "$T/c.cc" "-std=c17")" -eq 0 ]; then
    ok "CPPFLAGS from the environment are added to duty25's own (-D_GNU_SOURCE -Isrc -std=c17 kept)"
else notok "CPPFLAGS from the environment are added to duty25's own (-D_GNU_SOURCE -Isrc -std=c17 kept)" "$T/c.cc"; fi
t "LDFLAGS from the environment reach the link line" \
    sh -c "grep -e '-o build/duty25' '$T/c.cc' | grep -q -e '-Wl,-z,relro,-z,now'"
t "a user's make has no -Werror (a newer compiler's warning does not stop the build)" \
    sh -c "! grep -q -e -Werror '$T/c.cc'"
(cd "$T/c" && make -n -B check DEPS_CMD="$T/fakedeps") >"$T/c.check" 2>&1
if [ "$(compiles "$T/c.check")" -gt 60 ] && [ "$(lacking "$T/c.check" "-Werror")" -eq 0 ] &&
    grep -q -e '-fsanitize=address.* -c ' "$T/c.check"; then
    ok "make check compiles everything (plain and ASan) with -Werror"
else notok "make check compiles everything (plain and ASan) with -Werror" "$T/c.check"; fi
if grep -e fakedeps "$T/c.check" | grep -qw libxml2-dev &&
    grep -e fakedeps "$T/c.check" | grep -qw libreoffice-writer-nogui &&
    grep -e fakedeps "$T/c.check" | grep -qw logrotate; then
    ok "make check installs the build packages and the test packages (LibreOffice, logrotate)"
else notok "make check installs the build packages and the test packages (LibreOffice, logrotate)" "$T/c.check"; fi

# ---- (b) make install PREFIX=...: a user's own folder
copy_tree "$T/b" with-build
P=$T/p
W=$T/w
(cd "$T/b" && make install PREFIX="$P" WORKDIR="$W") >"$T/b.out" 2>&1
t "make install PREFIX=DIR WORKDIR=DIR" test $? -eq 0
missing=""
for f in bin/duty25 share/duty25/config/duty25.ini share/duty25/config/rules-education.ini \
    share/duty25/config/units.csv share/duty25/templates/统计表.docx share/duty25/templates/退回通知.docx \
    share/man/man1/duty25.1 lib/systemd/system/duty25.service lib/systemd/system/duty25.timer \
    etc/cron.d/duty25 etc/logrotate.d/duty25 share/duty25/dist/cron.d/duty25; do
    [ -f "$P/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then ok "... installs the program, data, man page, systemd units, cron.d and logrotate files"
else notok "... installs the program, data, man page, systemd units, cron.d and logrotate files (missing:$missing)" "$T/b.out"; fi

sample=""
for f in samples/2026-11/*清单及推进情况.docx; do sample=$ROOT/$f; break; done
# validate FILE from / (no working folder): exit 0 or 1, a Chinese verdict, the data found
validates_from_root() { # binary output
    (cd / && "$1" validate "$sample") >"$2" 2>&1
    rc=$?
    { [ $rc -eq 0 ] || [ $rc -eq 1 ]; } && grep -q "结论：" "$2" && ! grep -q "无法读取" "$2" && return 0
    echo "# exit $rc:"
    head -n 5 "$2" | sed 's/^/# /'
    return 1
}
t "the installed duty25 validates a return from / (outside any working folder)" validates_from_root "$P/bin/duty25" "$T/b.validate"

mkdir -p "$P/etc/duty25"
printf '[campaign]\ndistrict = 测试区\n[nosuch]\nkey = 1\n' >"$P/etc/duty25/duty25.ini"
(cd / && "$P/bin/duty25" validate "$sample") >"$T/b.sys" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "$P/etc/duty25/duty25.ini" "$T/b.sys"; then
    ok "... reads the system configuration SYSCONFDIR/duty25/duty25.ini (PREFIX/etc)"
else notok "... reads the system configuration SYSCONFDIR/duty25/duty25.ini (PREFIX/etc) (exit $rc)" "$T/b.sys"; fi
rm -rf "$P/etc/duty25"

mv "$P" "$T/moved"
t "a copy moved elsewhere still finds its data beside it" validates_from_root "$T/moved/bin/duty25" "$T/b.moved"
mv "$T/moved" "$P"

if grep -qF "$P/etc/duty25/duty25.ini" "$P/share/man/man1/duty25.1" &&
    grep -qF "$P/share/duty25/" "$P/share/man/man1/duty25.1" &&
    grep -qF "$P/lib/systemd/system/duty25.timer" "$P/share/man/man1/duty25.1" &&
    grep -qF "cd $W && $P/bin/duty25 run" "$P/share/man/man1/duty25.1"; then
    ok "the installed man page names the installed paths"
else notok "the installed man page names the installed paths" "$P/share/man/man1/duty25.1"; fi
left=$(grep -rIlE '@[A-Z_0-9]+@' "$P" 2>/dev/null)
if [ -z "$left" ]; then ok "no @VARIABLE@ is left in an installed file"
else notok "no @VARIABLE@ is left in an installed file: $left"; fi
t "the installed duty25.ini names the system configuration's path" \
    grep -qF "$P/etc/duty25/duty25.ini" "$P/share/duty25/config/duty25.ini"

# systemd units
svc=$P/lib/systemd/system/duty25.service
tim=$P/lib/systemd/system/duty25.timer
missing=""
for l in "ExecStart=$P/bin/duty25 run" "WorkingDirectory=$W" "ReadWritePaths=$W" "User=duty25" \
    "ProtectSystem=strict" "NoNewPrivileges=yes" "SuccessExitStatus=1" "Type=oneshot"; do
    grep -qxF "$l" "$svc" || missing="$missing [$l]"
done
if [ -z "$missing" ]; then ok "the service runs $P/bin/duty25 run in $W as duty25, writing only there"
else notok "the service runs $P/bin/duty25 run in $W as duty25, writing only there (missing:$missing)" "$svc"; fi
if command -v systemd-analyze >/dev/null 2>&1; then
    systemd-analyze verify --man=no "$svc" "$tim" >"$T/verify" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && ! grep -q duty25 "$T/verify"; then ok "systemd-analyze verify accepts the service and the timer"
    else notok "systemd-analyze verify accepts the service and the timer (exit $rc)" "$T/verify"; fi
    cal=$(sed -n 's/^OnCalendar=//p' "$tim")
    if [ -n "$cal" ] && systemd-analyze calendar "$cal" 2>&1 | grep -q "Normalized form: \*-\*-\* 07:30:00"; then
        ok "the timer fires every day at 07:30 ($cal)"
    else notok "the timer fires every day at 07:30 ($cal)" "$tim"; fi
else
    skip "systemd-analyze verify accepts the service and the timer" "no systemd-analyze"
    skip "the timer fires every day at 07:30" "no systemd-analyze"
fi
# the page server's unit (issue 21): duty25 serve as the unprivileged user, writing only there
srv=$P/lib/systemd/system/duty25-serve.service
missing=""
for l in "ExecStart=$P/bin/duty25 serve" "WorkingDirectory=$W" "ReadWritePaths=$W" "User=duty25" "Group=duty25" \
    "ProtectSystem=strict" "NoNewPrivileges=yes" "CapabilityBoundingSet=" "Type=simple" "WantedBy=multi-user.target"; do
    grep -qxF "$l" "$srv" 2>/dev/null || missing="$missing [$l]"
done
if [ -z "$missing" ]; then ok "duty25-serve.service runs $P/bin/duty25 serve in $W as duty25, unprivileged, writing only there"
else notok "duty25-serve.service runs $P/bin/duty25 serve in $W as duty25 (missing:$missing)" "$srv"; fi
if command -v systemd-analyze >/dev/null 2>&1; then
    systemd-analyze verify --man=no "$srv" >"$T/verify-serve" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && ! grep -q duty25 "$T/verify-serve"; then ok "systemd-analyze verify accepts duty25-serve.service"
    else notok "systemd-analyze verify accepts duty25-serve.service (exit $rc)" "$T/verify-serve"; fi
else
    skip "systemd-analyze verify accepts duty25-serve.service" "no systemd-analyze"
fi
grep -qx 'WantedBy=timers.target' "$tim" && grep -qx 'Persistent=true' "$tim"
t "the timer can be enabled (WantedBy=timers.target) and makes up a missed run (Persistent=true)" test $? -eq 0

# cron.d: installed with the job commented out; the job line (uncommented) is a
# valid 5-field line with a user and absolute paths
cron=$P/etc/cron.d/duty25
job=$(grep -E '^#?[0-9*].*duty25 run' "$cron" | sed 's/^#//')
valid_cron() {
    echo "$job" | awk -v bin="$P/bin/duty25" -v wd="$W" '
    function field(f, lo, hi,   parts, cnt, i, r, a, s) {
        cnt = split(f, parts, ",")
        for (i = 1; i <= cnt; i++) {
            r = parts[i]; s = ""
            if (r ~ /\//) { s = r; sub(/^[^\/]*\//, "", s); sub(/\/.*/, "", r); if (s !~ /^[0-9]+$/) return 0 }
            if (r == "*") continue
            if (r ~ /^[0-9]+-[0-9]+$/) { split(r, a, "-"); if (a[1] + 0 < lo || a[2] + 0 > hi || a[1] + 0 > a[2] + 0) return 0; continue }
            if (r !~ /^[0-9]+$/ || r + 0 < lo || r + 0 > hi) return 0
        }
        return 1
    }
    NF >= 7 && field($1, 0, 59) && field($2, 0, 23) && field($3, 1, 31) && field($4, 1, 12) && field($5, 0, 7) &&
    $6 == "duty25" {
        cmd = $7
        for (i = 8; i <= NF; i++) cmd = cmd " " $i
        if (cmd != "cd " wd " && " bin " run") exit 1
        ok = 1
    }
    END { exit ok ? 0 : 1 }'
}
if [ -n "$job" ] && valid_cron; then ok "cron.d: a valid 5-field line, user duty25, absolute paths ($job)"
else notok "cron.d: a valid 5-field line, user duty25, absolute paths ($job)" "$cron"; fi
t "cron.d: installed with the job commented out (the timer is the other way)" grep -qE '^#[0-9*].*duty25 run' "$cron"
case $(tail -c 1 "$cron" | od -An -c | tr -d ' ') in
'\n') ok "cron.d: the file ends with a newline (cron ignores a last line without one)" ;;
*) notok "cron.d: the file ends with a newline (cron ignores a last line without one)" ;;
esac

# logrotate: the run log of a real run is rotated
lr=$P/etc/logrotate.d/duty25
t "logrotate.d names the working folder's log" grep -qF "$W/data/duty25.log {" "$lr"
if command -v logrotate >/dev/null 2>&1 || [ -x /usr/sbin/logrotate ]; then
    LOGROTATE=$(command -v logrotate || echo /usr/sbin/logrotate)
    "$LOGROTATE" -d -s "$T/lr.state" "$lr" >"$T/lr.debug" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && ! grep -qi 'error' "$T/lr.debug"; then ok "logrotate -d accepts the logrotate file"
    else notok "logrotate -d accepts the logrotate file (exit $rc)" "$T/lr.debug"; fi
    if "$P/bin/duty25" init "$W" >"$T/w.init" 2>&1 && cp "$sample" "$W/inbox/" &&
        (cd "$W" && "$P/bin/duty25" run --period 2026-11 >"$T/w.run1" 2>&1; [ $? -le 1 ]) &&
        [ -s "$W/data/duty25.log" ] && cp "$W/data/duty25.log" "$T/log.before" &&
        "$LOGROTATE" -f -s "$T/lr.state" "$lr" >"$T/lr.force" 2>&1 &&
        [ ! -e "$W/data/duty25.log" ] && cmp -s "$T/log.before" "$W/data/duty25.log.1" &&
        (cd "$W" && "$P/bin/duty25" run --period 2026-11 >"$T/w.run2" 2>&1; [ $? -le 1 ]) &&
        [ -s "$W/data/duty25.log" ]; then
        ok "a real run's log is rotated to duty25.log.1 and the next run starts a new one"
    else
        notok "a real run's log is rotated to duty25.log.1 and the next run starts a new one"
        cat "$T/w.init" "$T/w.run1" "$T/lr.force" "$T/w.run2" 2>/dev/null | sed 's/^/# /' | head -20
        ls -l "$W/data" 2>&1 | sed 's/^/# /'
    fi
else
    skip "logrotate -d accepts the logrotate file" "no logrotate"
    skip "a real run's log is rotated" "no logrotate"
fi

# ---- make install DESTDIR=... PREFIX=/usr: a package's layout
D=$T/d
(cd "$T/b" && make install DESTDIR="$D" PREFIX=/usr) >"$T/d.out" 2>&1
t "make install DESTDIR=DIR PREFIX=/usr" test $? -eq 0
if [ -f "$D/etc/cron.d/duty25" ] && [ -f "$D/etc/logrotate.d/duty25" ] && [ ! -e "$D/usr/etc" ] &&
    [ -f "$D/usr/bin/duty25" ] && [ -f "$D/usr/share/duty25/config/rules-education.ini" ] &&
    [ -f "$D/usr/lib/systemd/system/duty25.timer" ] && [ -f "$D/usr/share/man/man1/duty25.1" ]; then
    ok "... puts the configuration under DESTDIR/etc, not DESTDIR/usr/etc"
else notok "... puts the configuration under DESTDIR/etc, not DESTDIR/usr/etc" "$T/d.out"; find "$D" | sed 's/^/# /' | head -30; fi
if grep -qxF "ExecStart=/usr/bin/duty25 run" "$D/usr/lib/systemd/system/duty25.service" &&
    grep -qF "cd /srv/duty25 && /usr/bin/duty25 run" "$D/etc/cron.d/duty25" &&
    grep -qF "/etc/duty25/duty25.ini" "$D/usr/share/man/man1/duty25.1" &&
    ! grep -qF "/usr/etc" "$D/usr/share/man/man1/duty25.1" &&
    grep -qF "/srv/duty25/data/duty25.log" "$D/etc/logrotate.d/duty25"; then
    ok "... the files name /usr/bin/duty25, /etc/duty25/duty25.ini and /srv/duty25 (not DESTDIR)"
else notok "... the files name /usr/bin/duty25, /etc/duty25/duty25.ini and /srv/duty25 (not DESTDIR)"; fi
if grep -aqF "/etc/duty25/duty25.ini" "$D/usr/bin/duty25" && grep -aqF "/usr/share/duty25" "$D/usr/bin/duty25" &&
    ! grep -aqF "/usr/local/etc/duty25" "$D/usr/bin/duty25"; then
    ok "... the program was built again for PREFIX=/usr (it looks for /etc/duty25/duty25.ini)"
else notok "... the program was built again for PREFIX=/usr (it looks for /etc/duty25/duty25.ini)" "$T/d.out"; fi
t "... and, run from DESTDIR, finds its data beside it and validates a return from /" \
    validates_from_root "$D/usr/bin/duty25" "$T/d.validate"

sed -i 's/^#\([0-9]\)/\1/' "$D/etc/cron.d/duty25"
cp "$D/etc/cron.d/duty25" "$T/cron.edited"
(cd "$T/b" && make install DESTDIR="$D" PREFIX=/usr) >"$T/d2.out" 2>&1
if cmp -s "$T/cron.edited" "$D/etc/cron.d/duty25" && grep -q "保留已有的 $D/etc/cron.d/duty25" "$T/d2.out"; then
    ok "installing again keeps the cron.d file the administrator enabled, and says so"
else notok "installing again keeps the cron.d file the administrator enabled, and says so" "$T/d2.out"; fi
(cd "$T/b" && make uninstall DESTDIR="$D" PREFIX=/usr) >"$T/d3.out" 2>&1
if [ ! -e "$D/usr/bin/duty25" ] && [ ! -e "$D/usr/share/duty25" ] && [ ! -e "$D/usr/lib/systemd/system/duty25.service" ] &&
    [ ! -e "$D/etc/logrotate.d/duty25" ] && cmp -s "$T/cron.edited" "$D/etc/cron.d/duty25"; then
    ok "make uninstall removes what it installed and keeps the edited cron.d file"
else notok "make uninstall removes what it installed and keeps the edited cron.d file" "$T/d3.out"; fi

echo "1..$n"
[ "$fails" -eq 0 ]
