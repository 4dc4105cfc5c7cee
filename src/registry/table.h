/*
 * table: the unit registry as rows of text cells, before any column has a
 * meaning; internal to src/registry.  csv.c fills one from a text file
 * (comma- or tab-separated, in any encoding decode.h accepts), sheet.c from
 * a worksheet of an XLSX workbook; units.c finds the header row in it and
 * turns the rows below into units.  Messages about a row name it by
 * `where` and the row's line: "units.csv 第 5 行" or
 * "units.xlsx 工作表“单位名册”第 5 行".
 *
 * Ownership: the table owns every row, cell, type string and `where`;
 * d25_regtable_free() releases them (safe on a zeroed table).  `encoding`
 * points to a static string.
 */
#ifndef D25_REGISTRY_TABLE_H
#define D25_REGISTRY_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/error.h"

typedef struct {
    char **cells;   /* ncells UTF-8 strings; cells[i] is column i (A = 0) */
    char *types;    /* sheets: ncells cell types ('s' text, 'n' number, 'b',
                       'd' date, 'e' error, 0 empty); NULL for text files */
    size_t ncells;
    int line;       /* text: the line where the record starts; sheet: the row */
} d25_regrow;

typedef struct {
    d25_regrow *rows;    /* non-empty rows in file order */
    size_t n, cap;
    char *where;         /* for messages, followed directly by "第 N 行":
                            "units.csv " or "units.xlsx 工作表“单位名册”" */
    const char *encoding;/* "UTF-8", "UTF-16LE", "UTF-16BE", "GB18030" or "XLSX" */
    bool bom;            /* a text file that began with a byte-order mark */
    bool sheet;          /* rows are worksheet rows: messages may name cells */
    bool date1904;       /* the workbook counts dates from 1904 */
    char *sheet_name;    /* the worksheet read, or NULL */
    const char *what;    /* set by the caller before reading: what the file is, for
                            messages ("单位名册", the default, or "收件登记") */
} d25_regtable;

/* What a table's messages call its file. */
#define D25_REGTABLE_WHAT(t) ((t)->what ? (t)->what : "单位名册")

/* Text file (data, len bytes) at path into t.  -1 with err set (CONFIG,
 * naming the file and the line) when it cannot be decoded or parsed. */
int d25_regtable_from_text(const char *path, const char *data, size_t len, d25_regtable *t, d25_error *err);
/* Workbook (or a file whose first bytes say it is an Office container)
 * into t: the sheet named 单位名册, else the first visible worksheet. */
int d25_regtable_from_xlsx(const char *path, const char *data, size_t len, d25_regtable *t, d25_error *err);
/* The file at path (at most max_bytes) into t, as a workbook when it begins
 * like an Office container or another binary document (which the workbook
 * reader names and refuses), else as text; t->what names it in messages.
 * -1 with err set (CONFIG: missing, unreadable, too big, empty, or as the
 * two readers above refuse it). */
int d25_regtable_read(const char *path, size_t max_bytes, d25_regtable *t, d25_error *err);
/* Append an empty row for line; NULL when out of memory. */
d25_regrow *d25_regtable_add(d25_regtable *t, int line);
/* Set cell col of row to a copy of s[0..n) of the given type; -1 out of memory. */
int d25_regrow_set(d25_regrow *r, size_t col, const char *s, size_t n, char type);
/* Free a row's cells once read (the row stays, empty, with its line), so
 * that a table need not be held whole beside what is made of it. */
void d25_regrow_release(d25_regrow *r);
/* Remove the last row (a blank one). */
void d25_regtable_drop_last(d25_regtable *t);
void d25_regtable_free(d25_regtable *t);

/* What to tell the office after a problem: how to save the registry. */
#define D25_REG_SAVE_ADVICE                                                                         \
    "请用 Excel 或 WPS 表格打开名册，另存为“CSV UTF-8（逗号分隔）(*.csv)”，"                  \
    "或直接保存为 Excel 工作簿（*.xlsx，并在 duty25.ini 中写 units = 文件名.xlsx）"

#endif
