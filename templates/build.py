#!/usr/bin/python3
"""Build the default report templates from this readable source.

    templates/build.py [OUTDIR]      (default: templates/)

Writes 统计表.docx: the statistical tables of a period (landscape A4), with
template tags (templates/README.md) filled by `duty25 report`.  Every table
has a w:tblGrid whose columns equal its cells' widths (WPS lays tables out
from gridCol), every run names its East Asian font, and the package is
checked by ../shared/tools/ooxml-validate in the tests.  The office may edit
the .docx in Word or WPS instead; this script is how the shipped one is made.
"""
import os
import sys
import zipfile
from xml.sax.saxutils import escape

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

# A4 landscape, 2.5 cm margins: a type area 14,004 twips wide.
PAGE_W, PAGE_H, MARGIN = 16838, 11906, 1417
AREA = PAGE_W - 2 * MARGIN

FS = "仿宋_GB2312"   # body
HT = "黑体"          # captions, headers
XBS = "方正小标宋简体"  # title


def run(text, font=FS, size=21, bold=False):
    props = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="%s"/>' % font
    if bold:
        props += "<w:b/>"
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


def table(widths, header, row, total=None):
    """A bordered table: a header row repeated on each page, one row whose
    cells carry the loop tags, and an optional total row."""
    scale = AREA / sum(widths)
    tw = [int(w * scale) for w in widths]
    tw[-1] += AREA - sum(tw)
    grid = "".join('<w:gridCol w:w="%d"/>' % w for w in tw)
    borders = "".join('<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>' % b
                      for b in ("top", "left", "bottom", "right", "insideH", "insideV"))

    def tr(cells, head=False, bold=False):
        trpr = "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" if head else "<w:trPr><w:cantSplit/></w:trPr>"
        tcs = ""
        for w, text in zip(tw, cells):
            tcs += ('<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                    '<w:p><w:pPr><w:spacing w:before="0" w:after="0"/><w:jc w:val="center"/></w:pPr>%s</w:p></w:tc>'
                    % (w, run(text, HT if head else FS, 21, bold)))
        return "<w:tr>%s%s</w:tr>" % (trpr, tcs)

    rows = tr(header, head=True) + tr(row)
    if total:
        rows += tr(total, bold=True)
    return ('<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>%s</w:tblBorders>'
            '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1"'
            ' w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>%s</w:tblGrid>%s</w:tbl>'
            % (AREA, borders, grid, rows))


def loop(name, cells):
    cells = list(cells)
    cells[0] = "{{#%s}}" % name + cells[0]
    cells[-1] = cells[-1] + "{{/%s}}" % name
    return cells


def caption(text):
    return para(text, HT, 24, before=240, after=120, keep=True)


body = [
    para("{{district}}教育系统落实安全生产主体责任“六大责任25条”统计表", XBS, 36, "center", after=120),
    para("（{{period_cn}}，截至{{as_of_cn}}）", FS, 24, "center", after=240),
    para("应报{{units.expected}}家，已报{{units.returned}}家（按时{{units.on_time}}家、逾期{{units.late}}家），"
         "缺表{{units.incomplete}}家，退回{{units.rejected}}家，未报{{units.missing}}家。"
         "25条子项落实率{{compliance.rate_text}}；隐患整改率{{hazards.rate_text}}。", FS, 24),
    caption("表1  各单位报送情况"),
    table([5, 30, 14, 12, 10, 22, 10, 17],
          ["序号", "单位名称", "类型", "板块", "报送情况", "收到时间", "联系人", "电话"],
          loop("submissions", ["{{n}}", "{{name}}", "{{type_label}}", "{{area}}", "{{state_label}}",
                               "{{received}}", "{{contact}}", "{{phone}}"])),
    caption("表2  “六大责任25条”子项落实情况"),
    table([7, 55, 8, 8, 9, 8, 8, 20],
          ["子项", "内容", "适用", "已落实", "部分落实", "未落实", "不适用", "落实率"],
          loop("sub_items", ["{{code}}", "{{text}}", "{{applicable}}", "{{done}}", "{{partial}}", "{{not_done}}",
                             "{{not_applicable}}", "{{rate_text}}"]),
          ["合计", "", "{{compliance.applicable}}", "{{compliance.done}}", "{{compliance.partial}}",
           "{{compliance.not_done}}", "{{compliance.not_applicable}}", "{{compliance.rate_text}}"]),
    caption("表3  推进情况统计汇总"),
    table([5, 30, 12, 10, 10, 10, 10, 10, 18],
          ["序号", "单位名称", "板块", "已检查次数", "针对性检查", "问题条数", "发现隐患", "已整改", "整改率"],
          loop("progress", ["{{n}}", "{{name}}", "{{area}}", "{{inspections}}", "{{targeted_checks}}", "{{problems}}",
                            "{{hazards_found}}", "{{hazards_rectified}}", "{{rectify_rate_text}}"]),
          ["", "全区合计", "", "{{progress_total.inspections}}", "{{progress_total.targeted_checks}}",
           "{{progress_total.problems}}", "{{progress_total.hazards_found}}",
           "{{progress_total.hazards_rectified}}", "{{hazards.rate_text}}"]),
    caption("表4  拟列入专项执法计划名单"),
    para("{{?enforcement_active}}"),
    table([6, 34, 14, 46], ["序号", "单位名称", "所属板块", "备注"],
          loop("enforcement", ["{{n}}", "{{name}}", "{{area}}", "{{remark}}"])),
    para("{{/enforcement_active}}"),
    para("{{^enforcement_active}}本月尚未到排查整治阶段结束之后，不提出执法名单。{{/enforcement_active}}", FS, 24),
]

sect = ('<w:sectPr><w:pgSz w:w="%d" w:h="%d" w:orient="landscape"/>'
        '<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="992" w:gutter="0"/>'
        '</w:sectPr>' % (PAGE_W, PAGE_H, MARGIN, MARGIN, MARGIN, MARGIN))
document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document %s><w:body>%s%s</w:body></w:document>'
            % (W, "".join(body), sect))

styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles %s><w:docDefaults><w:rPrDefault><w:rPr>'
          '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="%s" w:cs="Times New Roman"/>'
          '<w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>'
          '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
          '</w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
          '<w:qFormat/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal">'
          '<w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
          '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
          '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>' % (W, FS))
settings = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings %s><w:zoom w:percent="100"/>'
            '<w:defaultTabStop w:val="420"/><w:compat><w:compatSetting w:name="compatibilityMode"'
            ' w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>' % W)
content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 'wordprocessingml.document.main+xml"/>'
                 '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 'wordprocessingml.styles+xml"/>'
                 '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 'wordprocessingml.settings+xml"/>'
                 '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.'
                 'core-properties+xml"/></Types>')
rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/></Relationships>')
doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"'
            ' Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/settings" Target="settings.xml"/></Relationships>')
core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties'
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>统计表模板</dc:title>'
        '<dc:creator>duty25</dc:creator></cp:coreProperties>')

path = os.path.join(OUT, "统计表.docx")
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in (("[Content_Types].xml", content_types), ("_rels/.rels", rels),
                       ("word/document.xml", document), ("word/_rels/document.xml.rels", doc_rels),
                       ("word/styles.xml", styles), ("word/settings.xml", settings), ("docProps/core.xml", core)):
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # the same bytes on every build
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
print(path)
