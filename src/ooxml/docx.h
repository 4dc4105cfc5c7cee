/*
 * docx: reads a Word document (WordprocessingML, Transitional or Strict) into
 * its tables and body paragraphs, in document order.
 *
 * Tables: every w:tbl, nested ones included (a nested table records its
 * parent table, row and cell); each row lists its physical cells (w:tc) with
 * the grid column where the cell starts (after w:gridBefore), its span
 * (w:gridSpan) and, for the continuation of a vertical (w:vMerge) or legacy
 * horizontal (w:hMerge) merge, the grid position of the cell it continues.
 * Cell text joins runs; w:tab is "\t", w:br/w:cr are "\n", paragraphs are
 * joined by "\n"; nested tables' text is not part of the parent cell.
 * Content controls (w:sdt) are read through and their tag/alias/kind kept;
 * inserted text is kept, deleted (w:del, w:moveFrom) dropped; field results
 * are kept, field codes dropped; mc:Fallback is skipped (mc:Choice read).
 * Struck-through text (w:strike, w:dstrike) keeps its characters, each
 * followed by U+0336, so a crossed-out choice is told from a kept one.
 * Checkboxes: w14:checkbox state, legacy FORMCHECKBOX fields, and the glyphs
 * ☑ ☒ ☐ □ (also as Wingdings / Wingdings 2 symbols, which become those
 * Unicode glyphs in the text) make a cell or paragraph checked true/false.
 *
 * Ownership: everything belongs to the d25_doc; d25_doc_free() releases it.
 */
#ifndef D25_OOXML_DOCX_H
#define D25_OOXML_DOCX_H

#include <stddef.h>

#include "package.h"

typedef struct {
    char *tag;    /* w:tag, may be NULL */
    char *alias;  /* w:alias, may be NULL */
    const char *kind; /* "text", "richtext", "checkbox", "date", "dropdown",
                         "combobox", "picture", "other" */
    int checked;  /* checkbox: 0/1; otherwise -1 */
} d25_control;

typedef struct {
    d25_control *v;
    size_t n, cap;
} d25_controls;

typedef struct {
    char *text;
    int col;        /* grid column where the cell starts (0-based) */
    int span;       /* grid columns covered */
    int mrow, mcol; /* origin of the merge this cell continues, or -1 */
    int checked;    /* -1 no checkbox, 0 unchecked, 1 checked */
    d25_controls controls;
} d25_dcell;

typedef struct {
    d25_dcell *cells;
    size_t n, cap;
} d25_drow;

typedef struct {
    d25_drow *rows;
    size_t nrows, cap;
    int ncols;              /* grid width: max of w:tblGrid and the rows */
    int parent, prow, pcol; /* enclosing table/row/cell index, or -1 */
} d25_table;

typedef struct {
    char *text;
    int tables_before; /* top-level tables that precede this paragraph */
    int checked;
    d25_controls controls;
} d25_para;

typedef struct {
    d25_table *tables;
    size_t ntables, tcap;
    d25_para *paras;
    size_t nparas, pcap;
} d25_doc;

d25_doc *d25_docx_read(d25_pkg *pkg, d25_error *err);
void d25_doc_free(d25_doc *doc);

#endif
