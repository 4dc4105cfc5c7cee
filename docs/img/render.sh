#!/bin/sh
# Terminal screenshots for docs/使用说明.md: runs the month on the shipped
# samples in a fresh working folder and renders what the terminal shows to
# PNG (docs/img/终端-*.png, with term2png.py).  By hand, after building
# (make): needs imagemagick and a CJK font (fonts-wqy-zenhei), which the
# tests do not need.
#   docs/img/render.sh
set -eu
cd "$(dirname "$0")/../.."
REPO=$PWD
BIN=$REPO/build/duty25
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
W=$t/duty25
# shot NAME COMMAND...: run COMMAND in the working folder (inbox/ for the
# ones that say so) and render "$ COMMAND" and its output
shot() {
    name=$1; shift
    {
        printf '%s $ %s\n' "${DIR_SHOWN:-/srv/duty25}" "$*"
        (cd "${RUN_IN:-$W}" && PATH=$REPO/build:$PATH sh -c "$*" 2>&1) | head -n "${LINES_MAX:-32}" | sed "s|$t/duty25|/srv/duty25|g"
    } >"$t/$name.txt"
    docs/img/term2png.py "$t/$name.txt" "docs/img/终端-$name.png"
    echo "docs/img/终端-$name.png"
}
RUN_IN=$t shot 1-init "duty25 init --district 示范区 duty25"
shot 2-forms "duty25 forms -q --period 2026-11"
# the returns arrive: October's and November's samples, a flawed one among them
cp samples/2026-10/* samples/2026-11/* "$W/inbox/"
cp samples/flawed/城西小学-2026年11月-自查为空.docx "$W/inbox/"
LINES_MAX=14 shot 3-validate "duty25 validate inbox/城西小学-2026年11月-自查为空.docx"
shot 4-run "duty25 run --period 2026-11"
LINES_MAX=40 shot 5-status "duty25 status --period 2026-11"
shot 6-report "duty25 report --period 2026-11"
shot 7-typo "duty25 stauts; duty25 status --perod 2026-11"
