/*
 * report/citybook: a city's (or province's) statistical workbook, from its
 * report data (city.h, d25_report_city_data), for the office's own sorting
 * and filtering: one sheet each for the districts' submissions and whether
 * each district's package for the month came (各区报送情况), their
 * compliance in total and by duty (各区落实情况), their hazards and
 * rectification (各区隐患整改), and the city's riskiest units with their
 * districts (风险较大单位).  A row per district; at a province the
 * districts are CITY/DISTRICT and get a 市 column.  Numbers are numbers,
 * rates percentages, and each sheet ends with the city's total row as
 * formulas over the district rows (with the city's values cached).
 * Printed like the district's workbook (report/sheet.h).
 *
 * Ownership: reads the tree only; writes path through a temporary file
 * renamed into place (xlsxout/book.h).
 */
#ifndef D25_REPORT_CITYBOOK_H
#define D25_REPORT_CITYBOOK_H

#include "../docxfill/tree.h"
#include "../util/error.h"

/* 0, or -1 with err set (nothing left at path then). */
int d25_report_city_xlsx(const d25_tree *data, const char *path, d25_error *err);

#endif
