#!/usr/bin/python3
"""Render terminal text to PNG as a terminal shows it: a grid of cells, CJK
characters two cells wide (ImageMagick's own text layout is proportional).
usage: term2png.py TEXT-FILE OUT.png   (needs imagemagick, fonts-wqy-zenhei)"""
import subprocess
import sys
import unicodedata

CELL, LINE, PAD, SIZE = 9, 22, 14, 15
BG, FG, PROMPT = "#1e1e1e", "#e8e8e8", "#8ae234"

lines = open(sys.argv[1], encoding="utf-8").read().rstrip("\n").split("\n")
COLS = 80  # an 80-column terminal: longer lines wrap, as they would there
draw, cols, row = [], 0, 0
for n, text in enumerate(lines):
    col = 0
    fill = PROMPT if n == 0 and " $ " in text else FG
    draw.append("fill '%s'" % fill)
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if col + w > COLS:
            row, col = row + 1, 0
        if not ch.isspace() and ch != "\u3000":
            c = ch.replace("\\", "\\\\").replace("'", "\\'")
            draw.append("text %d,%d '%s'" % (PAD + col * CELL, PAD + row * LINE + SIZE, c))
        col += w
        cols = max(cols, col)
    row += 1
width, height = 2 * PAD + cols * CELL, 2 * PAD + row * LINE
subprocess.run(["/usr/bin/convert", "-size", "%dx%d" % (width, height), "xc:" + BG,
                "-font", "WenQuanYi-Zen-Hei", "-pointsize", str(SIZE), "-draw", " ".join(draw),
                "-colors", "16", "PNG8:" + sys.argv[2]], check=True)
