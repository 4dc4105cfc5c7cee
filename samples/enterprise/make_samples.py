#!/usr/bin/python3
"""Write the enterprise edition's samples: the fictional 示范区城市管理局's
registry of 20 enterprises and a month of their returns (July 2025, the
排查整治 stage of seed 004's campaign), with independent writers
(python-docx, openpyxl), a receipt register, and a manifest of what each
file is and what a month's figures must be (expected.json).  The manifest
comes from what this script wrote, never from duty25's output.

    /usr/bin/python3 samples/enterprise/make_samples.py

Writes
  samples/enterprise/units.csv                the registry (also copied to
  config/editions/enterprise/units.csv        the edition's init folder)
  samples/enterprise/2025-07/                 one or two files per enterprise
  samples/enterprise/2025-07/收件登记.csv     when each file reached the office
  samples/enterprise/expected.json            the manifest

The rule set (config/rules-enterprise.ini) supplies the sub-item texts and
the progress rows, as the bureau's blank forms would.
"""
import configparser
import csv
import datetime
import io
import json
import os
import random
import re
import shutil

import docx
import openpyxl
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PERIOD = "2025-07"
PERIOD_CN = "2025年7月"
DISTRICT = "示范区"

# ---- the registry: code, name, alias, type, area, flags, contact, phone ----
REGISTRY = [
    ("QY-001", "示范区恒信特钢有限公司", "恒信特钢", "metallurgy", "城东街道", "key_supervision;night_work;outsourcing;hazchem_use", "周海", "13912350001"),
    ("QY-002", "示范区宏达铝业有限公司", "宏达铝业", "metallurgy", "城东街道", "key_supervision;env_facility", "吴磊", "13912350002"),
    ("QY-003", "示范区华辰铸造有限公司", "华辰铸造", "metallurgy", "湖塘镇", "key_supervision;night_work", "郑强", "13912350003"),
    ("QY-004", "示范区金粉科技有限公司", "金粉科技", "dust", "湖塘镇", "key_supervision", "王芳", "13912350004"),
    ("QY-005", "示范区瑞丰木业有限公司", "瑞丰木业", "dust", "南山镇", "outsourcing", "冯涛", "13912350005"),
    ("QY-006", "示范区蓝盾涂装有限公司", "蓝盾涂装", "general", "南山镇", "key_supervision;hazchem_use", "陈静", "13912350006"),
    ("QY-007", "示范区东方化工有限公司", "东方化工", "hazchem", "高新区", "env_facility;night_work;construction", "褚明", "13912350007"),
    ("QY-008", "示范区新安气体有限公司", "新安气体", "hazchem", "高新区", "", "卫东", "13912350008"),
    ("QY-009", "示范区康泰医药化工有限公司", "康泰医药", "hazchem", "高新区", "env_facility;outsourcing", "蒋丽", "13912350009"),
    ("QY-010", "示范区顺捷物流有限公司", "顺捷物流", "transport", "城西街道", "night_work", "沈超", "13912350010"),
    ("QY-011", "示范区通达客运有限公司", "通达客运", "transport", "城西街道", "outsourcing", "韩梅", "13912350011"),
    ("QY-012", "示范区精工机械有限公司", "精工机械", "general", "城西街道", "", "杨帆", "13912350012"),
    ("QY-013", "示范区永盛纺织有限公司", "永盛纺织", "general", "湖塘镇", "night_work;env_facility", "朱琳", "13912350013"),
    ("QY-014", "示范区利民食品有限公司", "利民食品", "general", "南山镇", "outsourcing", "秦勇", "13912350014"),
    ("QY-015", "示范区华光电子有限公司", "华光电子", "general", "高新区", "hazchem_use;construction", "尤佳", "13912350015"),
    ("QY-016", "示范区鑫源五金制品有限公司", "鑫源五金", "general", "城东街道", "", "许亮", "13912350016"),
    ("QY-017", "示范区绿源环保科技有限公司", "绿源环保", "general", "城东街道", "env_facility", "何敏", "13912350017"),
    ("QY-018", "示范区天宇包装有限公司", "天宇包装", "general", "南山镇", "", "吕斌", "13912350018"),
    ("QY-019", "示范区博远建材有限公司", "博远建材", "dust", "湖塘镇", "outsourcing", "施华", "13912350019"),
    ("QY-020", "示范区锦华印务有限公司", "锦华印务", "general", "城西街道", "hazchem_use", "张洁", "13912350020"),
]
UNITS = [dict(zip(("code", "name", "aliases", "type", "area", "flags", "contact", "phone"), r)) for r in REGISTRY]
TYPE_LABEL = {}

