/*
 * xlsx_out: the statistical tables as an Excel workbook (libxlsxwriter), for
 * the office's own sorting and filtering: one sheet each for submissions,
 * compliance per sub-item, the consolidated progress table (with a district
 * total row), hazards by type and area, and the enforcement list.  Numbers
 * are numbers and rates are percentages, not text.
 *
 * Ownership: reads the data tree (data.h); writes path through a temporary
 * file renamed into place.
 */
#ifndef D25_REPORT_XLSX_OUT_H
#define D25_REPORT_XLSX_OUT_H

#include <jansson.h>

#include "../util/error.h"

int d25_report_xlsx(const json_t *data, const char *path, d25_error *err);

#endif
