/*
 * report/workbook: the statistical tables as an Excel workbook (libxlsxwriter), for
 * the office's own sorting and filtering: one sheet each for submissions,
 * compliance per sub-item, the consolidated progress table (with a district
 * total row), hazards by type and area, and the enforcement list.  Numbers
 * are numbers and rates are percentages, not text.
 *
 * Ownership: reads the data tree (data.h, tree.h); writes path through a temporary
 * file renamed into place.
 */
#ifndef D25_REPORT_WORKBOOK_H
#define D25_REPORT_WORKBOOK_H

#include <jansson.h>
#include <xlsxwriter.h>

#include "../util/error.h"
#include "../docxfill/tree.h"

int d25_report_xlsx(const d25_tree *data, const char *path, d25_error *err);

#endif