LATE = {"QY-015"}          # its return came on 31 July, after the 30th
REJECTED = {"QY-016"}      # its only return leaves sub-item 3.2 empty
INCOMPLETE = {"QY-017"}    # sent the checklist only
MISSING = {"QY-018"}       # sent nothing
NOT_DONE_KEY = {"QY-003": "1.1", "QY-012": "14.1"}  # a key item (duty25.ini [enforcement] key_items) not done

# ---- the rule set ----
ini = configparser.ConfigParser(interpolation=None, comment_prefixes=(";", "#"), inline_comment_prefixes=None)
ini.optionxform = str
with open(os.path.join(ROOT, "config", "rules-enterprise.ini"), encoding="utf-8") as f:
    ini.read_file(f)
TYPE_LABEL.update(dict(ini["types"]))
DUTIES = {int(s[5:]): ini[s]["name"] for s in ini.sections() if s.startswith("duty.")}
ITEMS = {int(s[5:]): dict(ini[s]) for s in ini.sections() if s.startswith("item.")}
SUBS = []
for s in ini.sections():
    m = re.fullmatch(r"(\d+)\.(\d+)", s)
    if m:
        it = int(m.group(1))
        SUBS.append({"item": it, "code": s, "text": ini[s]["text"], "basis": ini[s].get("basis", ""),
                     "penalty": ini[s].get("penalty", ""),
                     "applies": ini[s].get("applies", ITEMS[it].get("applies", "all"))})
PROGRESS = [ini[s]["text"] for s in sorted((s for s in ini.sections() if s.startswith("progress.")),
                                             key=lambda s: int(s.split(".")[1]))]
KEY_ITEMS = "1.1|3.1|8.1|11.2|14.1|19.1".split("|")   # config/editions/enterprise/duty25.ini
CN = "零一二三四五六七八九十"


