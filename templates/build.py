#!/usr/bin/python3
"""Build the default report templates from this readable source.

    templates/build.py [--rules RULES.ini] [OUTDIR]
        (default: config/rules-education.ini into templates/;
         templates/build.py --rules config/rules-enterprise.ini templates/enterprise
         builds the enterprise edition's)

The templates say nothing of one edition: its words are the data's
{{words.*}} (the rule set's [edition]), and the statistical tables' progress
columns are the rule set's [progress] summary (field:heading|...).

Writes 统计表.docx: the statistical tables of a period (landscape A4), with
template tags (templates/README.md) filled by `duty25 report`.  Every table
has a w:tblGrid whose columns equal its cells' widths (WPS lays tables out
from gridCol), every run names its East Asian font, and the package is
checked by ../shared/tools/ooxml-validate in the tests.  The office may edit
the .docx in Word or WPS instead; this script is how the shipped one is made.
"""
import configparser
import os
import re
import sys
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = sys.argv[1:]
RULES = os.path.join(HERE, "..", "config", "rules-education.ini")
if ARGS[:1] == ["--rules"]:
    RULES, ARGS = ARGS[1], ARGS[2:]
OUT = ARGS[0] if ARGS else HERE
os.makedirs(OUT, exist_ok=True)

_ini = configparser.ConfigParser(interpolation=None, comment_prefixes=(";", "#"), inline_comment_prefixes=None)
_ini.optionxform = str
with open(RULES, encoding="utf-8") as _f:
    _ini.read_file(_f)
# The statistical tables' progress columns: [progress] summary = field:heading|...
SUMMARY = [tuple(x.split(":", 1)) for x in _ini["progress"]["summary"].split("|")]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

# A4 landscape, 2.5 cm margins: a type area 14,004 twips wide.
PAGE_W, PAGE_H, MARGIN = 16838, 11906, 1417
AREA = PAGE_W - 2 * MARGIN

FS = "仿宋_GB2312"   # body
HT = "黑体"          # captions, headers
XBS = "方正小标宋简体"  # title


def run(text, font=FS, size=21, bold=False, base=None):
    """A run naming its fonts and size; with base (the document's default
    size, its defaults naming Times New Roman for Latin text), only what
    differs from the defaults besides the East Asian font, which every run
    names: a table of 10,000 rows is then half the XML."""
    if base:
        props = '<w:rFonts w:eastAsia="%s"/>' % font
    else:
        props = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="%s"/>' % font
    if bold:
        props += "<w:b/>"
    if size != base:
        props += '<w:sz w:val="%d"/><w:szCs w:val="%d"/>' % (size, size)
    return '<w:r><w:rPr>%s</w:rPr><w:t xml:space="preserve">%s</w:t></w:r>' % (props, escape(text))


def para(text, font=FS, size=21, align=None, bold=False, before=0, after=0, keep=False):
    ppr = ""
    if keep:
        ppr += "<w:keepNext/>"
    ppr += '<w:spacing w:before="%d" w:after="%d"/>' % (before, after)
    if align:
        ppr += '<w:jc w:val="%s"/>' % align
    return "<w:p><w:pPr>%s</w:pPr>%s</w:p>" % (ppr, run(text, font, size, bold) if text else "")


def grid_table(widths, rows, area=None, size=21, base=None, nosnap=False):
    """A bordered table of fixed layout whose w:tblGrid equals its cells'
    widths.  rows: (cells, kind) with kind "head" (repeated on each page),
    "body" or "total"; a cell is its text, or a dict with text, vmerge
    ("restart" / "continue": a cell merged with the ones below / above it)
    and align.  base: the document's default size, for cells that say only
    what differs from the defaults (run).  nosnap: cells' lines not on the
    document's line grid (a GB/T 9704 report's 28.95 pt lines would make
    each row two of them)."""
    area = area or AREA
    scale = area / sum(widths)
    tw = [int(w * scale) for w in widths]
    tw[-1] += area - sum(tw)
    grid = "".join('<w:gridCol w:w="%d"/>' % w for w in tw)
    borders = "".join('<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>' % b
                      for b in ("top", "left", "bottom", "right", "insideH", "insideV"))

    def tr(cells, kind):
        head = kind == "head"
        trpr = "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" if head else "<w:trPr><w:cantSplit/></w:trPr>"
        tcs = ""
        for w, cell in zip(tw, cells):
            if not isinstance(cell, dict):
                cell = {"text": cell}
            vm = '<w:vMerge w:val="restart"/>' if cell.get("vmerge") == "restart" else (
                "<w:vMerge/>" if cell.get("vmerge") == "continue" else "")
            spacing = "" if base else '<w:spacing w:before="0" w:after="0"/>'  # the defaults' spacing is 0
            if nosnap:
                spacing = '<w:snapToGrid w:val="0"/><w:spacing w:before="40" w:after="40" w:line="300" w:lineRule="exact"/>'
            tcs += ('<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>%s<w:vAlign w:val="center"/></w:tcPr>'
                    '<w:p><w:pPr>%s<w:jc w:val="%s"/></w:pPr>%s</w:p></w:tc>'
                    % (w, vm, spacing, cell.get("align", "center"),
                       run(cell.get("text", ""), HT if head else FS, size, kind == "total", base)
                       if cell.get("text") else ""))
        return "<w:tr>%s%s</w:tr>" % (trpr, tcs)

    return ('<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>%s</w:tblBorders>'
            '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1"'
            ' w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>%s</w:tblGrid>%s</w:tbl>'
            % (area, borders, grid, "".join(tr(c, k) for c, k in rows)))


def table(widths, header, row, total=None):
    """A header row repeated on each page, one row whose cells carry the
    loop tags, and an optional total row (in a document whose default size
    is 21 half-points: the statistical tables)."""
    return grid_table(widths, [(header, "head"), (row, "body")] + ([(total, "total")] if total else []), base=21)


def loop(name, cells):
    cells = [dict(c) if isinstance(c, dict) else {"text": c} for c in cells]
    cells[0]["text"] = "{{#%s}}" % name + cells[0]["text"]
    cells[-1]["text"] = cells[-1]["text"] + "{{/%s}}" % name
    return cells


def caption(text):
    return para(text, HT, 24, before=240, after=120, keep=True)


L = "left"


def left(text):
    return {"text": text, "align": L}


