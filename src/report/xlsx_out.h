/*
 * xlsx_out: the statistical tables as an Excel workbook (libxlsxwriter), for
 * the office's own sorting and filtering: one sheet each for submissions,
 * compliance per sub-item, the consolidated progress table (with a district
 * total row), hazards by type and area, and the enforcement list.  Numbers
 * are numbers and rates are percentages, not text.
 *
 * Ownership: reads the data tree (data.h, tree.h); writes path through a temporary
 * file renamed into place.
 */
#ifndef D25_REPORT_XLSX_OUT_H
#define D25_REPORT_XLSX_OUT_H

#include <jansson.h>
#include <stdbool.h>
#include <xlsxwriter.h>

#include "../util/error.h"
#include "tree.h"

int d25_report_xlsx(const d25_tree *data, const char *path, d25_error *err);

/* Any workbook written atomically: begin() opens one on a temporary file
 * beside path (*tmp, malloc'd; constant_memory when rows are written in
 * order), finish() closes it and renames it into place, or removes it on
 * failure, and frees *tmp.  NULL / -1 with err set. */
lxw_workbook *d25_xlsx_begin(const char *path, bool constant_memory, char **tmp, d25_error *err);
int d25_xlsx_finish(lxw_workbook *wb, char *tmp, const char *path, d25_error *err);

#endif