def cn(n):
    return CN[n] if n <= 10 else ("十" + CN[n - 10] if n < 20 else CN[n // 10] + "十" + (CN[n % 10] if n % 10 else ""))


def applies(expr, unit):
    if expr == "all":
        return True
    flags = unit["flags"].split(";") if unit["flags"] else []
    for part in expr.split("|"):
        kind, val = part.split(":")
        if (kind == "type" and unit["type"] == val) or (kind == "flag" and val in flags):
            return True
    return False


def answers(unit, rng):
    out = {}
    for s in SUBS:
        if not applies(s["applies"], unit):
            out[s["code"]] = ("not_applicable", rng.choice(["不适用", "不涉及", "本企业不涉及"]))
            continue
        x = rng.random()
        if x < 0.86:
            out[s["code"]] = ("done", rng.choice(["已落实", "已落实，见台账", "已完成", "√"]))
        elif x < 0.96:
            out[s["code"]] = ("partial", rng.choice(["部分落实，正在完善台账", "基本落实，8月底前完成"]))
        else:
            out[s["code"]] = ("not_done", "未落实，整改措施：8月15日前完成")
    for code in KEY_ITEMS:   # key items done, except where planted
        if out[code][0] == "not_done":
            out[code] = ("done", "已落实")
    if unit["code"] in NOT_DONE_KEY:
        out[NOT_DONE_KEY[unit["code"]]] = ("not_done", "未落实，已列入整改计划")
    return out


def progress_values(unit, rng, ans):
    found = rng.randint(0, 15)
    trainings = rng.randint(1, 6)
    return {
        "checklist_done": "是", "checklist_posted": rng.choice(["是", "是", "否"]),
        "duty_report_posted": "是" if ans["1.4"][0] == "done" else "否",
        "commitment_posted": "是" if ans["2.4"][0] == "done" else "否",
        "head_attended": "是", "head_talks": str(rng.randint(1, 3)),
        "trainings": str(trainings), "trained_heads": str(rng.randint(0, trainings)),
        "trained": str(rng.randint(20, 300)), "drills": str(rng.randint(0, 3)), "permits": str(rng.randint(0, 25)),
        "inspections": str(rng.randint(4, 30)), "hazards_found": str(found),
        "hazards_rectified": str(rng.randint(0, found)), "practices": str(rng.randint(0, 3)),
    }


def fill(template, values, choice):
    def rep(m):
        v = values[m.group(1)]
        if m.group(2) == "yesno":
            return "（%s）" % v if choice else " %s （是／否）" % v
        return " %s " % v
    return re.sub(r"\{(\w+):(\w+)\}", rep, template)


# ---- writers ----
def font(run, name="仿宋_GB2312", size=12):
    run.font.size = Pt(size)
    run.font.name = name
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def para(d, text, name="仿宋_GB2312", size=12):
    font(d.add_paragraph().add_run(text), name, size)


def signature(unit, day):
    return "填报单位（盖章）：%s    填报人：%s    联系电话：%s    填报时间：%s%d日" % (
        unit["name"], unit["contact"], unit["phone"], PERIOD_CN, day)


def docx_checklist(d, ans):
    para(d, "附件1", "黑体", 16)
    para(d, "%s落实企业主体责任百日攻坚六大责任25条内容清单" % DISTRICT, "方正小标宋简体", 18)
    para(d, "填报月份：%s" % PERIOD_CN)
    heads = ["类别", "条目", "内容", "依据", "罚则", "企业自查情况", "监督检查情况"]
    t = d.add_table(rows=1 + len(SUBS), cols=len(heads))
    t.style = "Table Grid"
    for i, h in enumerate(heads):
        t.cell(0, i).text = h
    for r, s in enumerate(SUBS, 1):
        t.cell(r, 2).text = "%s %s" % (s["code"], s["text"])
        t.cell(r, 3).text = s["basis"]
        t.cell(r, 4).text = s["penalty"]
        t.cell(r, 5).text = ans[s["code"]][1]
    for col, key, label in ((1, "item", lambda v: "（%s）%s" % (cn(v), ITEMS[v]["name"])),
                            (0, "duty", lambda v: "%s、%s" % (cn(v), DUTIES[v]))):
        start = 1
        for r in range(2, len(SUBS) + 2):
            val = lambda k: SUBS[k - 1]["item"] if key == "item" else int(ITEMS[SUBS[k - 1]["item"]]["duty"])
            if r == len(SUBS) + 1 or val(r) != val(start):
                c = t.cell(start, col).merge(t.cell(r - 1, col)) if r - 1 > start else t.cell(start, col)
                c.text = label(val(start))
                start = r


def docx_progress(d, values, choice):
    para(d, "附件3", "黑体", 16)
    para(d, "%s落实企业安全生产主体责任百日攻坚行动推进情况统计表" % DISTRICT, "方正小标宋简体", 18)
    t = d.add_table(rows=1, cols=3)
    t.style = "Table Grid"
    for i, h in enumerate(["序号", "推进情况", "备注"]):
        t.rows[0].cells[i].text = h
    for i, tmpl in enumerate(PROGRESS, 1):
        cells = t.add_row().cells
        cells[0].text = str(i)
        cells[1].text = fill(tmpl, values, choice)


def write_docx(path, unit, ans, values, day, choice=False):
    d = docx.Document()
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = sec.page_height, sec.page_width
    if ans is not None:
        docx_checklist(d, ans)
    if values is not None:
        if ans is not None:
            d.add_page_break()
        docx_progress(d, values, choice)
    para(d, "")
    para(d, signature(unit, day))
    d.save(path)


def write_xlsx(path, unit, ans, values, day):
    wb = openpyxl.Workbook()
    ws = wb.active
    if ans is not None:
        ws.title = "清单"
        ws["A1"] = "%s落实企业主体责任百日攻坚六大责任25条内容清单" % DISTRICT
        ws["A2"] = "填报月份：%s" % PERIOD_CN
        for i, h in enumerate(["类别", "条目", "内容", "依据", "罚则", "企业自查情况", "监督检查情况"], 1):
            ws.cell(row=3, column=i, value=h)
        for k, s in enumerate(SUBS):
            r = 4 + k
            if k == 0 or SUBS[k - 1]["item"] != s["item"]:
                ws.cell(row=r, column=2, value="（%s）%s" % (cn(s["item"]), ITEMS[s["item"]]["name"]))
                du = int(ITEMS[s["item"]]["duty"])
                if k == 0 or int(ITEMS[SUBS[k - 1]["item"]]["duty"]) != du:
                    ws.cell(row=r, column=1, value="%s、%s" % (cn(du), DUTIES[du]))
            ws.cell(row=r, column=3, value="%s %s" % (s["code"], s["text"]))
            ws.cell(row=r, column=4, value=s["basis"] or None)
            ws.cell(row=r, column=5, value=s["penalty"] or None)
            ws.cell(row=r, column=6, value=ans[s["code"]][1])
        last = 4 + len(SUBS)
        ws.cell(row=last + 1, column=1, value="填报单位（盖章）：%s" % unit["name"])
        ws.cell(row=last + 1, column=4, value="填报人：%s" % unit["contact"])
        ws.cell(row=last + 1, column=6, value="联系电话：%s" % unit["phone"])
        ws.cell(row=last + 1, column=7, value="填报时间：%s%d日" % (PERIOD_CN, day))
        ws = wb.create_sheet() if values is not None else None
    if values is not None:
        ws.title = "推进情况"
        ws["A1"] = "%s落实企业安全生产主体责任百日攻坚行动推进情况统计表" % DISTRICT
        ws["A2"] = "填报月份：%s" % PERIOD_CN
        ws.append(["序号", "推进情况", "备注"])
        for i, tmpl in enumerate(PROGRESS, 1):
            ws.append([i, fill(tmpl, values, False), None])
        ws.append([])
        ws.append(["填报单位（盖章）：", "%s    填报人：%s    联系电话：%s    填报时间：%s%d日" % (
            unit["name"], unit["contact"], unit["phone"], PERIOD_CN, day)])
    wb.save(path)


def main():
    # the registry, here and in the edition's init folder
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name", "aliases", "type", "area", "flags", "contact", "phone", "active_from", "active_until"])
    for u in UNITS:
        w.writerow([u["code"], u["name"], u["aliases"], u["type"], u["area"], u["flags"], u["contact"], u["phone"], "", ""])
    for p in (os.path.join(HERE, "units.csv"), os.path.join(ROOT, "config", "editions", "enterprise", "units.csv")):
        with open(p, "w", encoding="utf-8-sig", newline="") as f:
            f.write(buf.getvalue())

    out = os.path.join(HERE, PERIOD)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    files, receipts = {}, []
    per_unit = {}
    found = fixed = 0
    for k, unit in enumerate(UNITS):
        code = unit["code"]
        if code in MISSING:
            continue
        rng = random.Random("duty25-enterprise-%s-%s" % (code, PERIOD))
        ans = answers(unit, rng)
        values = progress_values(unit, rng, ans)
        day = rng.randint(10, 28)
        base = os.path.join(out, "%s-%s" % (unit["name"], PERIOD_CN))
        written = []
        if code in REJECTED:
            bad = dict(ans)
            bad["3.2"] = ("none", "")
            p = base + "-清单及推进情况.docx"
            write_docx(p, unit, bad, values, day)
            written.append((p, "rejected", ["STATUS_EMPTY"], ("checklist", "progress")))
        elif code in INCOMPLETE:
            p = base + "-清单.docx"
            write_docx(p, unit, ans, None, day)
            written.append((p, "accepted", [], ("checklist",)))
        elif k % 3 == 0:
            p = base + "-清单及推进情况.docx"
            write_docx(p, unit, ans, values, day, choice=bool(k % 2))
            written.append((p, "accepted", [], ("checklist", "progress")))
        elif k % 3 == 1:
            p1, p2 = base + "-清单.docx", base + "-推进情况.xlsx"
            write_docx(p1, unit, ans, None, day)
            write_xlsx(p2, unit, None, values, day)
            written += [(p1, "accepted", [], ("checklist",)), (p2, "accepted", [], ("progress",))]
        else:
            p = base + ".xlsx"
            write_xlsx(p, unit, ans, values, day)
            written.append((p, "accepted", [], ("checklist", "progress")))
        for p, verdict, codes, forms in written:
            rel = os.path.relpath(p, HERE)
            files[rel] = {"unit": code, "period": PERIOD, "verdict": verdict, "codes": codes, "forms": sorted(forms)}
            t = datetime.datetime(2025, 7, 31, 10, 0) if code in LATE else datetime.datetime(2025, 7, 20 + k % 10,
                                                                                              9 + k % 8, (k * 7) % 60)
            receipts.append((os.path.basename(p), t))
        accepted_progress = code not in REJECTED | INCOMPLETE
        if accepted_progress:
            found += int(values["hazards_found"])
            fixed += int(values["hazards_rectified"])
        per_unit[code] = {"checklist": {c: s for c, (s, _) in ans.items()} if code not in REJECTED else None}

    # the receipt register: CSV UTF-8 as Excel saves it
    b = io.StringIO()
    w = csv.writer(b, lineterminator="\r\n")
    w.writerow(["序号", "文件名", "收到时间", "来源"])
    for i, (name, t) in enumerate(sorted(receipts), 1):
        w.writerow([i, name, t.strftime("%Y-%m-%d %H:%M"), "邮件"])
    with open(os.path.join(out, "收件登记.csv"), "w", encoding="utf-8-sig", newline="") as f:
        f.write(b.getvalue())

    # the month's figures, from what was written
    enforcement = set(MISSING | REJECTED | INCOMPLETE)
    for code, u in per_unit.items():
        ck = u["checklist"]
        if ck and (any(ck[c] == "not_done" for c in KEY_ITEMS) or sum(s == "not_done" for s in ck.values()) >= 8):
            enforcement.add(code)
    ontime = [u["code"] for u in UNITS if u["code"] not in MISSING | REJECTED | INCOMPLETE | LATE]
    manifest = {
        "period": PERIOD, "deadline": "2025-07-30", "files": files,
        "status": {"expected": len(UNITS), "on_time": len(ontime), "late": len(LATE), "incomplete": len(INCOMPLETE),
                   "rejected": len(REJECTED), "missing": len(MISSING)},
        "late": sorted(LATE), "missing": sorted(MISSING), "rejected": sorted(REJECTED), "incomplete": sorted(INCOMPLETE),
        "key_units": sorted(u["code"] for u in UNITS if "key_supervision" in u["flags"].split(";")),
        "enforcement": sorted(enforcement),
        "hazards": {"found": found, "rectified": fixed},
        "by_type": {t: sum(1 for u in UNITS if u["type"] == t) for t in TYPE_LABEL},
    }
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    print("%s: %d files from %d enterprises" % (PERIOD, len(files), len(per_unit)))


if __name__ == "__main__":
    main()
