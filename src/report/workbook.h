/*
 * report/workbook: the statistical tables as an Excel workbook (libxlsxwriter), for
 * the office's own sorting and filtering: one sheet each for submissions,
 * compliance per sub-item, the consolidated progress table (with a district
 * total row), hazards by type and area, and the enforcement list.  Numbers
 * are numbers and rates are percentages, not text.
 *
 * Ownership: reads the data tree (data.h, tree.h) and the parts handed
 * over (released at close); writes path through a temporary file renamed
 * into place.
 */
#ifndef D25_REPORT_WORKBOOK_H
#define D25_REPORT_WORKBOOK_H

#include <jansson.h>
#include <xlsxwriter.h>

#include "../util/error.h"
#include "../docxfill/tree.h"
#include "data.h"

/* The workbook of data at path: 0, or -1 with err set. */
int d25_report_xlsx(const d25_tree *data, const char *path, d25_error *err);

/* The same written alongside the figures (data.h, d25_report_data_watched):
 * started first, on a thread of its own, it writes each long list as the
 * figures hand it over, then the rest once it is given the whole tree.
 *
 *     d25_report_book *b = d25_report_book_start(path, err);
 *     d25_tree *t = d25_report_data_watched(..., d25_report_book_watch(b), err);
 *     d25_report_book_give(b, t);          // NULL when the figures failed
 *     ... (the documents, meanwhile)
 *     rc = d25_report_book_close(b, err);   // waits; frees b
 *
 * give() returns at once; close() returns 0 with path written, or -1: with
 * err set when a tree was given, else (given up, nothing written) err
 * untouched.  The tree, and the registry its lists borrow from, must
 * outlive close(). */
typedef struct d25_report_book d25_report_book;
d25_report_book *d25_report_book_start(const char *path, d25_error *err);
const d25_report_watch *d25_report_book_watch(d25_report_book *b);
void d25_report_book_give(d25_report_book *b, const d25_tree *data);
int d25_report_book_close(d25_report_book *b, d25_error *err);

#endif
