/*
 * grid: one rectangular view of a table, whichever program wrote it, so that
 * the form recognisers (checklist.c, progress.c) never care whether a table
 * came from Word or Excel.  A DOCX table becomes a grid of its grid columns
 * (a cell spanning several columns covers them all); an XLSX sheet becomes a
 * grid of its used range.  A cell covered by a merge (vertical or horizontal)
 * records the cell it continues.  Places name cells the way users see them:
 * "清单!E14" for a sheet, "表格2 第5行第6列" for a Word table.
 *
 * Also "lines": every paragraph, table row and sheet row as one text with
 * its place, for finding the signature block, the unit and the period.
 *
 * Ownership: a d25_grids owns its grids and line texts; cell texts point
 * into the d25_doc / d25_book they were made from, which must outlive them.
 */
#ifndef D25_FORMS_GRID_H
#define D25_FORMS_GRID_H

#include <stdbool.h>
#include <stdint.h>

#include "../ooxml/docx.h"
#include "../ooxml/xlsx.h"

typedef struct {
    const char *text;   /* "" when empty or covered */
    int orow, ocol;     /* origin of the merge covering it, or -1 */
} d25_gcell;

typedef struct {
    char *name;         /* sheet name, or "表格N" */
    bool sheet;
    uint32_t nrows, ncols;
    d25_gcell *cells;   /* nrows * ncols */
} d25_grid;

typedef struct {
    char *text;
    char place[96];
} d25_line;

typedef struct {
    d25_grid *v;
    size_t n;
    d25_line *lines;
    size_t nlines;
} d25_grids;

/* 0, or -1 when out of memory.  Sheets larger than the limits inside
 * grid.c are cut to them (forms are small). */
int d25_grids_from_doc(const d25_doc *doc, d25_grids *out);
int d25_grids_from_book(const d25_book *book, d25_grids *out);
void d25_grids_free(d25_grids *g);

const d25_gcell *d25_grid_at(const d25_grid *g, uint32_t r, uint32_t c);
/* The text shown at r,c: the cell's own, or the merge origin's. */
const char *d25_grid_shown(const d25_grid *g, uint32_t r, uint32_t c);
/* Place of r,c (0-based) into out. */
void d25_grid_place(const d25_grid *g, uint32_t r, uint32_t c, char *out, size_t n);

#endif
