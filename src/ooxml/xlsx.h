/*
 * xlsx: reads a workbook (SpreadsheetML, Transitional or Strict) into sheets
 * of text cells.  Sheets come in workbook order with their names and
 * visibility; each non-empty cell has its 1-based row and column, a type
 * (s text, n number, b boolean, d date/time, e error) and its value as text
 * (see numfmt.h).  Merged ranges are listed per sheet.  Parts are streamed
 * (xml.h); shared strings are stored once and shared by the cells that use
 * them, while the sum of all cell texts is bounded by max_text_bytes.
 *
 * Ownership: the d25_book and everything it points to belong to it and are
 * released by d25_book_free().
 */
#ifndef D25_OOXML_XLSX_H
#define D25_OOXML_XLSX_H

#include <stdbool.h>
#include <stdint.h>

#include "package.h"
#include "../util/buf.h"

typedef struct {
    uint32_t row, col;  /* 1-based */
    char type;          /* 's', 'n', 'b', 'd', 'e' */
    uint32_t len;       /* bytes of text */
    const char *text;   /* NUL-terminated, owned by the book */
} d25_xcell;

typedef struct {
    uint32_t r1, c1, r2, c2; /* 1-based, inclusive */
} d25_range;

typedef struct {
    char *name;
    const char *state;  /* "visible", "hidden", "veryHidden" */
    const char *kind;   /* "worksheet", "chartsheet", "dialogsheet", "macrosheet" */
    d25_xcell *cells;
    size_t ncells, cap;
    d25_range *merged;
    size_t nmerged, mcap;
} d25_sheet;

typedef struct {
    d25_sheet *sheets;
    size_t nsheets, cap;
    bool date1904;
    d25_arena arena;     /* cell and shared-string texts */
    size_t text_bytes;   /* sum of cell text lengths (the bounded quantity) */
    size_t total_cells;
} d25_book;

/* Read the workbook whose main part the package found; NULL on error. */
d25_book *d25_xlsx_read(d25_pkg *pkg, d25_error *err);
void d25_book_free(d25_book *book);

/* "A1" style reference for row/col (1-based) into out (at least 16 bytes). */
void d25_cell_ref(uint32_t row, uint32_t col, char *out);
/* Parse "B7" into row/col; false if not a reference. */
bool d25_parse_ref(const char *ref, uint32_t *row, uint32_t *col);

#endif
