/*
 * xlsxout/book: a libxlsxwriter workbook written atomically, for every
 * workbook duty25 writes (the statistical workbook, the blank forms).
 *
 * Ownership: begin() returns the workbook and a malloc'd temporary path;
 * finish() closes the workbook, renames or removes the file and frees the
 * path, whatever happens.
 */
#ifndef D25_XLSXOUT_BOOK_H
#define D25_XLSXOUT_BOOK_H

#include <stdbool.h>
#include <xlsxwriter.h>

#include "../util/error.h"

/* Any workbook written atomically: begin() opens one on a temporary file
 * beside path (*tmp, malloc'd; constant_memory when rows are written in
 * order), finish() closes it and renames it into place, or removes it on
 * failure, and frees *tmp.  NULL / -1 with err set. */
lxw_workbook *d25_xlsx_begin(const char *path, bool constant_memory, char **tmp, d25_error *err);
int d25_xlsx_finish(lxw_workbook *wb, char *tmp, const char *path, d25_error *err);
/* The same begun before path's folder exists (a workbook written while the
 * figures are read), and finished in two steps: written checks the folder
 * (nothing is written when it is missing or read-only), closes the
 * workbook into *tmp and frees the workbook (-1 with err set: tmp
 * removed); commit then renames tmp to path (keep) or removes it, and
 * frees tmp (-1 with err set when the rename fails). */
lxw_workbook *d25_xlsx_begin_early(const char *path, bool constant_memory, char **tmp, d25_error *err);
int d25_xlsx_written(lxw_workbook *wb, const char *tmp, const char *path, d25_error *err);
int d25_xlsx_commit(char *tmp, const char *path, bool keep, d25_error *err);
/* Gives up a workbook begun and not finished: nothing was written; frees *tmp. */
void d25_xlsx_discard(lxw_workbook *wb, char *tmp);

/* libxlsxwriter names its temporary files (a constant-memory sheet's rows,
 * each part while a workbook is closed) from a static seed it does not
 * lock: workbooks on different threads (the district's workbook and the
 * risk report's chart data) take turns at these calls.  Every sheet is
 * added with d25_xlsx_add_sheet; d25_xlsx_finish closes under the lock; a
 * workbook not begun here takes it itself (d25_xlsx_lock/unlock). */
lxw_worksheet *d25_xlsx_add_sheet(lxw_workbook *wb, const char *name);
void d25_xlsx_lock(void);
void d25_xlsx_unlock(void);

#endif
