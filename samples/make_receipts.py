#!/usr/bin/python3
"""Write the samples' receipt registers (收件登记): when each sample return
reached the fictional 示范区 office, as an office keeps it.

    samples/make_receipts.py

A clone or a copy gives every file today's modification time, so the
samples carry their receipt times in these registers instead; `make run`
then shows the figures the README states.  October's register is a CSV as
Chinese Excel saves "CSV UTF-8（逗号分隔）" (UTF-8 with a byte-order mark),
keyed by file name; November's a workbook written by openpyxl, keyed by
file name for most rows and by unit and month for two.  Every return is on
time (the 15th to the 25th, office hours) except November's two late units,
whose returns came on 27 November.
"""
import csv
import datetime
import io
import json
import os

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
LATE = {"2026-11": {"SF-X002", "SF-Y001"}}  # the late units of each month
LATE_AT = datetime.datetime(2026, 11, 27, 9, 30)
BY_UNIT = {"SF-X007", "SF-P003"}  # November: registered by unit and month


def when(period, index):
    """A receipt time inside the month's window, spread over the files."""
    y, m = map(int, period.split("-"))
    day = 15 + index % 11              # the 15th .. the 25th
    minute = (index * 37) % (9 * 60)   # 08:00 .. 16:59
    return datetime.datetime(y, m, day, 8 + minute // 60, minute % 60)


def main():
    manifest = json.load(open(os.path.join(HERE, "expected.json"), encoding="utf-8"))
    units = {}
    with open(os.path.join(HERE, "..", "config", "units.csv"), encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            units[row["code"]] = row["name"]
    for period in ("2026-10", "2026-11"):
        names = sorted(n for n in os.listdir(os.path.join(HERE, period)) if not n.startswith("收件登记"))
        rows = []
        for i, name in enumerate(names):
            unit = manifest["files"]["%s/%s" % (period, name)]["unit"]
            t = LATE_AT if unit in LATE.get(period, ()) else when(period, i)
            rows.append((name, unit, t))
        if period == "2026-10":
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(["序号", "文件名", "收到时间", "来源"])
            for i, (name, unit, t) in enumerate(rows, 1):
                w.writerow([i, name, t.strftime("%Y-%m-%d %H:%M"), "邮件"])
            with open(os.path.join(HERE, period, "收件登记.csv"), "w", encoding="utf-8-sig", newline="") as f:
                f.write(buf.getvalue())
        else:
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "收件登记"
            ws.append(["示范区教育局 2026年11月 报表收件登记"])
            ws.append(["文件名", "单位", "月份", "收到时间"])
            done = set()
            for name, unit, t in rows:
                if unit in BY_UNIT:
                    if unit in done:
                        continue
                    done.add(unit)
                    # both of the unit's files came together
                    t = min(tt for _, u, tt in rows if u == unit)
                    ws.append([None, units[unit], "2026-11", t])
                else:
                    ws.append([name, None, None, t])
                ws.cell(row=ws.max_row, column=4).number_format = "yyyy-mm-dd hh:mm"
            wb.save(os.path.join(HERE, period, "收件登记.xlsx"))


if __name__ == "__main__":
    main()
