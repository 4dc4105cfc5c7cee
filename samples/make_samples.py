#!/usr/bin/python3
"""Write the shipped sample returns with independent writers (python-docx,
openpyxl), laid out like Attachments 1 and 3 of seed 000.  The district and
units are fictional.  Run:  /usr/bin/python3 samples/make_samples.py samples

Issue 3 extends this into two months of returns for the whole sample district
plus one flawed return per kind of finding.
"""
import os
import sys

import docx
import openpyxl
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl.styles import Alignment

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))

ITEM1 = [
    ("1.单位主要负责人应严格履行安法规定的七条职责", "《中华人民共和国安全生产法》第十八条", "《中华人民共和国安全生产法》第九十一条", "已落实"),
    ("2.每年6月、12月底围绕职责撰写履职报告", "", "", "已落实"),
    ("3.向全体职工报告履职情况", "《江苏省安全生产条例》第十四条第（四）项", "《江苏省安全生产条例》第四十七条", "部分落实，12月底前完成"),
    ("4.在单位醒目位置公示履职报告", "", "", "未落实，整改措施：本月内在校门口公示栏公示，时限2026年11月30日"),
    ("5.结合百团进百万企业千万员工宣讲活动，单位主要负责人要对全体员工开展不少于1次的安全宣讲", "",
     "《生产安全事故报告和调查处理条例》第三十六条", "已落实"),
]


def set_font(run, name="仿宋_GB2312", size=12):
    run.font.size = Pt(size)
    run.font.name = name
    run.element.rPr.rFonts.set(qn("w:eastAsia"), name)


def checklist_docx(unit, path):
    d = docx.Document()
    set_font(d.add_paragraph().add_run("附件1"), "黑体", 16)
    set_font(d.add_paragraph().add_run("示范区教育系统落实企业主体责任百日攻坚六大责任25条内容清单"), "方正小标宋简体", 18)
    t = d.add_table(rows=1 + len(ITEM1), cols=7)
    t.style = "Table Grid"
    for i, h in enumerate(["类别", "", "内容", "依据", "罚则", "单位自查情况", "监督检查情况"]):
        t.cell(0, i).text = h
    t.cell(0, 0).merge(t.cell(0, 1)).text = "类别"
    for r, (text, basis, penalty, status) in enumerate(ITEM1, start=1):
        t.cell(r, 2).text = text
        t.cell(r, 3).text = basis
        t.cell(r, 4).text = penalty
        t.cell(r, 5).text = status
    t.cell(1, 0).merge(t.cell(len(ITEM1), 0)).text = "一、落实第一责任人责任"
    t.cell(1, 1).merge(t.cell(len(ITEM1), 1)).text = "（一）压紧压实主要负责人第一责任"
    d.add_paragraph("")
    d.add_paragraph("填报单位（盖章）：%s        填报人：%s        联系电话：%s        填报时间：2026年11月20日"
                    % (unit["name"], unit["reporter"], unit["phone"]))
    d.save(path)


def progress_xlsx(unit, path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "推进情况统计表"
    ws["A1"] = "示范区教育系统落实企业安全生产主体责任百日攻坚行动推进情况统计表"
    ws.merge_cells("A1:C1")
    ws.append(["序号", "推进情况", "备注"])
    rows = [
        "单位 是 （是／否）结合实际制定细化落实方案。",
        "单位于 11 月 3 日通过 教职工大会 等形式，部署开展此项工作。",
        "单位严格对照六大责任25条攻坚内容，逐条逐项健全完善，形成工作台账……单位 是 （是／否）已完成此项工作。",
        "重点分析本单位目前存在的从根本上消除事故隐患的责任链条、管理制度等方面的问题 3 条。",
        "针对安全管理人员安全意识淡薄、安全生产现状差、设备设施风险大的单位，对重点部位、重点岗位采取针对性检查 4 次，指定严防死守的举措 2 次。",
        "单位总结提炼落实主体责任经验做法 2 条， 有 （有／无）梳理总结典型成果。",
        "开展单位内部宣讲活动 2 次，主要负责人亲自开展安全宣讲 1 人次。在单位醒目位置 是 （是／否）公示主要负责人履职报告， 是 （是／否）公示承诺书，《六大责任25条内容清单》自查自改情况 否 （是／否）进行公示。",
        "单位通过印制宣传册 50 份、宣传挂图 6 份，组织落实企业主体责任主题征文 1 次，宣传落实企业主体责任的内容、做法和典型事例。",
        "单位围绕六大责任25条攻坚内容开展严格的检查，坚持长效机制，将25条攻坚内容作为日常检查的主要内容，已检查 12 次，发现隐患 9 条，已完成整改 7 条。",
    ]
    for i, text in enumerate(rows, start=1):
        ws.append([i, text, "／" if i == 8 else None])
    for row in ws.iter_rows(min_row=3):
        row[1].alignment = Alignment(wrap_text=True)
    ws.column_dimensions["B"].width = 80
    ws.append([])
    ws.append(["填报单位（盖章）：%s" % unit["name"], "填报人：%s    填报时间：2026年11月21日" % unit["reporter"]])
    wb.save(path)


UNITS = [
    {"name": "示范区实验小学", "reporter": "王晓梅", "phone": "0519-86000101"},
    {"name": "示范区阳光幼儿园", "reporter": "李敏", "phone": "0519-86000202"},
]

checklist_docx(UNITS[0], os.path.join(OUT, "示范区实验小学-2026年11月-清单.docx"))
progress_xlsx(UNITS[1], os.path.join(OUT, "示范区阳光幼儿园-2026年11月-推进情况.xlsx"))
print("samples written to", OUT)
