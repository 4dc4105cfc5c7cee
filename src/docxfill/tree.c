/* tree: a JSON tree with lists of flat rows (see tree.h). */
#include "tree.h"

#include <stdlib.h>
#include <string.h>

d25_tree *d25_tree_new(json_t *root)
{
    d25_tree *t = root ? calloc(1, sizeof *t) : NULL;
    if (!t) {
        json_decref(root);
        return NULL;
    }
    t->root = root;
    return t;
}

d25_rows *d25_rows_ref(d25_rows *r)
{
    if (r)
        __atomic_add_fetch(&r->refs, 1, __ATOMIC_RELAXED);
    return r;
}

void d25_rows_free(d25_rows *r)
{
    /* The last holder frees; its reads happened before the others' drops. */
    if (!r || __atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) >= 0)
        return;
    for (size_t c = 0; c < r->ncols; c++)
        free(r->cols[c]);
    free(r->cols);
    free(r->cells);
    d25_arena_free(&r->strings);
    free(r->name);
    free(r);
}

void d25_tree_free(d25_tree *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nlists; i++)
        d25_rows_free(t->lists[i]);
    free(t->lists);
    json_decref(t->root);
    free(t);
}

d25_rows *d25_rows_new(const char *name, const char *const *cols, size_t ncols)
{
    d25_rows *r = calloc(1, sizeof *r);
    if (!r || !(r->name = strdup(name)) || !(r->cols = calloc(ncols + 1, sizeof *r->cols))) {
        d25_rows_free(r);
        return NULL;
    }
    for (; r->ncols < ncols; r->ncols++)
        if (!(r->cols[r->ncols] = strdup(cols[r->ncols]))) {
            d25_rows_free(r);
            return NULL;
        }
    return r;
}

int d25_tree_add(d25_tree *t, d25_rows *r)
{
    /* The key keeps its place in the root's order (--dump-data). */
    if (!r || d25_grow((void **)&t->lists, &t->cap, t->nlists + 1, sizeof *t->lists) < 0 ||
        json_object_set_new(t->root, r->name, json_null()) < 0) {
        d25_rows_free(r);
        return -1;
    }
    t->lists[t->nlists++] = r;
    return 0;
}

d25_rows *d25_tree_list(d25_tree *t, const char *name, const char *const *cols, size_t ncols)
{
    d25_rows *r = d25_rows_new(name, cols, ncols);
    return d25_tree_add(t, r) < 0 ? NULL : r;
}

const d25_rows *d25_tree_find(const d25_tree *t, const char *name)
{
    for (size_t i = 0; t && i < t->nlists; i++)
        if (strcmp(t->lists[i]->name, name) == 0)
            return t->lists[i];
    return NULL;
}

int d25_rows_reserve(d25_rows *r, size_t n)
{
    if (!r->ncols) /* nothing to hold (d25_rows_add) */
        return 0;
    if (n > SIZE_MAX / sizeof(d25_cell) / r->ncols)
        return -1;
    if (n * r->ncols <= r->cap)
        return 0;
    d25_cell *c = realloc(r->cells, n * r->ncols * sizeof *c);
    if (!c)
        return -1;
    r->cells = c;
    r->cap = n * r->ncols;
    return 0;
}

d25_cell *d25_rows_add(d25_rows *r)
{
    if (!r->ncols) { /* rows without columns: counted, nothing to hold */
        static d25_cell nothing;
        r->n++;
        return &nothing;
    }
    if (r->n == SIZE_MAX / r->ncols ||
        d25_grow((void **)&r->cells, &r->cap, (r->n + 1) * r->ncols, sizeof *r->cells) < 0)
        return NULL;
    d25_cell *row = r->cells + r->n * r->ncols;
    memset(row, 0, r->ncols * sizeof *row);
    r->n++;
    return row;
}

int d25_rows_col(const d25_rows *r, const char *name, size_t *hint)
{
    size_t h = hint && *hint < r->ncols ? *hint : 0;
    for (size_t k = 0; k < r->ncols; k++) {
        size_t c = (h + k) % r->ncols;
        if (strcmp(r->cols[c], name) == 0) {
            if (hint)
                *hint = c + 1;
            return (int)c;
        }
    }
    return -1;
}

int d25_cell_str(d25_rows *r, d25_cell *c, const char *s)
{
    if (!s) {
        c->kind = D25_CELL_NULL;
        return 0;
    }
    const char *copy = d25_arena_strndup(&r->strings, s, strlen(s));
    if (!copy)
        return -1;
    c->kind = D25_CELL_STR;
    c->v.s = copy;
    return 0;
}

json_t *d25_cell_json(const d25_cell *c)
{
    switch (c->kind) {
    case D25_CELL_INT: return json_integer(c->v.i);
    case D25_CELL_REAL: return json_real(c->v.d);
    case D25_CELL_STR: return json_string(c->v.s);
    case D25_CELL_BOOL: return json_boolean(c->v.b);
    case D25_CELL_NULL: break;
    }
    return json_null();
}

json_t *d25_rows_object(const d25_rows *r, size_t i)
{
    json_t *o = json_object();
    const d25_cell *row = d25_rows_row(r, i);
    for (size_t c = 0; o && c < r->ncols; c++)
        if (json_object_set_new(o, r->cols[c], d25_cell_json(&row[c])) < 0) {
            json_decref(o);
            return NULL;
        }
    return o;
}

json_t *d25_tree_json(const d25_tree *t)
{
    json_t *all = json_copy(t->root); /* shallow: the values are shared */
    for (size_t i = 0; all && i < t->nlists; i++) {
        const d25_rows *r = t->lists[i];
        json_t *arr = json_array();
        for (size_t k = 0; arr && k < r->n; k++)
            if (json_array_append_new(arr, d25_rows_object(r, k)) < 0) {
                json_decref(arr);
                arr = NULL;
            }
        if (!arr || json_object_set_new(all, r->name, arr) < 0) {
            json_decref(all);
            all = NULL;
        }
    }
    return all;
}
