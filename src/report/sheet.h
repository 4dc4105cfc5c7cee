/*
 * report/sheet: what the district's workbook (workbook.c) and the city's
 * (citybook.c) share, internal to src/report: their cell formats, the
 * printed page (A4 landscape, one page wide, repeated header row and name
 * column, the title in the page header, page numbers in the footer), the
 * header row, "=SUM(...)" over a column, and a JSON or tree value written
 * as a number, a date or text.
 *
 * Ownership: the formats belong to the workbook (libxlsxwriter frees them
 * with it); nothing else is kept.
 */
#ifndef D25_REPORT_SHEET_H
#define D25_REPORT_SHEET_H

#include <jansson.h>
#include <stddef.h>
#include <xlsxwriter.h>

#include "../docxfill/tree.h"

typedef struct {
    lxw_format *head, *pct, *bold, *date, *bold_pct, *flagged;
    char title[160]; /* the bureau and the month, for the printed pages' header */
} d25_sheet_formats;

/* The formats of wb (the title empty). */
void d25_sheet_formats_init(lxw_workbook *wb, d25_sheet_formats *f);
/* The title from the data's district and period_cn (before the print setup). */
void d25_sheet_formats_title(d25_sheet_formats *f, const json_t *root);
/* Printed: A4 landscape, one page wide, the header row (row 0) and the
 * name column (when name_col >= 0) repeated on every page, the sheet's
 * title in the page header and "第 N 页，共 M 页" in the footer. */
void d25_sheet_print_setup(lxw_worksheet *ws, const d25_sheet_formats *f, const char *sheet, int name_col);
/* Row 0: the NULL-terminated column names, with their widths; frozen below. */
void d25_sheet_header(lxw_worksheet *ws, const d25_sheet_formats *f, const char *const *cols, const double *widths);
/* "=SUM(D2:D41)" over rows [first, last] (0-based) of column c. */
void d25_sheet_sum_formula(char *out, size_t n, lxw_col_t c, lxw_row_t first, lxw_row_t last);
/* A value: numbers as numbers, text as text, null as empty. */
void d25_sheet_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const d25_cell *x, lxw_format *fmt);
/* A date and time "YYYY-MM-DD HH:MM[:SS]" as an Excel date (format date);
 * other text as text. */
void d25_sheet_when(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const d25_cell *x, lxw_format *date);
void d25_sheet_json(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const json_t *v, lxw_format *fmt);
/* A rate vnum / vden of columns num / den of row r as a formula ("" when
 * den is 0), its value cached. */
void d25_sheet_rate(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_col_t num, lxw_col_t den, long vnum, long vden,
                    lxw_format *fmt);
/* o[k] as a string, "" when it is not one. */
const char *d25_sheet_str(const json_t *o, const char *k);

#endif
