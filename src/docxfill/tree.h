/*
 * tree: the data a template is filled from.  A JSON tree (jansson) whose
 * long lists, those with a row per unit, are kept as lists of flat rows
 * instead of arrays of JSON objects: each column is named once, each cell is
 * a scalar of 16 bytes, and strings are copied into the list's arena (or
 * borrowed).  A district of 10,000 units would otherwise be a million small
 * JSON values, built, looked up by hash and freed one by one.
 *
 * To a template, and in `--dump-data`, a list is an array of objects at its
 * key in the root, in the order the key was first set: d25_tree_json()
 * builds that JSON when it is wanted whole.
 *
 * Ownership: the tree owns its root and its lists; a list owns the strings
 * set with d25_cell_str (a cell copied into another list of the same tree
 * may point at them); those set with d25_cell_borrow are the caller's, and
 * must outlive the tree.  Column names are copied.  Cells stay at their
 * address only until the next d25_rows_add on the same list.
 *
 * A finished list can be shared with another thread that reads it while
 * the tree is still being built (the workbook, report/workbook.h): each
 * holder takes a reference (d25_rows_ref) and drops it (d25_rows_free);
 * the list is freed with the last.  Nobody changes a shared list.
 */
#ifndef D25_DOCXFILL_TREE_H
#define D25_DOCXFILL_TREE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "../util/buf.h"

typedef enum { D25_CELL_NULL, D25_CELL_INT, D25_CELL_REAL, D25_CELL_STR, D25_CELL_BOOL } d25_cell_kind;

typedef struct {
    d25_cell_kind kind;
    union {
        long long i;
        double d;
        const char *s; /* in a list's arena, or borrowed */
        bool b;
    } v;
} d25_cell;

typedef struct {
    char *name;          /* its key in the root */
    char **cols;         /* column names */
    size_t ncols;
    d25_cell *cells;     /* row r, column c: cells[r * ncols + c] */
    size_t n, cap;       /* rows; cap in cells */
    d25_arena strings;   /* what d25_cell_str copied */
    int refs;            /* holders besides the first (atomic) */
} d25_rows;

typedef struct {
    json_t *root;        /* a JSON object: everything but the lists (each has a null at its key) */
    d25_rows **lists;
    size_t nlists, cap;
} d25_tree;

/* A tree around root (which it takes over); NULL out of memory (root is
 * then released). */
d25_tree *d25_tree_new(json_t *root);
void d25_tree_free(d25_tree *t);

/* A new empty list at key name of the root.  NULL out of memory. */
d25_rows *d25_tree_list(d25_tree *t, const char *name, const char *const *cols, size_t ncols);
/* The same in two steps, for a list filled before its key's place in the
 * root comes: a list of its own (d25_rows_free), then handed to the tree,
 * which takes it over (and frees it when it cannot: -1). */
d25_rows *d25_rows_new(const char *name, const char *const *cols, size_t ncols);
/* Drops a reference: the last frees the list. */
void d25_rows_free(d25_rows *r);
/* One more holder of a finished list (r itself). */
d25_rows *d25_rows_ref(d25_rows *r);
int d25_tree_add(d25_tree *t, d25_rows *r);
/* The list at key name, or NULL. */
const d25_rows *d25_tree_find(const d25_tree *t, const char *name);

/* Room for n rows in all (when the count is known: no growing by
 * doubling).  -1 out of memory. */
int d25_rows_reserve(d25_rows *r, size_t n);
/* A new row of null cells at the end of the list; NULL out of memory. */
d25_cell *d25_rows_add(d25_rows *r);
static inline const d25_cell *d25_rows_row(const d25_rows *r, size_t i)
{
    return r->cells + i * r->ncols;
}
/* The column named name (tried first at *hint, which is left just past the
 * column found, as lookups mostly go left to right), or -1. */
int d25_rows_col(const d25_rows *r, const char *name, size_t *hint);

/* Setting cells: strings are copied into the list's arena (NULL sets a
 * null cell).  -1 out of memory.  Lists share nothing: different threads
 * may fill different lists of one tree. */
int d25_cell_str(d25_rows *r, d25_cell *c, const char *s);
/* A string that outlives the tree (a static label, or one the caller
 * keeps until the tree is freed): not copied. */
static inline void d25_cell_borrow(d25_cell *c, const char *s)
{
    c->kind = s ? D25_CELL_STR : D25_CELL_NULL;
    c->v.s = s;
}
static inline void d25_cell_int(d25_cell *c, long long v)
{
    c->kind = D25_CELL_INT;
    c->v.i = v;
}
static inline void d25_cell_real(d25_cell *c, double v)
{
    c->kind = D25_CELL_REAL;
    c->v.d = v;
}

/* A cell as JSON (a new reference); the row as a JSON object. */
json_t *d25_cell_json(const d25_cell *c);
json_t *d25_rows_object(const d25_rows *r, size_t i);

/* The whole tree as one JSON value, lists in place (a new reference; it
 * shares the root's values).  NULL out of memory. */
json_t *d25_tree_json(const d25_tree *t);

#endif
