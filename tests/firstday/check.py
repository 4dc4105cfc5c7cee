#!/usr/bin/python3
"""A bureau's first days (issue 15): receipt times that survive copying,
the receipt register, the cron run that follows the campaign's calendar.

Expectations come from the samples' registers read here with csv and
openpyxl, the registry read with csv, the deadline day of the rule set, and
the dates this test chooses; never from duty25's own output.  Dates are set
with faketime (a cron run on 4 December, before the 25th, ...).

    tests/firstday/check.py build/duty25
"""
import configparser
import csv
import datetime
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import tap, skip, done  # noqa: E402

import openpyxl  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build/duty25"))
SAMPLES = os.path.join(ROOT, "samples")
FAKETIME = shutil.which("faketime")
TMP = tempfile.mkdtemp(prefix="d25first")
MANIFEST = json.load(open(os.path.join(SAMPLES, "expected.json"), encoding="utf-8"))

ini = configparser.ConfigParser(interpolation=None, comment_prefixes=(";", "#"), inline_comment_prefixes=None)
ini.read(os.path.join(ROOT, "config/rules-education.ini"), encoding="utf-8")
DEADLINE_DAY = int(ini["edition"]["deadline_day"])
with open(os.path.join(ROOT, "config/units.csv"), encoding="utf-8-sig") as f:
    UNITS = list(csv.DictReader(f))
BY_NAME = {u["name"]: u["code"] for u in UNITS}


def active(u, period):
    return (not u["active_from"] or u["active_from"][:7] <= period) and \
        (not u["active_until"] or period <= u["active_until"][:7])


def duty25(args, cwd=ROOT, at=None):
    cmd = [BIN] + args
    env = None
    if at:
        cmd = [FAKETIME, at] + cmd
        # libfaketime is preloaded before the sanitizer build's runtime
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0").lstrip(":")
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)


def q(db, sql, *args):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def register_times(period):
    """{file name or (unit code, period): datetime} as the samples' register says."""
    d = os.path.join(SAMPLES, period)
    out = {}
    for name in os.listdir(d):
        if not name.startswith("收件登记"):
            continue
        p = os.path.join(d, name)
        if name.endswith(".csv"):
            with open(p, encoding="utf-8-sig") as f:
                for row in csv.DictReader(f):
                    out[row["文件名"]] = datetime.datetime.strptime(row["收到时间"], "%Y-%m-%d %H:%M")
        else:
            ws = openpyxl.load_workbook(p).active
            rows = list(ws.iter_rows(values_only=True))
            h = next(i for i, r in enumerate(rows) if "收到时间" in r)
            cols = {v: i for i, v in enumerate(rows[h]) if v}
            for r in rows[h + 1:]:
                if r[cols["文件名"]]:
                    out[r[cols["文件名"]]] = r[cols["收到时间"]]
                elif r[cols["单位"]]:
                    out[(BY_NAME[r[cols["单位"]]], str(r[cols["月份"]]))] = r[cols["收到时间"]]
    return out


def expected_states(period):
    """Each expected unit's state, from the manifest and the register."""
    times = register_times(period)
    deadline = datetime.datetime(int(period[:4]), int(period[5:]), DEADLINE_DAY, 23, 59, 59)
    first = {}  # unit -> {form: earliest accepted time}
    for rel, f in MANIFEST["files"].items():
        if not rel.startswith(period + "/") or f["verdict"] != "accepted":
            continue
        name = rel.split("/", 1)[1]
        t = times.get(name) or times.get((f["unit"], period))
        for form in f["forms"]:
            cur = first.setdefault(f["unit"], {})
            cur[form] = min(cur.get(form, t), t)
    states = {}
    for u in UNITS:
        if not active(u, period):
            continue
        forms = first.get(u["code"], {})
        if len(forms) == 2:
            states[u["code"]] = "on_time" if max(forms.values()) <= deadline else "late"
        else:
            states[u["code"]] = "incomplete" if forms else "missing"
    return states


def status(db, period, cwd=ROOT, at=None):
    r = duty25(["status", "--db", db, "--period", period, "--format", "json"], cwd, at)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"error": r.stdout + r.stderr}


def states_of(st):
    return {u["code"]: u["state"] for u in st.get("units", [])}


