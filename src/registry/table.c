/* table: rows of text cells, the registry before its columns mean anything
 * (see table.h). */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"

d25_regrow *d25_regtable_add(d25_regtable *t, int line)
{
    if (d25_grow((void **)&t->rows, &t->cap, t->n + 1, sizeof *t->rows) < 0)
        return NULL;
    d25_regrow *r = &t->rows[t->n++];
    memset(r, 0, sizeof *r);
    r->line = line;
    return r;
}

int d25_regrow_set(d25_regrow *r, size_t col, const char *s, size_t n, char type)
{
    if (col >= r->ncells) {
        size_t want = col + 1;
        char **cells = realloc(r->cells, want * sizeof *cells);
        if (!cells)
            return -1;
        r->cells = cells;
        memset(cells + r->ncells, 0, (want - r->ncells) * sizeof *cells);
        if (type || r->types) {
            size_t had = r->types ? r->ncells : 0;
            char *types = realloc(r->types, want);
            if (!types)
                return -1;
            memset(types + had, 0, want - had);
            r->types = types;
        }
        r->ncells = want;
    } else if (type && !r->types) {
        r->types = calloc(r->ncells, 1);
        if (!r->types)
            return -1;
    }
    char *v = malloc(n + 1);
    if (!v)
        return -1;
    memcpy(v, s, n);
    v[n] = '\0';
    free(r->cells[col]);
    r->cells[col] = v;
    if (r->types)
        r->types[col] = type;
    return 0;
}

static void row_free(d25_regrow *r)
{
    for (size_t i = 0; i < r->ncells; i++)
        free(r->cells[i]);
    free(r->cells);
    free(r->types);
}

void d25_regtable_drop_last(d25_regtable *t)
{
    if (t->n)
        row_free(&t->rows[--t->n]);
}

void d25_regtable_free(d25_regtable *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        row_free(&t->rows[i]);
    free(t->rows);
    free(t->where);
    free(t->sheet_name);
    memset(t, 0, sizeof *t);
}
