/* error: stable error names and Chinese summaries (see error.h). */
#include "error.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    const char *summary;
} codes[D25_E_COUNT_] = {
    [D25_OK] = {"OK", "成功"},
    [D25_E_NOMEM] = {"READ_NOMEM", "内存不足"},
    [D25_E_IO] = {"READ_IO", "无法打开或读取文件"},
    [D25_E_EMPTY] = {"READ_EMPTY", "文件是空的（0 字节）"},
    [D25_E_FILE_TOO_BIG] = {"READ_FILE_TOO_BIG", "文件大小超过上限"},
    [D25_E_NOT_ZIP] = {"READ_NOT_ZIP", "不是 Word（.docx）或 Excel（.xlsx）文件"},
    [D25_E_ENCRYPTED] = {"READ_ENCRYPTED", "文件设置了打开密码"},
    [D25_E_LEGACY_DOC] = {"READ_LEGACY_DOC", "旧版 Word 97-2003 文档（.doc）"},
    [D25_E_LEGACY_XLS] = {"READ_LEGACY_XLS", "旧版 Excel 97-2003 工作簿（.xls）"},
    [D25_E_OLE] = {"READ_OLE", "旧版 Office/WPS 复合文档格式"},
    [D25_E_OTHER_FORMAT] = {"READ_OTHER_FORMAT", "不支持的文件格式"},
    [D25_E_LOCK_FILE] = {"READ_LOCK_FILE", "Office 临时锁定文件（~$ 开头）"},
    [D25_E_ZIP_CORRUPT] = {"READ_ZIP_CORRUPT", "文件已损坏或不完整"},
    [D25_E_TOO_MANY_ENTRIES] = {"READ_TOO_MANY_ENTRIES", "压缩包内部件过多"},
    [D25_E_PART_TOO_BIG] = {"READ_PART_TOO_BIG", "部件解压后超过大小上限（疑似压缩炸弹）"},
    [D25_E_ZIP_RATIO] = {"READ_ZIP_RATIO", "部件压缩比异常（疑似压缩炸弹）"},
    [D25_E_TOTAL_TOO_BIG] = {"READ_TOTAL_TOO_BIG", "全部部件解压后总量超过上限"},
    [D25_E_TEXT_LIMIT] = {"READ_TEXT_LIMIT", "读出的文字总量超过上限"},
    [D25_E_CELL_LIMIT] = {"READ_CELL_LIMIT", "单元格数量超过上限"},
    [D25_E_NO_MAIN_PART] = {"READ_NO_MAIN_PART", "找不到文档主体部件"},
    [D25_E_MISSING_PART] = {"READ_MISSING_PART", "缺少被引用的部件"},
    [D25_E_XML] = {"READ_XML", "XML 内容格式错误"},
    [D25_E_XML_DTD] = {"READ_XML_DTD", "XML 含文档类型或实体声明（已拒绝）"},
    [D25_E_XML_DEPTH] = {"READ_XML_DEPTH", "XML 嵌套层数超过上限"},
    [D25_E_USAGE] = {"USAGE", "命令用法错误"},
    [D25_E_CONFIG] = {"CONFIG", "配置错误"},
    [D25_E_DB] = {"DB", "数据库无法打开、读取或写入"},
    [D25_E_LOCKED] = {"LOCKED", "另一个 duty25 进程正在写入数据库"},
    [D25_E_TEMPLATE] = {"TEMPLATE", "报告模板无法读取或标签有误"},
    [D25_E_PKG_EDITION] = {"PACKAGE_EDITION", "数据包属于另一个规则版本"},
    [D25_E_PKG_FORMAT] = {"PACKAGE_FORMAT", "数据包由旧版 duty25 导出，需重新导出"},
    [D25_E_PKG_LEVEL] = {"PACKAGE_LEVEL", "数据包来自不该由本级汇总的一级"},
    [D25_E_PKG_HASH] = {"PACKAGE_HASH", "数据包内容与校验值不符"},
};

const char *d25_code_name(d25_code code)
{
    if ((unsigned)code >= D25_E_COUNT_)
        return "UNKNOWN";
    return codes[code].name;
}

const char *d25_code_summary(d25_code code)
{
    if ((unsigned)code >= D25_E_COUNT_)
        return "未知错误";
    return codes[code].summary;
}

int d25_fail(d25_error *err, d25_code code, const char *fmt, ...)
{
    if (!err)
        return -1;
    /* The first error wins: later ones are usually consequences of it. */
    if (err->code != D25_OK)
        return -1;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    d25_utf8_trim_tail(err->message);
    return -1;
}

void d25_error_prefix(d25_error *err, const char *prefix)
{
    char tmp[sizeof err->message];
    snprintf(tmp, sizeof tmp, "%s%s", prefix, err->message);
    memcpy(err->message, tmp, sizeof tmp);
    d25_utf8_trim_tail(err->message);
}

void d25_error_clear(d25_error *err)
{
    err->code = D25_OK;
    err->message[0] = '\0';
}