def write_ini(name, **store):
    path = os.path.join(TMP, name + ".ini")
    lines = ["[campaign]", "rules = %s" % os.path.join(ROOT, "config/rules-education.ini"),
             "units = %s" % os.path.join(ROOT, "config/units.csv"), "[store]",
             "database = %s" % os.path.join(TMP, name + ".db")]
    lines += ["%s = %s" % kv for kv in store.items()]
    lines += ["[report]", "templates = %s" % os.path.join(ROOT, "templates"), "out = %s" % os.path.join(TMP, name + "-out")]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path, os.path.join(TMP, name + ".db")


def copy_month(period, dst, with_register=True, stamp=None):
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(os.path.join(SAMPLES, period))):
        if name.startswith("收件登记") and not with_register:
            continue
        shutil.copyfile(os.path.join(SAMPLES, period, name), os.path.join(dst, name))
        if stamp:
            os.utime(os.path.join(dst, name), (stamp, stamp))


try:
    # ---- the samples as `make run` takes them: receipt times from the registers ----
    cfg, db = write_ini("samples")
    r = duty25(["--config", cfg, "run", "-v", "--period", "2026-11", "samples/2026-10", "samples/2026-11"])
    regs = [l for l in r.stdout.splitlines() if l.startswith("登记")]
    tap(r.returncode == 0 and len(regs) == 2 and all("收件登记" in l and "读入" in l for l in regs),
        "run on the samples reads both months' receipt registers (the CSV and the workbook)", r.stdout[-1500:] + r.stderr)
    for period in ("2026-10", "2026-11"):
        want = expected_states(period)
        st = status(db, period)
        got = states_of(st)
        counts = {k: sum(1 for v in want.values() if v == k) for k in ("on_time", "late", "missing")}
        tap(got == want and counts["on_time"] > 30, "%s: every unit's state from the register's times: %s" % (period, counts),
            sorted((k, want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k))[:8])
    times = register_times("2026-11")
    got = dict(q(db, "SELECT file_name, received FROM returns WHERE period = '2026-11' AND received_source = 'register'"))
    want = {}
    for rel, f in MANIFEST["files"].items():
        if rel.startswith("2026-11/"):
            name = rel.split("/", 1)[1]
            t = times.get(name) or times.get((f["unit"], "2026-11"))
            want[name] = t.strftime("%Y-%m-%d %H:%M:%S")
    tap(got == want, "every November return carries its register time (%d, two units registered by unit and month)"
        % len(want), sorted(set(want.items()) ^ set(got.items()))[:4])
    src = q(db, "SELECT DISTINCT received_source FROM returns")
    tap(src == [("register",)], "no sample return is timed by its file", src)

    # ---- without a register, the time duty25 first saw the bytes (not the copy's mtime) ----
    cfg2, db2 = write_ini("seen")
    inbox = os.path.join(TMP, "inbox-seen")
    copy_month("2026-11", inbox, with_register=False, stamp=time.mktime((2026, 12, 30, 8, 0, 0, 0, 0, -1)))
    before = datetime.datetime.now()
    r = duty25(["--config", cfg2, "ingest", "-q", inbox])
    rows = q(db2, "SELECT DISTINCT received_source FROM returns")
    recv = [datetime.datetime.strptime(t, "%Y-%m-%d %H:%M:%S") for (t,) in q(db2, "SELECT received FROM returns")]
    mt = q(db2, "SELECT DISTINCT file_mtime FROM returns")
    tap(r.returncode == 0 and rows == [("seen",)] and recv and
        all(abs((t - before).total_seconds()) < 120 for t in recv) and mt == [("2026-12-30 08:00:00",)],
        "by default a return's received time is when duty25 first saw it; the file's mtime is kept beside it",
        (r.stdout[-500:], rows, mt))

    # ---- the office trusts mtimes, and they are all one copy's time: said, not trusted ----
    cfg3, db3 = write_ini("mtime", received_time="mtime")
    inbox3 = os.path.join(TMP, "inbox-mtime")
    copy_month("2026-11", inbox3, with_register=False, stamp=time.mktime((2026, 12, 4, 9, 12, 0, 0, 0, -1)))
    r = duty25(["--config", cfg3, "ingest", "-q", inbox3])
    st = status(db3, "2026-11")
    returned = sum(1 for c, s in expected_states("2026-11").items() if s in ("on_time", "late"))
    tap(st.get("late") == returned and st.get("received_doubts") == [{"time": "2026-12-04 09:12", "source": "mtime",
                                                                      "units": returned}],
        "%d late units sharing one file time are a doubt in status --format json" % returned,
        (st.get("late"), st.get("received_doubts")))
    r = duty25(["status", "--db", db3, "--period", "2026-11"])
    tap("注意：有 %d 家单位的收到时间都是 2026-12-04 09:12（文件修改时间）" % returned in r.stdout and "收件登记" in r.stdout,
        "status says so in words and points to the receipt register", r.stdout[:800])
    r = duty25(["--config", cfg3, "report", "--period", "2026-11", "--dump-data"])
    d = json.loads(r.stdout or "{}")
    tap(d.get("received_doubted") == returned and len(d.get("received_doubts", [])) == 1,
        "the report's data carries the doubt (the risk report says it)", r.stderr[-300:])
    # ... then the register comes: the same bytes are re-timed, late no more.
    shutil.copyfile(os.path.join(SAMPLES, "2026-11", "收件登记.xlsx"), os.path.join(inbox3, "收件登记.xlsx"))
    r = duty25(["--config", cfg3, "ingest", inbox3])
    st = status(db3, "2026-11")
    retimed = [l for l in r.stdout.splitlines() if l.startswith("改时")]
    tap(r.returncode == 0 and len(retimed) == 51 and states_of(st) == expected_states("2026-11") and
        st.get("received_doubts") == [],
        "a register added later re-times every return already stored (改时) and the doubt is gone",
        (r.stdout[-600:], st.get("late"), st.get("received_doubts")))
    r = duty25(["--config", cfg3, "ingest", inbox3])
    tap(r.returncode == 0 and "改时" not in r.stdout and sum(l.startswith("未变") for l in r.stdout.splitlines()) == 51,
        "taking the same files and register again changes nothing", r.stdout[-400:])

    # ---- registers that cannot be trusted are refused by name and line ----
    bad_cases = [
        ("time", "文件名,收到时间\r\n甲.docx,2026-11-20 10:30\r\n乙.docx,下周一\r\n", "第 3 行", "无法识别"),
        ("unit", "单位,月份,收到时间\r\n示范区不存在小学,2026-11,2026-11-20\r\n", "第 2 行", "不在单位名册"),
        ("month", "单位,收到时间\r\n示范区实验小学,2026-11-20\r\n", "第 2 行", "月份"),
        ("twice", "文件名,收到时间\r\n甲.docx,2026-11-20 10:30\r\n甲.docx,2026-11-21 10:30\r\n", "第 3 行", "不同收到时间"),
        ("header", "名称,日期\r\n甲.docx,2026-11-20\r\n", "表头", "收到时间"),
    ]
    for tag, text, where, words in bad_cases:
        d = os.path.join(TMP, "bad-" + tag)
        os.makedirs(d)
        with open(os.path.join(d, "收件登记.csv"), "w", encoding="utf-8") as f:
            f.write(text)
        shutil.copyfile(os.path.join(SAMPLES, "2026-11", "示范区实验小学-2026年11月-清单及推进情况.docx"),
                        os.path.join(d, "示范区实验小学-2026年11月-清单及推进情况.docx"))
        c, _ = write_ini("bad-" + tag)
        r = duty25(["--config", c, "ingest", d])
        line = [l for l in r.stdout.splitlines() if l.startswith("失败") and "收件登记.csv" in l]
        tap(r.returncode == 1 and line and where in line[0] and words in line[0] and "新收" in r.stdout,
            "a register with a bad %s is refused naming the file and %s; the returns are still taken" % (tag, where),
            r.stdout[-600:])
    # a GB18030 register, as Chinese Excel saves "CSV（逗号分隔）"
    d = os.path.join(TMP, "gb")
    os.makedirs(d)
    name = "示范区实验小学-2026年11月-清单及推进情况.docx"
    shutil.copyfile(os.path.join(SAMPLES, "2026-11", name), os.path.join(d, name))
    with open(os.path.join(d, "收件登记-11月.csv"), "w", encoding="gb18030") as f:
        f.write("文件名,收到时间\r\n%s,2026年11月19日 15:20\r\n" % name)
    c, dbg = write_ini("gb")
    r = duty25(["--config", c, "ingest", d])
    got = q(dbg, "SELECT received, received_source FROM returns")
    tap(r.returncode == 0 and got == [("2026-11-19 15:20:00", "register")],
        "a GB18030 register with a time written 2026年11月19日 15:20 is read", (r.stdout[-300:], got))

    # ---- a saved mail (.eml): its attachments are returns, timed by the mail's server ----
    import email.message
    import email.utils
    mdir = os.path.join(TMP, "mail-inbox")
    os.makedirs(mdir)
    msg = email.message.EmailMessage()
    msg["Received"] = "from mx.example.cn by mail.jyj.gov.cn; Fri, 20 Nov 2026 09:15:02 +0800"
    msg["Received"] = "from pc.school by mx.example.cn; Fri, 20 Nov 2026 09:14:40 +0800"
    msg["Date"] = "Thu, 19 Nov 2026 23:50:00 +0800"
    msg["From"] = "城东中学 <cdzx@example.cn>"
    msg["Subject"] = "城东中学11月报表"
    msg.set_content("附件是本月的两张表。")
    mailed = ["示范区城东中学-2026年11月-推进情况.xlsx", "示范区城东中学-2026年11月-清单.docx"]
    for name in mailed:
        data = open(os.path.join(SAMPLES, "2026-11", name), "rb").read()
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    msg.add_attachment(b"\x89PNG....", maintype="image", subtype="png", filename="签名.png")
    with open(os.path.join(mdir, "城东中学11月报表.eml"), "wb") as f:
        f.write(msg.as_bytes())
    cfgm, dbm = write_ini("mail")
    r = duty25(["--config", cfgm, "ingest", mdir])
    server = datetime.datetime.fromtimestamp(
        email.utils.mktime_tz(email.utils.parsedate_tz("Fri, 20 Nov 2026 09:15:02 +0800"))).strftime("%Y-%m-%d %H:%M:%S")
    got = q(dbm, "SELECT file_name, received, received_source FROM returns ORDER BY file_name")
    tap(r.returncode == 0 and got == [(n, server, "mail") for n in sorted(mailed)] and "签名.png" in r.stdout,
        "a saved mail's two returns are stored, timed by the topmost Received header (%s local); its picture skipped"
        % server, (r.stdout[-600:], got))
    # the same files saved by hand later keep the mail's time
    for name in mailed:
        shutil.copyfile(os.path.join(SAMPLES, "2026-11", name), os.path.join(mdir, name))
    r = duty25(["--config", cfgm, "ingest", mdir])
    got2 = q(dbm, "SELECT file_name, received, received_source FROM returns ORDER BY file_name")
    tap(r.returncode == 0 and got2 == got, "the same returns saved from the mail by hand later keep the mail's time",
        (r.stdout[-400:], got2))
    # a receipt register outranks the mail
    with open(os.path.join(mdir, "收件登记.csv"), "w", encoding="utf-8-sig") as f:
        f.write("文件名,收到时间\r\n%s,2026-11-18 16:00\r\n" % mailed[0])
    r = duty25(["--config", cfgm, "ingest", mdir])
    got3 = dict((n, (t, src)) for n, t, src in q(dbm, "SELECT file_name, received, received_source FROM returns"))
    tap(r.returncode == 0 and got3[mailed[0]] == ("2026-11-18 16:00:00", "register") and got3[mailed[1]] == (server, "mail"),
        "a receipt register's time outranks the mail's", (r.stdout[-400:], got3))

    # ---- the cron run follows the calendar ----
    if not FAKETIME:
        skip("the cron run on chosen dates", "faketime absent")
    else:
        W = os.path.join(TMP, "office")
        r = duty25(["init", W])
        tap(r.returncode == 0, "init makes a working folder", r.stderr)
        copy_month("2026-11", os.path.join(W, "inbox"))
        out = os.path.join(W, "out")
        rep11 = os.path.join(out, "示范区2026年11月书面风险报告.docx")
        files11 = [os.path.join(out, "示范区2026年11月%s" % n) for n in ("书面风险报告.docx", "统计表.docx", "统计表.xlsx",
                                                                       "报送情况.txt")]
        # Before the deadline: the month's status only.
        r = duty25(["run"], W, "2026-11-20 07:30:00")
        log = open(os.path.join(W, "data/duty25.log"), encoding="utf-8").read()
        tap(r.returncode == 0 and not os.path.exists(rep11) and os.path.exists(files11[3]) and
            "2026-11 截止日（11月%d日）未到，只写报送情况" % DEADLINE_DAY in log,
            "on 20 November the run writes November's status only, and the log says why", (r.stdout, log[-400:]))
        # 20 November is five days before the 25th, a reminder day ([run] remind_days = 5|2):
        # a reminder for each unit not returned, and the office's list to call.
        import docx
        rdir = os.path.join(out, "催报通知", "2026-11")
        missing = sorted(c for c, st_ in expected_states("2026-11").items() if st_ != "on_time" and st_ != "late")
        names = {u["code"]: u["name"] for u in UNITS}
        got_notices = sorted(f[:-len("-催报通知.docx")] for f in os.listdir(rdir) if f.endswith("-催报通知.docx")) \
            if os.path.isdir(rdir) else []
        lst = os.path.join(rdir, "催报清单.docx")
        rows = [[c.text for c in row.cells] for t in docx.Document(lst).tables for row in t.rows][1:] \
            if os.path.exists(lst) else []
        phones = {u["code"]: u["phone"] for u in UNITS}
        tap(got_notices == sorted(names[c] for c in missing) and sorted(r_[1] for r_ in rows) == missing and
            all(r_[4] == phones[r_[1]] for r_ in rows) and "还有 %d 家单位未报齐" % len(missing) in r.stdout,
            "on a reminder day the run writes a 催报通知 for each of the %d units not returned and the office's list"
            " with their phones (one line for cron)" % len(missing), (r.stdout, got_notices, rows))
        one = os.path.join(rdir, "%s-催报通知.docx" % names[missing[0]]) if missing else ""
        text = "\n".join(p.text for p in docx.Document(one).paragraphs) if os.path.exists(one) else ""
        tap("%s：" % names[missing[0]] in text and "离截止日2026年11月25日还有5天" in text,
            "the reminder is addressed to the unit and says how many days are left", text[:300])
        r = duty25(["run"], W, "2026-11-21 07:30:00")
        tap(r.returncode == 0 and "催报" not in r.stdout, "the day after, not a reminder day, no reminders", r.stdout)
        # 4 December: November has closed; its report and tables are written.
        r = duty25(["run"], W, "2026-12-04 07:30:00")
        log = open(os.path.join(W, "data/duty25.log"), encoding="utf-8").read()
        tap(r.returncode == 0 and all(os.path.exists(f) for f in files11) and
            os.path.exists(os.path.join(out, "示范区2026年12月报送情况.txt")) and
            r.stdout.startswith("duty25 run：已写出 2026-11 的书面风险报告和统计表") and len(r.stdout.splitlines()) == 1 and
            "写出　2026-11 的报告和统计表（截止日已过" in log and "2026-12 截止日（12月%d日）未到" % DEADLINE_DAY in log,
            "on 4 December the cron run writes November's report and tables (one line for cron) and December's status",
            (r.stdout, r.stderr, sorted(os.listdir(out)), log[-600:]))
        st = status(os.path.join(W, "data/duty25.db"), "2026-11", W, "2026-12-04 08:00:00")
        tap(states_of(st) == expected_states("2026-11"), "November's figures are the register's, not 4 December's",
            (st.get("on_time"), st.get("late")))
        m0 = os.path.getmtime(rep11)
        time.sleep(1.1)
        r = duty25(["run", "-v"], W, "2026-12-05 07:30:00")
        tap(r.returncode == 0 and os.path.getmtime(rep11) == m0 and "已是最新，未重写：2026-11" in r.stdout and
            "已写出 2026-11" not in r.stdout,
            "the next day nothing new came: November is not written again, and -v says so", r.stdout[-500:])
        # A late return for November arrives: November is written again.
        late = "示范区城西小学-2026年11月-补报.xlsx"
        src = "示范区城西小学-2026年11月.xlsx"
        data = open(os.path.join(SAMPLES, "2026-11", src), "rb").read()
        # same content, other bytes: a re-saved copy (a new zip comment)
        with open(os.path.join(W, "inbox", late), "wb") as f:
            f.write(data[:-2] + b"\x06\x00" + b"resave")
        r0 = duty25(["validate", os.path.join(W, "inbox", late)], W)
        r = duty25(["run"], W, "2026-12-06 07:30:00")
        log = open(os.path.join(W, "data/duty25.log"), encoding="utf-8").read()
        tap(r0.returncode == 0 and r.returncode == 0 and os.path.getmtime(rep11) > m0 and
            "截止日后又收到该月报表（逾期或更正），重写该月报告" in r.stdout,
            "a return for November after its report was written makes the run write November again",
            (r0.stdout[-300:], r.stdout, r.stderr, log[-300:]))
        # A notice says when the return arrived as the register has it, not the copy's time.
        W3 = os.path.join(TMP, "notice-office")
        duty25(["init", W3])
        flawed = "城西小学-2026年11月-自查为空.docx"
        shutil.copyfile(os.path.join(SAMPLES, "flawed", flawed), os.path.join(W3, "inbox", flawed))
        with open(os.path.join(W3, "inbox", "收件登记.csv"), "w", encoding="utf-8-sig") as f:
            f.write("文件名,收到时间\r\n%s,2026-11-19 15:20\r\n" % flawed)
        r = duty25(["run", "--period", "2026-11"], W3, "2026-12-04 07:30:00")
        notice = os.path.join(W3, "out", "退回通知", "2026-11", flawed.replace(".docx", "-退回通知.docx"))
        import docx
        text = "\n".join(p.text for p in docx.Document(notice).paragraphs) if os.path.exists(notice) else ""
        tap(r.returncode == 1 and "（2026年11月19日收到）" in text,
            "the notice for a rejected return gives the day the register says it arrived", (r.stdout, text[:300]))
        # The cron run on 4 December (no --period): a November return that is
        # rejected and a November file that cannot be read get November's
        # notices (not December's), a new date [campaign] resubmit_days after
        # the notice, the office's contact, and no internal code.
        W4 = os.path.join(TMP, "notice-calendar")
        duty25(["init", W4])
        cfgp = os.path.join(W4, "config", "duty25.ini")
        text = open(cfgp, encoding="utf-8").read()
        text = re.sub(r"(?m)^resubmit_days = .*$", "resubmit_days = 3", text)
        text = re.sub(r"(?m)^contact =\s*$", "contact = 安全科　张老师", text)
        text = re.sub(r"(?m)^phone =\s*$", "phone = 0519-12345678", text)
        open(cfgp, "w", encoding="utf-8").write(text)
        shutil.copyfile(os.path.join(SAMPLES, "flawed", flawed), os.path.join(W4, "inbox", flawed))
        wps = "城东小学-2026年11月-清单.wps"
        with open(os.path.join(W4, "inbox", wps), "wb") as f:
            f.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
        r = duty25(["run"], W4, "2026-12-04 07:30:00")
        fbdir = os.path.join(W4, "out", "退回通知")
        texts = {}
        for root, _, files in os.walk(fbdir):
            for fn in files:
                if fn.endswith("-退回通知.docx"):
                    d = docx.Document(os.path.join(root, fn))
                    texts[fn] = "\n".join([p.text for p in d.paragraphs] +
                                          [c.text for t in d.tables for row in t.rows for c in row.cells])
        tap(sorted(os.listdir(fbdir)) == ["2026-11"] and
            os.path.exists(os.path.join(fbdir, "2026-11", "退回清单.docx")),
            "... filed under the returns' month, 2026-11, with that month's list", sorted(os.listdir(fbdir)))
        tw = texts.get(wps.replace(".wps", "-退回通知.docx"), "")
        tf = texts.get(flawed.replace(".docx", "-退回通知.docx"), "")
        tap(r.returncode == 1 and len(texts) == 2 and
            all(t.startswith("关于2026年11月安全生产报表") for t in (tw, tf)),
            "a cron run in December gives November's returns November's notices, the unreadable file's from its name",
            (r.stdout, r.stderr, sorted(texts), tw[:80], tf[:80]))
        tap(all("于2026年12月7日前（截止日2026年11月%d日已过）" % DEADLINE_DAY in t for t in (tw, tf)),
            "past the deadline the notice gives a new date, resubmit_days after it", (tw[:300], tf[:300]))
        tap(all("请与安全科　张老师联系（电话：0519-12345678）" in t for t in (tw, tf)) and
            not re.search(r"READ_|FILE_[A-Z]", tw + tf),
            "the notices give the office's contact and no internal code", tw)
        # A month that closed with nothing at all is named, not skipped silently.
        W2 = os.path.join(TMP, "empty-office")
        duty25(["init", W2])
        r = duty25(["run", "-v"], W2, "2027-01-03 07:30:00")
        tap(r.returncode == 0 and "2026-12 截止日已过，但没有收到任何报表，未写报告" in r.stdout,
            "a closed month without returns is named in the output of -v (and the log)", r.stdout)
finally:
    shutil.rmtree(TMP, ignore_errors=True)
done()