body = [
    para("{{district}}{{words.system}}落实安全生产主体责任“六大责任25条”统计表", XBS, 36, "center", after=120),
    para("（{{period_cn}}，截至{{as_of_cn}}）", FS, 24, "center", after=60),
    para("制表单位：{{doc.signature}}　　制表日期：{{as_of_cn}}", FS, 21, "right", after=180),
    para("应报{{units.expected}}家，已报{{units.returned}}家（按时{{units.on_time}}家、逾期{{units.late}}家），"
         "缺表{{units.incomplete}}家，退回{{units.rejected}}家，未报{{units.missing}}家。"
         "25条子项落实率{{compliance.rate_text}}；隐患整改率{{hazards.rate_text}}。", FS, 24),
    # Up to [report] tables_detail_max units every unit has a row; beyond,
    # the tables are by type and area and the rows per unit are in the
    # workbook (a document of 20,000 rows takes minutes to open).
    para("{{^tables_detail}}应报{{words.unit_word}}多于{{tables_detail_max}}家，本表按单位类型和板块汇总，"
         "逐单位的报送和推进情况见同名的统计表.xlsx。{{/tables_detail}}", FS, 24),
    para("{{?tables_detail}}"),
    caption("表1  各{{words.unit_word}}报送情况"),
    table([7, 30, 14, 12, 10, 22, 10, 17],
          ["序号", "{{words.unit_word}}名称", "类型", "板块", "报送情况", "收到时间", "联系人", "电话"],
          loop("submissions", ["{{n}}", left("{{name}}"), "{{type_label}}", "{{area}}", "{{state_label}}",
                               "{{received}}", "{{contact}}", "{{phone}}"])),
    para("{{/tables_detail}}"),
    para("{{^tables_detail}}"),
    caption("表1  报送情况（按{{words.unit_word}}类型、板块汇总）"),
    grid_table([16, 20, 11, 11, 11, 11, 11, 11], [
        (["分组", "类型或板块", "应报", "按时", "逾期", "缺表", "退回", "未报"], "head"),
        (loop("units_by_type", ["按类型", left("{{label}}"), "{{expected}}", "{{on_time}}", "{{late}}",
                                "{{incomplete}}", "{{rejected}}", "{{missing}}"]), "body"),
        (loop("units_by_area", ["按板块", left("{{area}}"), "{{expected}}", "{{on_time}}", "{{late}}",
                                "{{incomplete}}", "{{rejected}}", "{{missing}}"]), "body"),
        (["合计", "", "{{units.expected}}", "{{units.on_time}}", "{{units.late}}", "{{units.incomplete}}",
          "{{units.rejected}}", "{{units.missing}}"], "total")], base=21),
    para("{{/tables_detail}}"),
    caption("表2  “六大责任25条”落实情况（责任、条目、子项）"),
    grid_table([10, 46, 8, 9, 10, 9, 9, 23], [
        (["序号", "内容", "适用", "已落实", "部分落实", "未落实", "不适用", "落实率"], "head"),
        (loop("duties", ["责任{{n}}", left("{{name}}"), "{{applicable}}", "{{done}}", "{{partial}}", "{{not_done}}",
                         "{{not_applicable}}", "{{rate_text}}"]), "body"),
        (loop("items", ["第{{n}}条", left("{{name}}"), "{{applicable}}", "{{done}}", "{{partial}}", "{{not_done}}",
                        "{{not_applicable}}", "{{rate_text}}"]), "body"),
        (loop("sub_items", ["{{code}}", left("{{text}}"), "{{applicable}}", "{{done}}", "{{partial}}",
                            "{{not_done}}", "{{not_applicable}}", "{{rate_text}}"]), "body"),
        (["合计", "", "{{compliance.applicable}}", "{{compliance.done}}", "{{compliance.partial}}",
          "{{compliance.not_done}}", "{{compliance.not_applicable}}", "{{compliance.rate_text}}"], "total")], base=21),
    para("{{?tables_detail}}"),
    caption("表3  推进情况统计汇总"),
    table([7, 27, 12] + [10] * len(SUMMARY) + [18],
          ["序号", "{{words.unit_word}}名称", "板块"] + [h for _, h in SUMMARY] + ["整改率"],
          loop("progress", ["{{n}}", left("{{name}}"), "{{area}}"] + ["{{%s}}" % f for f, _ in SUMMARY]
               + ["{{rectify_rate_text}}"]),
          ["", "全区合计", ""] + ["{{progress_total.%s}}" % f for f, _ in SUMMARY] + ["{{hazards.rate_text}}"]),
    para("{{/tables_detail}}"),
    para("{{^tables_detail}}"),
    caption("表3  隐患排查整改情况（按{{words.unit_word}}类型、板块汇总）"),
    grid_table([16, 30, 16, 16, 26], [
        (["分组", "类型或板块", "发现隐患", "已整改", "整改率"], "head"),
        (loop("hazards.by_type", ["按类型", left("{{label}}"), "{{found}}", "{{rectified}}", "{{rate_text}}"]), "body"),
        (loop("hazards.by_area", ["按板块", left("{{area}}"), "{{found}}", "{{rectified}}", "{{rate_text}}"]), "body"),
        (["合计", "全区合计", "{{hazards.found}}", "{{hazards.rectified}}", "{{hazards.rate_text}}"], "total")],
        base=21),
    para("{{/tables_detail}}"),
    para("{{?flagged}}{{?tables_detail}}注：下列数值经数据质量检查明显异常，未计入合计（待核实）：{{#flagged}}{{name}}的“{{label}}”"
         "（{{message}}）；{{/flagged}}{{/tables_detail}}{{^tables_detail}}注：共{{flagged_count}}个数值经数据质量检查明显异常，"
         "未计入合计（待核实），在同名的统计表.xlsx“推进情况汇总”中以底色标出。{{/tables_detail}}{{/flagged}}", FS, 21, before=60),
    caption("表4  拟列入专项执法计划名单"),
    # Beyond tables_detail_max units the list (thousands of rows with their
    # reasons) is in the workbook, as the other per-unit tables are.
    para("{{?enforcement_active}}{{?tables_detail}}"),
    table([7, 34, 14, 46], ["序号", "{{words.unit_word}}名称", "所属板块", "备注"],
          loop("enforcement", ["{{n}}", left("{{name}}"), "{{area}}", left("{{remark}}")])),
    para("{{/tables_detail}}{{/enforcement_active}}"),
    para("{{?enforcement_active}}{{^tables_detail}}拟列入名单的{{enforcement_count}}家{{words.unit_word}}及其原因见同名的"
         "统计表.xlsx（工作表“拟列入专项执法计划名单”）。{{/tables_detail}}{{/enforcement_active}}", FS, 24),
    para("{{^enforcement_active}}本月尚未到排查整治阶段结束之后，不提出执法名单。{{/enforcement_active}}", FS, 24),
]

def section(w, h, top, right, bottom, left_, landscape=False, footer=False, grid=None):
    ref = '<w:footerReference w:type="default" r:id="rId3"/>' if footer else ""
    grid = footer if grid is None else grid
    return ('<w:sectPr>%s<w:pgSz w:w="%d" w:h="%d"%s/>'
            '<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="992" w:gutter="0"/>'
            '%s</w:sectPr>' % (ref, w, h, ' w:orient="landscape"' if landscape else "", top, right, bottom, left_,
                               '<w:docGrid w:type="lines" w:linePitch="579"/>' if grid else ""))


R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def document(body, sect):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document %s %s><w:body>%s%s</w:body>'
            '</w:document>' % (W, R, "".join(body), sect))


def styles(font, size):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles %s><w:docDefaults><w:rPrDefault>'
            '<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="%s"'
            ' w:cs="Times New Roman"/><w:sz w:val="%d"/><w:szCs w:val="%d"/><w:lang w:val="en-US"'
            ' w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240"'
            ' w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1"'
            ' w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="table"'
            ' w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0"'
            ' w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
            '</w:styles>' % (W, font, size, size))


SETTINGS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings %s><w:zoom w:percent="100"/>'
            '<w:defaultTabStop w:val="420"/><w:compat><w:compatSetting w:name="compatibilityMode"'
            ' w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>' % W)
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml."
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def package(name, title, doc, style, footer=None, chart=None, settings=None, footers=None, embed=None):
    """footer: one footer part (rId3) for every page; footers: [(rId, part,
    xml)] for a document with odd and even footers (settings then says
    evenAndOddHeaders); chart: chart1.xml (rId4), with embed, the bytes of
    the workbook its data come from (chart1.xml's rId1, Word's 编辑数据)."""
    overrides = [("/word/document.xml", MAIN + "document.main+xml"), ("/word/styles.xml", MAIN + "styles+xml"),
                 ("/word/settings.xml", MAIN + "settings+xml"),
                 ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml")]
    doc_rels = [("rId1", "styles", "styles.xml"), ("rId2", "settings", "settings.xml")]
    if footer:
        overrides.append(("/word/footer1.xml", MAIN + "footer+xml"))
        doc_rels.append(("rId3", "footer", "footer1.xml"))
    for rid, part, _ in footers or []:
        overrides.append(("/word/%s" % part, MAIN + "footer+xml"))
        doc_rels.append((rid, "footer", part))
    if chart:
        overrides.append(("/word/charts/chart1.xml", "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"))
        doc_rels.append(("rId4", "chart", "charts/chart1.xml"))
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>%s%s</Types>'
          % ('<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>'
             if embed else "", "".join('<Override PartName="%s" ContentType="%s"/>' % o for o in overrides)))
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%sofficeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/></Relationships>' % REL)
    drels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>'
             % "".join('<Relationship Id="%s" Type="%s%s" Target="%s"/>' % (i, REL, t, f) for i, t, f in doc_rels))
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties'
            ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>%s</dc:title>'
            '<dc:creator>duty25</dc:creator></cp:coreProperties>' % title)
    parts = [("[Content_Types].xml", ct), ("_rels/.rels", rels), ("word/document.xml", doc),
             ("word/_rels/document.xml.rels", drels), ("word/styles.xml", style), ("word/settings.xml", settings or SETTINGS),
             ("docProps/core.xml", core)]
    if footer:
        parts.append(("word/footer1.xml", footer))
    for _, part, xml in footers or []:
        parts.append(("word/" + part, xml))
    if chart:
        parts.append(("word/charts/chart1.xml", chart))
    if embed:
        parts.append(("word/charts/_rels/chart1.xml.rels",
                      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                      '<Relationship Id="rId1" Type="%spackage" Target="../embeddings/Microsoft_Excel_Worksheet1.xlsx"/>'
                      '</Relationships>' % REL))
        parts.append(("word/embeddings/Microsoft_Excel_Worksheet1.xlsx", embed))
    path = os.path.join(OUT, name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in parts:
            info = zipfile.ZipInfo(part, date_time=(2026, 1, 1, 0, 0, 0))  # the same bytes on every build
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    print(path)



# ---- the written risk report (书面风险报告): GB/T 9704 ----
# A4 portrait; top 3.7 cm, bottom 3.5 cm, left 2.8 cm, right 2.6 cm; body 三号
# 仿宋_GB2312 with fixed 28.95 pt lines (22 lines a page); title 二号 小标宋;
# level-1 headings 黑体, level-2 楷体_GB2312; page numbers 四号 宋体 "— 1 —".
KT = "楷体_GB2312"
SONG = "宋体"
BODY = 32  # 三号, half-points


def bpara(text, font=FS, size=BODY, align=None, indent=True, before=0, after=0, keep=False):
    ppr = "<w:keepNext/>" if keep else ""
    ppr += '<w:spacing w:before="%d" w:after="%d" w:line="579" w:lineRule="exact"/>' % (before, after)
    if indent:
        ppr += '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
    if align:
        ppr += '<w:jc w:val="%s"/>' % align
    return "<w:p><w:pPr>%s</w:pPr>%s</w:p>" % (ppr, run(text, font, size) if text else "")


C = 'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
WP = 'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'


def font_rpr(tag, size, face):
    return ('<a:%s sz="%d" b="0"><a:latin typeface="%s"/><a:ea typeface="%s"/></a:%s>'
            % (tag, size, face, face, tag))


# A native line chart of the campaign's months: the compliance rate and the
# rectification rate month by month (the month's own figures are in the
# text; the chart shows where they are going).  The series refer to cells of
# an embedded workbook (c:externalData, Word's 编辑数据) and cache their
# values; each cache's single point holds a loop: duty25 repeats the point
# for each month, numbers the points, sets the references' ranges to match
# and writes the embedded workbook from the caches, so Word shows and edits
# a chart whose values are the report's.
def line_series(idx, col, name, field, color):
    return ('<c:ser><c:idx val="%d"/><c:order val="%d"/><c:tx><c:strRef><c:f>Sheet1!$%s$1</c:f><c:strCache>'
            '<c:ptCount val="1"/><c:pt idx="0"><c:v>%s</c:v></c:pt></c:strCache></c:strRef></c:tx>'
            '<c:spPr><a:ln w="28575" cap="rnd"><a:solidFill><a:srgbClr val="%s"/></a:solidFill></a:ln></c:spPr>'
            '<c:marker><c:symbol val="%s"/><c:size val="6"/><c:spPr><a:solidFill><a:srgbClr val="%s"/></a:solidFill>'
            '</c:spPr></c:marker>'
            '<c:dLbls><c:numFmt formatCode="0.0%%" sourceLinked="0"/><c:dLblPos val="%s"/><c:showLegendKey val="0"/>'
            '<c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/>'
            '<c:showBubbleSize val="0"/></c:dLbls><c:cat><c:strRef><c:f>Sheet1!$A$2:$A$2</c:f><c:strCache>'
            '<c:ptCount val="1"/><c:pt idx="0"><c:v>{{#trend}}{{label}}{{/trend}}</c:v></c:pt></c:strCache></c:strRef>'
            '</c:cat><c:val><c:numRef><c:f>Sheet1!$%s$2:$%s$2</c:f><c:numCache><c:formatCode>0.0%%</c:formatCode>'
            '<c:ptCount val="1"/><c:pt idx="0"><c:v>{{#trend}}{{%s}}{{/trend}}</c:v></c:pt></c:numCache></c:numRef>'
            '</c:val><c:smooth val="0"/></c:ser>'
            % (idx, idx, col, name, color, "circle" if idx == 0 else "square", color, "t" if idx == 0 else "b",
               col, col, field))


CHART = (('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<c:chartSpace %s %s %s>'
         '<c:roundedCorners val="0"/><c:chart>'
         '<c:autoTitleDeleted val="1"/>'
         '<c:plotArea><c:layout/><c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
         '%s%s<c:marker val="1"/><c:axId val="101"/><c:axId val="102"/></c:lineChart>'
         '<c:catAx><c:axId val="101"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
         '<c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/>'
         '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="102"/><c:crosses val="autoZero"/>'
         '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
         '<c:valAx><c:axId val="102"/><c:scaling><c:orientation val="minMax"/><c:max val="1"/><c:min val="0"/>'
         '</c:scaling><c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/><c:numFmt formatCode="0%%"'
         ' sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
         '<c:crossAx val="101"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx></c:plotArea>'
         '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
         '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
         '<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>%s</a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>'
         '<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData></c:chartSpace>')
         % (C, A, R, line_series(0, "B", "子项落实率", "compliance_rate", "4472C4"),
            line_series(1, "C", "隐患整改率", "rectify_rate", "C00000"), font_rpr("defRPr", 1050, FS)))

DRAWING = ('<w:p><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="0"/><w:jc w:val="center"/></w:pPr><w:r>'
           '<w:drawing><wp:inline %s distT="0" distB="0" distL="0" distR="0"><wp:extent cx="5400000" cy="3060000"/>'
           '<wp:docPr id="1" name="图表 1" descr="子项落实率和隐患整改率逐月变化"/><a:graphic %s><a:graphicData'
           ' uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart %s %s r:id="rId4"/>'
           '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>'
           # its caption, below it (a figure's caption goes under the figure)
           '<w:p><w:pPr><w:spacing w:before="60" w:after="120" w:line="400" w:lineRule="exact"/><w:jc w:val="center"/>'
           '</w:pPr>%s</w:p>' % (WP, A, C, R, run("图1　子项落实率和隐患整改率逐月变化", HT, 28)))

# ---- GB/T 9704-2012 §7: the header (版头), the signature and date, the end
# matter (版记).  Sizes in twips; the type area is 8,845 twips (156 mm) wide,
# one character of 三号 on the 28-character grid 316 twips. ----
TYPE_W = 11906 - 1587 - 1474
CH = 316
RED = "FF0000"


def raw_para(ppr, runs):
    return "<w:p><w:pPr>%s</w:pPr>%s</w:p>" % (ppr, runs)


def red_run(text, font, size, color=RED):
    return ('<w:r><w:rPr><w:rFonts w:ascii="%s" w:hAnsi="%s" w:eastAsia="%s"/><w:color w:val="%s"/>'
            '<w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>'
            % (font, font, font, color, size, size, escape(text)))


TAB = "<w:r><w:tab/></w:r>"
# 发文机关标志: red 小标宋 centred, its top 35 mm below the type area's top
# (⚠ DOMAIN.md: the distance differs by kind of document); the number two
# lines below it: at the left one character in with 签发人 at the right one
# character in (a report upward), or centred when no signer is configured;
# the red line 4 mm below the number, the width of the type area.
HEADER = [
    raw_para('<w:spacing w:before="1984" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>',
             red_run("{{doc.issuer_mark}}", XBS, 72)),
    bpara("{{?doc.number}}"),
    bpara("{{?doc.signer}}"),
    raw_para('<w:tabs><w:tab w:val="right" w:pos="%d"/></w:tabs><w:spacing w:before="1158" w:after="0" w:line="579"'
             ' w:lineRule="exact"/><w:ind w:left="%d"/>' % (TYPE_W - CH, CH),
             run("{{doc.number}}", FS, BODY) + TAB + run("签发人：", FS, BODY) + run("{{doc.signer}}", KT, BODY)),
    bpara("{{/doc.signer}}"),
    bpara("{{^doc.signer}}"),
    raw_para('<w:spacing w:before="1158" w:after="0" w:line="579" w:lineRule="exact"/><w:jc w:val="center"/>',
             run("{{doc.number}}", FS, BODY)),
    bpara("{{/doc.signer}}"),
    bpara("{{/doc.number}}"),
    raw_para('<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="0" w:color="%s"/></w:pBdr>'
             '<w:spacing w:before="0" w:after="0" w:line="227" w:lineRule="exact"/>' % RED, ""),
]
# 署名 centred over the 成文日期, which stands four characters in from the
# right: the date right-aligned with a right indent of four characters, the
# signature on a centre tab at the date's middle (a date such as
# "2026年12月4日" is about 2,100 twips wide).  附注 below, two characters in.
DATE_W = 2100
SIGNATURE = [
    bpara(""),
    bpara(""),
    raw_para('<w:keepNext/><w:tabs><w:tab w:val="center" w:pos="%d"/></w:tabs><w:spacing w:before="0" w:after="0"'
             ' w:line="579" w:lineRule="exact"/>' % (TYPE_W - 4 * CH - DATE_W // 2), TAB + run("{{doc.signature}}", FS, BODY)),
    raw_para('<w:spacing w:before="0" w:after="0" w:line="579" w:lineRule="exact"/><w:ind w:right="%d"/><w:jc w:val="right"/>'
             % (4 * CH), run("{{as_of_cn}}", FS, BODY)),
    bpara("{{?doc.note}}{{doc.note}}{{/doc.note}}"),
]


def end_matter(cc):
    """版记 after the date (a line below it): a table the width of the type
    area, its first and last lines thick (0.35 mm), the one between thin
    (0.25 mm); 抄送 (when cc) and 印发机关 / 印发日期 in 四号 仿宋, each one
    character in.  (Floating it to the foot of the page, w:tblpPr
    tblpYSpec="bottom", works in Word, but LibreOffice 7.4 then either keeps
    it in the flow or moves the paragraph after it onto a page of its own.)"""
    def line(runs, tabs="", keep=False):
        return ('<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr><w:p><w:pPr>%s%s<w:spacing w:before="0" w:after="0"'
                ' w:line="579" w:lineRule="exact"/><w:ind w:left="280" w:right="280"/></w:pPr>%s</w:p></w:tc>'
                % (TYPE_W, "<w:keepNext/>" if keep else "", tabs, runs))
    rows = []
    if cc:
        rows.append(line(run("抄送：{{doc.cc}}。", FS, 28), keep=True))
    rows.append(line(run("{{doc.printer}}", FS, 28) + TAB + run("{{as_of_cn}}印发", FS, 28),
                     '<w:tabs><w:tab w:val="right" w:pos="%d"/></w:tabs>' % (TYPE_W - 280)))
    return ('<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:tblBorders>'
            '<w:top w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
            '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
            '<w:insideH w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:tblBorders>'
            '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>'
            '</w:tblCellMar></w:tblPr><w:tblGrid><w:gridCol w:w="%d"/></w:tblGrid>%s</w:tbl>'
            % (TYPE_W, TYPE_W, "".join("<w:tr><w:trPr><w:cantSplit/></w:trPr>%s</w:tr>" % r for r in rows)))


END_MATTER = [bpara(""), bpara("{{?doc.cc}}"), end_matter(True), bpara("{{/doc.cc}}"),
              bpara("{{^doc.cc}}"), end_matter(False), bpara("{{/doc.cc}}")]

# Pieces the district's and the city's report share.
WEAKEST = [
    bpara("{{?weakest_items}}落实率最低的条目依次为（适用子项不足{{weak_min_base}}项次的条目不参与排序）：{{/weakest_items}}"),
    bpara("{{#weakest_items}}第{{n}}条“{{name}}”，落实率{{rate_text}}，{{units_not_done}}家{{words.unit_word}}有子项未落实。"
          "{{/weakest_items}}"),
]


def table_caption(text):
    """A table's caption in a GB/T 9704 report: above it, centred, 黑体 四号."""
    return raw_para('<w:keepNext/><w:spacing w:before="120" w:after="60" w:line="400" w:lineRule="exact"/>'
                    '<w:jc w:val="center"/>', run(text, HT, 28))


HAZARDS_BY_TYPE = grid_table([30, 12, 15, 15, 42, 42], [
    (["类型", "发现", "已整改", "未整改", "整改率", "较上月"], "head"),
    (loop("hazards.by_type", [{"text": "{{label}}", "align": "left"}, "{{found}}", "{{rectified}}", "{{unrectified}}",
                              "{{rate_text}}", "{{change_text}}"]), "body"),
    (["合计", "{{hazards.found}}", "{{hazards.rectified}}", "{{hazards.unrectified}}", "{{hazards.rate_text}}",
      "{{hazards.change_text}}"], "total")], area=TYPE_W, size=21, nosnap=True)

report = HEADER + [
    bpara("{{district}}{{words.system}}落实安全生产主体责任", XBS, 44, "center", indent=False, before=1158),
    bpara("书面风险报告", XBS, 44, "center", indent=False),
    bpara("（{{period_cn}}）", KT, BODY, "center", indent=False),
    # 主送机关: one line below the title, at the left margin, with a colon
    bpara("{{?doc.recipient}}{{doc.recipient}}：{{/doc.recipient}}", indent=False, before=579),
    bpara("按照“六大责任25条”百日攻坚行动的要求，现将{{period_cn}}{{words.scope}}各{{words.unit_word}}落实安全生产主体责任、"
          "排查整治隐患的情况报告如下。"),
    bpara("一、基本情况", HT, keep=True),
    bpara("截至{{as_of_cn}}，{{words.scope}}应报送{{words.unit_word}}{{units.expected}}家，已报送{{units.returned}}家，"
          "其中按时{{units.on_time}}家、逾期{{units.late}}家；报表被退回尚未改正{{units.rejected}}家，"
          "只报一张表{{units.incomplete}}家，未报送{{units.missing}}家。"),
    bpara("{{#received_doubts}}需要说明的是，逾期{{words.unit_word}}中有{{units}}家的收到时间同为{{time}}（{{source_label}}），"
          "可能是截止日后集中复制或保存报表文件所致，并非实际收到时间，逾期数待核实收件时间后更正。{{/received_doubts}}"),
    bpara("{{#units_by_type}}{{label}}应报{{expected}}家，已报{{returned}}家，未报{{missing}}家。{{/units_by_type}}"),
    bpara("二、“六大责任25条”落实情况", HT, keep=True),
    bpara("全区适用子项共{{compliance.applicable}}项次，已落实{{compliance.done}}项次，部分落实"
          "{{compliance.partial}}项次，未落实{{compliance.not_done}}项次，落实率{{compliance.rate_text}}"
          "{{?compliance.has_prev}}，较上月{{compliance.change_text}}{{/compliance.has_prev}}。"),
    bpara("（一）六大责任落实情况", KT, keep=True),
    bpara("{{#duties}}{{name}}：落实率{{rate_text}}{{?has_prev}}，较上月{{change_text}}{{/has_prev}}。{{/duties}}"),
    bpara("（二）薄弱环节", KT, keep=True),
] + WEAKEST + [
    bpara("三、隐患排查整改情况", HT, keep=True),
    bpara("截至{{as_of_cn}}，各{{words.unit_word}}推进情况统计表填报的{{?hazards.cumulative}}累计{{/hazards.cumulative}}"
          "{{^hazards.cumulative}}本月{{/hazards.cumulative}}数字显示，全区共发现隐患{{hazards.found}}条，已完成整改"
          "{{hazards.rectified}}条，尚有{{hazards.unrectified}}条未整改，整改率{{hazards.rate_text}}"
          "{{?hazards.has_prev}}，较上月{{hazards.change_text}}{{?hazards.cumulative}}；本月新发现隐患{{hazards.new_found}}条，"
          "新完成整改{{hazards.new_rectified}}条{{/hazards.cumulative}}{{/hazards.has_prev}}。"
          "{{?flagged}}另有{{flagged_count}}个数值经数据质量检查明显异常，未计入本报告的合计，待核实："
          "{{flagged_text}}。{{/flagged}}"),
    table_caption("表1　隐患排查整改情况（按{{words.unit_word}}类型）"),
    HAZARDS_BY_TYPE,
    bpara("{{?hazards.worst_type}}分类型看，{{hazards.worst_type.label}}整改率最低，为{{hazards.worst_type.rate_text}}，"
          "尚有{{hazards.worst_type.unrectified}}条未整改{{/hazards.worst_type}}{{?hazards.worst_area}}"
          "{{?hazards.worst_type}}；{{/hazards.worst_type}}分板块看，{{hazards.worst_area.area}}整改率最低，为"
          "{{hazards.worst_area.rate_text}}，尚有{{hazards.worst_area.unrectified}}条未整改{{/hazards.worst_area}}"
          "{{?hazards.worst_type}}。{{/hazards.worst_type}}{{^hazards.worst_type}}{{?hazards.worst_area}}。{{/hazards.worst_area}}"
          "{{/hazards.worst_type}}", before=120),
    bpara("{{?trend_multi}}近{{trend_months}}个月全区子项落实率和隐患整改率的变化见图1。{{/trend_multi}}"
          "{{^trend_multi}}本月全区子项落实率和隐患整改率见图1；下月起图中逐月比较。{{/trend_multi}}", keep=True),
    DRAWING,
    bpara("四、{{words.key_units}}情况", HT, keep=True),
    bpara("全区{{words.key_units}}{{key.count}}家{{words.key_note}}，本月已报送{{key.returned}}家，其中按时{{key.on_time}}家。"
          "{{?key.applicable}}{{key.items_text}}适用子项{{key.applicable}}项次，已落实{{key.done}}项次，落实率{{key.rate_text}}；"
          "{{/key.applicable}}共发现隐患{{key.found}}条，已整改{{key.rectified}}条，整改率{{key.rectify_rate_text}}。"),
    bpara("{{?key.problems}}需要关注的{{words.key_units}}{{key.problem_count}}家{{?key.problem_more}}（以下为问题最多的10家）"
          "{{/key.problem_more}}：{{/key.problems}}"),
    bpara("{{#key.problems}}{{n}}．{{name}}（{{area}}）：{{text}}。{{/key.problems}}"),
    bpara("{{?key.fine}}其余{{key.fine}}家按时报送，{{words.key_units}}适用子项均已落实，未整改隐患在{{risk_unrectified_min}}条以下。"
          "{{/key.fine}}"),
    bpara("五、存在的主要问题", HT, keep=True),
    bpara("综合研判，{{period_cn}}{{words.scope}}安全生产风险等级为“{{grade.label}}”"
          "{{?grade.by_rate}}，主要是子项落实率偏低{{/grade.by_rate}}{{?grade.by_rectify}}{{?grade.by_rate}}、{{/grade.by_rate}}"
          "{{^grade.by_rate}}，主要是{{/grade.by_rate}}隐患整改率偏低{{/grade.by_rectify}}（分级标准：{{grade.basis}}）。"),
    bpara("{{?units.missing}}一是报送不到位。仍有{{units.missing}}家{{words.unit_word}}未报送本月报表"
          "{{?units.rejected}}，{{units.rejected}}家的报表被退回后尚未改正{{/units.rejected}}"
          "{{?units.incomplete}}，{{units.incomplete}}家只报送了一张表{{/units.incomplete}}。{{/units.missing}}"
          "{{^units.missing}}一是报送总体及时。应报{{words.unit_word}}均已报送{{?units.late}}，其中逾期{{units.late}}家{{/units.late}}。"
          "{{/units.missing}}"),
    bpara("{{?weakest}}二是部分条目落实不到位。第{{weakest.n}}条“{{weakest.name}}”落实率最低，为{{weakest.rate_text}}，"
          "{{weakest.units_not_done}}家{{words.unit_word}}有子项未落实；全区共有未落实子项{{compliance.not_done}}项次。{{/weakest}}"
          "{{^weakest}}二是全区共有未落实子项{{compliance.not_done}}项次。{{/weakest}}"),
    bpara("三是隐患整改不及时。尚有{{hazards.unrectified}}条隐患未整改，整改率{{hazards.rate_text}}"
          "{{?hazards.worst_type}}，{{hazards.worst_type.label}}最低，为{{hazards.worst_type.rate_text}}{{/hazards.worst_type}}。"),
    bpara("{{?risk_units}}风险较大的{{words.unit_word}}共{{risk_count}}家{{?risk_more}}，以下列出问题最多的5家"
          "{{/risk_more}}："),
    bpara("{{#risk_units}}{{n}}．{{name}}（{{area}}）：{{reasons}}。拟：{{measures}}。{{/risk_units}}"),
    bpara("{{/risk_units}}"),
    bpara("六、下一步工作", HT, keep=True),
    bpara("{{#measures}}（{{n}}）对{{names}}{{?more}}等{{count}}家{{words.unit_word}}{{/more}}，{{action}}。{{/measures}}"),
    bpara("督促各{{words.unit_word}}对已发现的{{hazards.unrectified}}条未整改隐患按照责任、措施、资金、时限和预案“五落实”要求"
          "抓紧整改，实行闭环管理，下月报告整改进展。"),
] + SIGNATURE + END_MATTER


def page_footer(align, side):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr %s %s><w:p><w:pPr><w:ind w:%s="280"/>'
            '<w:jc w:val="%s"/></w:pPr>%s<w:fldSimple w:instr=" PAGE ">%s</w:fldSimple>%s</w:p></w:ftr>'
            % (W, R, side, align, run("— ", SONG, 28), run("1", SONG, 28), run(" —", SONG, 28)))


FOOTER = page_footer("center", "left").replace('<w:ind w:left="280"/>', "")
package("统计表.docx", "统计表模板",
        document(body, section(PAGE_W, PAGE_H, MARGIN, MARGIN, MARGIN, MARGIN, landscape=True, footer=True, grid=False)),
        styles(FS, 21), FOOTER)
REPORT_SETTINGS = SETTINGS.replace('<w:compat>', '<w:evenAndOddHeaders/><w:compat>')


def embedded_workbook():
    """The workbook behind the chart, as Word's 编辑数据 opens it: duty25
    rewrites it from the chart's values; this one holds the header row."""
    X = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    parts = [("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml"'
              ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
              '<Override PartName="/xl/worksheets/sheet1.xml"'
              ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
             ("_rels/.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="%sofficeDocument" Target="xl/workbook.xml"/></Relationships>' % REL),
             ("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook %s %s><sheets>'
              '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>' % (X, R)),
             ("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="%sworksheet" Target="worksheets/sheet1.xml"/></Relationships>' % REL),
             ("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet %s>'
              '<sheetData><row r="1"><c r="B1" t="inlineStr"><is><t>落实率</t></is></c></row></sheetData></worksheet>' % X)]
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in parts:
            info = zipfile.ZipInfo(part, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


# A4, GB/T 9704 margins, 22 lines of 28 characters: a line grid of 28.95 pt,
# and characters 0.25 pt closer (styles: 28 x 15.75 pt fits the 442 pt type
# area).  A character grid (linesAndChars) would do the same in Word, but
# LibreOffice then gives each 16 pt character two 15.79 pt cells.  Page
# numbers outside: odd pages' footer (default) at the right, even pages' at
# the left, each one character in, 7 mm below the type area.
GB_SECT = ('<w:sectPr><w:footerReference w:type="default" r:id="rId3"/><w:footerReference w:type="even" r:id="rId5"/>'
           '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"'
           ' w:header="851" w:footer="1304" w:gutter="0"/>'
           '<w:docGrid w:type="lines" w:linePitch="579"/></w:sectPr>')
GB_STYLES = styles(FS, BODY).replace('<w:sz w:val="%d"/>' % BODY, '<w:spacing w:val="-5"/><w:sz w:val="%d"/>' % BODY, 1)
package("书面风险报告.docx", "书面风险报告模板", document(report, GB_SECT), GB_STYLES, chart=CHART,
        settings=REPORT_SETTINGS, embed=embedded_workbook(),
        footers=[("rId3", "footer1.xml", page_footer("right", "right")), ("rId5", "footer2.xml", page_footer("left", "left"))])

# ---- a city's (or province's) report and tables (duty25 report at [campaign]
# level = city / province; report/city.h): the same official document, its
# figures by district where a district's report gives them by area. ----
def ctable(widths, rows):
    return grid_table(widths, rows, area=TYPE_W, size=21, nosnap=True)


city_report = HEADER + [
    bpara("{{district}}{{words.system}}落实安全生产主体责任", XBS, 44, "center", indent=False, before=1158),
    bpara("书面风险报告", XBS, 44, "center", indent=False),
    bpara("（{{period_cn}}）", KT, BODY, "center", indent=False),
    bpara("{{?doc.recipient}}{{doc.recipient}}：{{/doc.recipient}}", indent=False, before=579),
    bpara("按照“六大责任25条”百日攻坚行动的要求，根据各区（县）报送的{{period_cn}}数据，现将{{scope_word}}{{words.system}}"
          "落实安全生产主体责任、排查整治隐患的情况汇总报告如下。"),
    bpara("一、基本情况", HT, keep=True),
    bpara("{{scope_word}}{{districts_count}}个区（县）中，{{districts_merged}}个已报送本月数据"
          "{{?districts_missing}}，{{districts_missing_text}}尚未报送，其数字未计入本报告{{/districts_missing}}"
          "{{?districts_late}}；{{districts_late_text}}逾期报送{{/districts_late}}。"
          "已报送的区（县）应报送{{words.unit_word}}{{units.expected}}家，已报送{{units.returned}}家，其中按时{{units.on_time}}家、"
          "逾期{{units.late}}家；报表被退回尚未改正{{units.rejected}}家，只报一张表{{units.incomplete}}家，未报送{{units.missing}}家。"),
    table_caption("表1　各区（县）报送和落实情况"),
    ctable([22, 12, 12, 12, 12, 30, 30, 14], [
        (["区（县）", "应报", "已报", "按时", "未报", "子项落实率", "隐患整改率", "风险等级"], "head"),
        (loop("by_district", [{"text": "{{district}}", "align": "left"}, "{{expected}}", "{{returned}}", "{{on_time}}",
                              "{{missing}}", "{{compliance_rate_text}}", "{{rectify_rate_text}}", "{{grade}}"]), "body"),
        (["合计", "{{units.expected}}", "{{units.returned}}", "{{units.on_time}}", "{{units.missing}}",
          "{{compliance.rate_text}}", "{{hazards.rate_text}}", "{{grade.label}}"], "total")]),
    bpara("二、“六大责任25条”落实情况", HT, keep=True, before=120),
    bpara("{{scope_word}}适用子项共{{compliance.applicable}}项次，已落实{{compliance.done}}项次，部分落实"
          "{{compliance.partial}}项次，未落实{{compliance.not_done}}项次，落实率{{compliance.rate_text}}"
          "{{?compliance.has_prev}}，较上月{{compliance.change_text}}{{/compliance.has_prev}}。{{?worst_compliance_district}}分区（县）看，"
          "{{worst_compliance_district.district}}落实率最低，为{{worst_compliance_district.compliance_rate_text}}。"
          "{{/worst_compliance_district}}"),
    bpara("{{#duties}}{{name}}：落实率{{rate_text}}{{?has_prev}}，较上月{{change_text}}{{/has_prev}}。{{/duties}}"),
] + WEAKEST + [
    bpara("三、隐患排查整改情况", HT, keep=True),
    bpara("各区（县）汇总的{{?hazards.cumulative}}累计{{/hazards.cumulative}}{{^hazards.cumulative}}本月{{/hazards.cumulative}}"
          "数字显示，{{scope_word}}共发现隐患{{hazards.found}}条，已完成整改{{hazards.rectified}}条，尚有{{hazards.unrectified}}条"
          "未整改，整改率{{hazards.rate_text}}{{?hazards.has_prev}}，较上月{{hazards.change_text}}{{/hazards.has_prev}}。"
          "{{?worst_rectify_district}}分区（县）看，{{worst_rectify_district.district}}整改率最低，为"
          "{{worst_rectify_district.rectify_rate_text}}，尚有{{worst_rectify_district.unrectified}}条未整改。"
          "{{/worst_rectify_district}}{{?flagged}}另有{{flagged_count}}个数值经数据质量检查明显异常，未计入合计，待核实："
          "{{flagged_text}}。{{/flagged}}"),
    table_caption("表2　隐患排查整改情况（按{{words.unit_word}}类型）"),
    HAZARDS_BY_TYPE,
    bpara("{{?trend_multi}}近{{trend_months}}个月{{scope_word}}子项落实率和隐患整改率的变化见图1。{{/trend_multi}}"
          "{{^trend_multi}}本月{{scope_word}}子项落实率和隐患整改率见图1；下月起图中逐月比较。{{/trend_multi}}", keep=True,
          before=120),
    DRAWING,
    bpara("四、{{words.key_units}}情况", HT, keep=True),
    bpara("{{scope_word}}{{words.key_units}}{{key.count}}家，本月已报送{{key.returned}}家，其中按时{{key.on_time}}家；"
          "适用子项{{key.applicable}}项次，落实率{{key.rate_text}}；发现隐患{{key.found}}条，已整改{{key.rectified}}条，"
          "整改率{{key.rectify_rate_text}}。{{?key.problem_count}}需要关注的{{key.problem_count}}家，见各区（县）报告。"
          "{{/key.problem_count}}"),
    bpara("五、存在的主要问题", HT, keep=True),
    bpara("综合研判，{{period_cn}}{{scope_word}}{{words.system}}安全生产风险等级为“{{grade.label}}”"
          "{{?grade.by_rate}}，主要是子项落实率偏低{{/grade.by_rate}}{{?grade.by_rectify}}{{?grade.by_rate}}、{{/grade.by_rate}}"
          "{{^grade.by_rate}}，主要是{{/grade.by_rate}}隐患整改率偏低{{/grade.by_rectify}}（分级标准：{{grade.basis}}）。"),
    bpara("{{?districts_missing}}一是区（县）数据不全。{{districts_missing_text}}尚未报送本月数据。{{/districts_missing}}"
          "{{^districts_missing}}一是各区（县）均已报送本月数据{{?districts_late}}，其中{{districts_late_text}}逾期{{/districts_late}}。"
          "{{/districts_missing}}{{?units.missing}}仍有{{units.missing}}家{{words.unit_word}}未报送本月报表。{{/units.missing}}"),
    bpara("{{?weakest}}二是部分条目落实不到位。第{{weakest.n}}条“{{weakest.name}}”落实率最低，为{{weakest.rate_text}}，"
          "{{weakest.units_not_done}}家{{words.unit_word}}有子项未落实。{{/weakest}}"
          "{{^weakest}}二是{{scope_word}}共有未落实子项{{compliance.not_done}}项次。{{/weakest}}"),
    bpara("三是隐患整改不及时。尚有{{hazards.unrectified}}条隐患未整改，整改率{{hazards.rate_text}}。"),
    bpara("{{?risk_units}}各区（县）报告的风险较大的{{words.unit_word}}共{{risk_count}}家{{?risk_more}}，以下列出问题最多的5家"
          "{{/risk_more}}："),
    bpara("{{#risk_units}}{{n}}．{{name}}（{{district}}{{area}}）：{{reasons}}。{{/risk_units}}"),
    bpara("{{/risk_units}}"),
    bpara("六、下一步工作", HT, keep=True),
    bpara("{{#measures}}（{{n}}）对{{districts_text}}，共{{count}}家{{words.unit_word}}，督促所在区（县）{{action}}。{{/measures}}"),
    bpara("{{?districts_missing}}督促{{districts_missing_text}}尽快报送本月数据。{{/districts_missing}}"
          "督促各区（县）对已发现的{{hazards.unrectified}}条未整改隐患按照“五落实”要求抓紧整改，实行闭环管理，下月报告整改进展。"),
] + SIGNATURE + END_MATTER
package("汇总书面风险报告.docx", "市（省）汇总书面风险报告模板", document(city_report, GB_SECT), GB_STYLES, chart=CHART,
        settings=REPORT_SETTINGS, embed=embedded_workbook(),
        footers=[("rId3", "footer1.xml", page_footer("right", "right")), ("rId5", "footer2.xml", page_footer("left", "left"))])

city_body = [
    para("{{district}}{{words.system}}落实安全生产主体责任“六大责任25条”汇总统计表", XBS, 36, "center", after=120),
    para("（{{period_cn}}，截至{{as_of_cn}}）", FS, 24, "center", after=60),
    para("制表单位：{{doc.signature}}　　制表日期：{{as_of_cn}}", FS, 21, "right", after=180),
    para("{{districts_count}}个区（县），已报送{{districts_merged}}个{{?districts_missing}}（未报送：{{districts_missing_text}}）"
         "{{/districts_missing}}。应报{{units.expected}}家，已报{{units.returned}}家（按时{{units.on_time}}家、逾期{{units.late}}家），"
         "缺表{{units.incomplete}}家，退回{{units.rejected}}家，未报{{units.missing}}家。", FS, 24),
    caption("表1  各区（县）报送情况"),
    grid_table([24, 12, 11, 11, 11, 11, 11, 11, 18], [
        (["区（县）", "数据", "应报", "按时", "逾期", "缺表", "退回", "未报", "报送率"], "head"),
        (loop("by_district", [{"text": "{{district}}", "align": "left"}, "{{state_label}}", "{{expected}}", "{{on_time}}",
                              "{{late}}", "{{incomplete}}", "{{rejected}}", "{{missing}}", "{{returned_rate_text}}"]),
         "body"),
        (["合计", "", "{{units.expected}}", "{{units.on_time}}", "{{units.late}}", "{{units.incomplete}}",
          "{{units.rejected}}", "{{units.missing}}", ""], "total")], base=21),
    caption("表2  各区（县）落实和隐患整改情况"),
    grid_table([24, 26, 12, 12, 12, 26, 12, 12, 12], [
        (["区（县）", "子项落实率", "发现隐患", "已整改", "未整改", "整改率", "风险较大", "拟执法", "风险等级"], "head"),
        (loop("by_district", [{"text": "{{district}}", "align": "left"}, "{{compliance_rate_text}}", "{{found}}",
                              "{{rectified}}", "{{unrectified}}", "{{rectify_rate_text}}", "{{risk_count}}",
                              "{{enforcement_count}}", "{{grade}}"]), "body"),
        (["合计", "{{compliance.rate_text}}", "{{hazards.found}}", "{{hazards.rectified}}", "{{hazards.unrectified}}",
          "{{hazards.rate_text}}", "{{risk_count}}", "{{enforcement_count}}", "{{grade.label}}"], "total")], base=21),
    caption("表3  “六大责任25条”落实情况（责任、条目）"),
    grid_table([10, 46, 8, 9, 10, 9, 9, 23], [
        (["序号", "内容", "适用", "已落实", "部分落实", "未落实", "不适用", "落实率"], "head"),
        (loop("duties", ["责任{{n}}", left("{{name}}"), "{{applicable}}", "{{done}}", "{{partial}}", "{{not_done}}",
                         "{{not_applicable}}", "{{rate_text}}"]), "body"),
        (loop("items", ["第{{n}}条", left("{{name}}"), "{{applicable}}", "{{done}}", "{{partial}}", "{{not_done}}",
                        "{{not_applicable}}", "{{rate_text}}"]), "body"),
        (["合计", "", "{{compliance.applicable}}", "{{compliance.done}}", "{{compliance.partial}}",
          "{{compliance.not_done}}", "{{compliance.not_applicable}}", "{{compliance.rate_text}}"], "total")], base=21),
    caption("表4  隐患排查整改情况（按{{words.unit_word}}类型）"),
    grid_table([30, 16, 16, 16, 26], [
        (["类型", "发现隐患", "已整改", "未整改", "整改率"], "head"),
        (loop("hazards.by_type", [left("{{label}}"), "{{found}}", "{{rectified}}", "{{unrectified}}", "{{rate_text}}"]),
         "body"),
        (["合计", "{{hazards.found}}", "{{hazards.rectified}}", "{{hazards.unrectified}}", "{{hazards.rate_text}}"],
         "total")], base=21),
    para("{{?flagged}}注：下列数值经数据质量检查明显异常，未计入合计（待核实）：{{flagged_text}}。{{/flagged}}", FS, 21,
         before=60),
]
package("汇总统计表.docx", "市（省）汇总统计表模板",
        document(city_body, section(PAGE_W, PAGE_H, MARGIN, MARGIN, MARGIN, MARGIN, landscape=True, footer=True, grid=False)),
        styles(FS, 21), FOOTER)

# ---- the blank forms sent to units (duty25 forms), after seed 000's
# Attachment 1 (the checklist) and Attachment 3 (the progress table) ----
# The checklist is a block of rows for each item (the data's blocks[]):
# its category and item cells start a merge in the block's first row and
# continue it in the others, and every row but the block's last is kept
# with the next one (keepNext in its paragraphs; no row breaks across a
# page: cantSplit).  A page thus always begins with a block's first row,
# which names its category and item: a merged cell is never split over a
# page break, and no fragment of its text tops a page.  The four rows of
# the template are the block's first row when more follow (head), a block
# of one row (one), the rows in between (mids) and the block's last row
# (last); the table's final block has no "last" row, so its last row is
# kept with the note and the signature block below the table.
def cl_row(duty, item, text, last):
    return [duty, item, {"text": text, "align": "left"}, {"text": "{{basis}}", "align": "left"},
            {"text": "{{penalty}}", "align": "left"}, "{{self}}", last]


def keep_rows(xml, *tags):
    """Rows holding one of tags: their paragraphs kept with the next."""
    def keep(m):
        row = m.group(0)
        return row.replace("<w:p><w:pPr>", "<w:p><w:pPr><w:keepNext/>") if any(t in row for t in tags) else row
    return re.sub(r"<w:tr>.*?</w:tr>", keep, xml)


def keep(p):
    """A paragraph kept with the next one."""
    return p.replace("<w:pPr>", "<w:pPr><w:keepNext/>", 1)


CL_W = [8, 12, 33, 17, 16, 22, 12]  # 单位自查情况 wide enough for a status and a short reason
checklist_form = [
    para("附件1", HT, 32, after=120),
    para("{{district}}{{words.checklist_heading}}", XBS, 36, "center", after=120),
    para("填报月份：{{period_cn}}　　所属板块：{{unit.area}}　　{{words.unit_word}}类型：{{unit.type_label}}", FS, 24, "center",
         after=120),
    keep_rows(grid_table(CL_W, [
        (["类别", "条目", "内容", "依据", "罚则", "{{words.self_check_header}}", "监督检查情况"], "head"),
        (cl_row({"text": "{{#blocks}}{{#head}}{{duty_label}}", "vmerge": "restart"},
                {"text": "{{label}}", "vmerge": "restart"}, "{{text}}", "{{/head}}"), "body"),
        (cl_row({"text": "{{#one}}{{duty_label}}", "vmerge": "restart"},
                {"text": "{{label}}", "vmerge": "restart"}, "{{text}}", "{{/one}}"), "body"),
        (cl_row({"text": "{{#mids}}", "vmerge": "continue"}, {"vmerge": "continue"}, "{{text}}", "{{/mids}}"), "body"),
        (cl_row({"text": "{{#last}}", "vmerge": "continue"}, {"vmerge": "continue"}, "{{text}}",
                "{{/last}}{{/blocks}}"), "body"),
    ], size=18), "{{#head}}", "{{#mids}}"),
    keep(para("填写说明：“{{words.self_check_header}}”一栏逐项填写“已落实”“部分落实”“未落实”或“不适用”，部分落实、未落实的请写明原因和整改措施；"
              "本{{words.unit_word}}不适用的子项已预填“不适用”，情况有变的请改写。“监督检查情况”一栏由{{words.issuer}}填写。"
              "请于{{deadline_cn}}前报送。", FS, 21, before=120)),
    keep(para("")),
    keep(para("填报单位（盖章）：{{unit.name}}　　填报人：＿＿＿＿　　联系电话：＿＿＿＿＿＿　　填报时间：{{period_cn}}＿＿日",
              FS, 24)),
    para("{{?unit_link}}网上报送、查看本{{words.unit_word}}的检查结果：{{unit_link}}{{/unit_link}}", FS, 21, before=120),
]
package("表样-清单.docx", "六大责任25条内容清单（表样）",
        document(checklist_form, section(PAGE_W, PAGE_H, 1134, 1134, 1134, 1134, landscape=True)), styles(FS, 21))

# The progress form: portrait A4, side margins 2.2 cm; its title on one
# line (三号, characters scaled to 85%: 34 of them, a district of up to
# four characters, fit the 16.6 cm line), the table's rows and the
# signature block kept together on one page.
P_SIDE = 1247
P_AREA = 11906 - 2 * P_SIDE
progress_form = [
    para("附件3", HT, 32, after=120),
    para("{{district}}{{words.progress_heading}}", XBS, 32, "center", after=120).replace(
        "<w:sz ", '<w:w w:val="85"/><w:sz ', 1),
    para("填报月份：{{period_cn}}　　所属板块：{{unit.area}}", FS, 24, "center", after=120),
    keep_rows(grid_table([8, 72, 12], [
        (["序号", "推进情况", "备注"], "head"),
        (["{{#rows}}{{n}}", {"text": "{{text}}", "align": "left"}, "{{remark}}{{/rows}}"], "body"),
    ], area=P_AREA, size=24), "{{#rows}}"),
    keep(para("填写说明：在“＿＿”处填写数字或文字（没有的填 0），“（是／否）”“（有／无）”中保留一个、删去另一个。"
              "次数、条数自攻坚行动开始累计填写。请于{{deadline_cn}}前报送。", FS, 21, before=120)),
    keep(para("")),
    keep(para("填报单位（盖章）：{{unit.name}}", FS, 24)),
    keep(para("填报人：＿＿＿＿　联系电话：＿＿＿＿＿＿　填报时间：{{period_cn}}＿＿日", FS, 24)),
    para("{{?unit_link}}网上报送、查看本{{words.unit_word}}的检查结果：{{unit_link}}{{/unit_link}}", FS, 21, before=120),
]
package("表样-推进情况.docx", "推进情况统计表（表样）",
        document(progress_form, section(11906, 16838, 1440, P_SIDE, 1440, P_SIDE)), styles(FS, 24))

# ---- feedback: a notice to the unit for each rejected return, and the
# office's list of them (duty25 validate --feedback, duty25 run) ----
notice = [
    bpara("关于{{period_cn}}安全生产报表需修改后重新报送的通知", XBS, 36, "center", indent=False, after=290),
    bpara("{{unit_name}}：", FS, BODY, indent=False),
    bpara("你{{words.unit_word}}报送的《{{file}}》（{{received_cn}}收到）经检查未能通过，共有{{n_errors}}处需要修改。"
          "请按下表逐项改正后，{{deadline_text}}重新报送；改正后的报表直接替换原表，不必另行说明。"),
    grid_table([6, 18, 40, 36], [
        (["序号", "位置", "问题", "请这样改"], "head"),
        (["{{#errors}}{{n}}", {"text": "{{place}}", "align": "left"}, {"text": "{{problem}}", "align": "left"},
          {"text": "{{fix}}{{/errors}}", "align": "left"}], "body"),
    ], area=11906 - 1587 - 1474, size=21),
    bpara("{{?warnings}}", indent=False),
    bpara("另有以下{{n_warnings}}条提醒，不影响接收，请一并核实："),
    grid_table([6, 18, 76], [
        (["序号", "位置", "提醒"], "head"),
        (["{{#warnings}}{{n}}", {"text": "{{place}}", "align": "left"},
          {"text": "{{message}}{{/warnings}}", "align": "left"}], "body"),
    ], area=11906 - 1587 - 1474, size=21),
    bpara("{{/warnings}}", indent=False),
    bpara("{{?office_contact}}如有疑问，请与{{office_contact}}联系{{?office_phone}}（电话：{{office_phone}}）{{/office_phone}}。{{/office_contact}}"),
    bpara(""),
    bpara("{{district}}{{words.issuer}}", FS, BODY, "right", indent=False),
    bpara("{{today_cn}}", FS, BODY, "right", indent=False),
]
package("退回通知.docx", "报表退回通知",
        document(notice, section(11906, 16838, 2098, 1474, 1984, 1587, footer=True)), styles(FS, BODY), FOOTER)

office_list = [
    para("{{district}}{{words.system}}安全生产报表退回清单", XBS, 36, "center", after=120),
    para("（{{period_cn}}，{{today_cn}}，共{{count}}份）", FS, 24, "center", after=240),
    table([6, 30, 22, 10, 18, 8, 50],
          ["序号", "文件", "{{words.unit_word}}", "联系人", "电话", "错误数", "主要问题"],
          loop("returns", ["{{n}}", "{{file}}", "{{unit_name}}", "{{contact}}", "{{phone}}", "{{n_errors}}",
                           "{{summary}}"])),
]
package("退回清单.docx", "报表退回清单",
        document(office_list, section(PAGE_W, PAGE_H, MARGIN, MARGIN, MARGIN, MARGIN, landscape=True)), styles(FS, 21))

# ---- reminders before the deadline: a notice to each unit that has not
# returned both forms, and the office's list of whom to call (duty25 remind,
# duty25 run on [run] remind_days) ----
reminder = [
    bpara("关于报送{{period_cn}}安全生产报表的催报通知", XBS, 36, "center", indent=False, after=290),
    bpara("{{unit_name}}：", FS, BODY, indent=False),
    bpara("按照“六大责任25条”百日攻坚行动的要求，各{{words.unit_word}}应于{{deadline_cn}}前报送{{period_cn}}的"
          "《六大责任25条内容清单》和《推进情况统计表》。截至{{today_cn}}，你{{words.unit_word}}{{missing}}，{{when_text}}。"),
    bpara("请抓紧填报，尽快报送。已经报送的，请核对是否发送成功；报表被退回的，请按退回通知逐项改正后"
          "重新报送。"),
    bpara("{{?office_contact}}如有疑问，请与{{office_contact}}联系{{?office_phone}}（电话：{{office_phone}}）{{/office_phone}}。{{/office_contact}}"),
    bpara(""),
    bpara("{{district}}{{words.issuer}}", FS, BODY, "right", indent=False),
    bpara("{{today_cn}}", FS, BODY, "right", indent=False),
]
package("催报通知.docx", "报表催报通知",
        document(reminder, section(11906, 16838, 2098, 1474, 1984, 1587, footer=True)), styles(FS, BODY), FOOTER)

remind_list = [
    para("{{district}}{{words.system}}安全生产报表催报清单", XBS, 36, "center", after=120),
    para("（{{period_cn}}，截止日{{deadline_cn}}，{{today_cn}}，共{{count}}家）", FS, 24, "center", after=240),
    table([6, 14, 36, 12, 20, 10, 52],
          ["序号", "{{words.unit_word}}代码", "{{words.unit_word}}", "联系人", "电话", "情况", "还缺什么"],
          loop("units", ["{{n}}", "{{unit_code}}", "{{unit_name}}", "{{contact}}", "{{phone}}", "{{state}}",
                         "{{missing}}"])),
]
package("催报清单.docx", "报表催报清单",
        document(remind_list, section(PAGE_W, PAGE_H, MARGIN, MARGIN, MARGIN, MARGIN, landscape=True)), styles(FS, 21))
