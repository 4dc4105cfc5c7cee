/* table: rows of text cells, the registry before its columns mean anything
 * (see table.h). */
#include "table.h"
#include "../util/syserr.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
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

void d25_regrow_release(d25_regrow *r)
{
    row_free(r);
    r->cells = NULL;
    r->types = NULL;
    r->ncells = 0;
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

/* Does the file begin like an Office container or another binary document
 * format (which the workbook reader recognises and names), not like text? */
static bool container(const unsigned char *d, size_t n)
{
    static const unsigned char cfb[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    return (n >= 4 && memcmp(d, "PK", 2) == 0 && ((d[2] == 3 && d[3] == 4) || (d[2] == 5 && d[3] == 6))) ||
           (n >= 8 && memcmp(d, cfb, 8) == 0) || (n >= 5 && memcmp(d, "%PDF-", 5) == 0) ||
           (n >= 5 && memcmp(d, "{\\rtf", 5) == 0);
}

int d25_regtable_read(const char *path, size_t max_bytes, d25_regtable *t, d25_error *err)
{
    const char *what = D25_REGTABLE_WHAT(t);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return d25_fail(err, D25_E_CONFIG, "%s %s 无法打开：%s", what, path, d25_strerror(errno));
    d25_buf data = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (data.len + got > max_bytes || d25_buf_append(&data, chunk, got) < 0) {
            fclose(fp);
            d25_buf_free(&data);
            return d25_fail(err, D25_E_CONFIG, "%s %s 过大或内存不足", what, path);
        }
    }
    bool read_error = ferror(fp);
    fclose(fp);
    if (read_error) {
        d25_buf_free(&data);
        return d25_fail(err, D25_E_CONFIG, "%s %s 读取出错", what, path);
    }
    if (data.len == 0)
        return d25_fail(err, D25_E_CONFIG, "%s %s 是空文件（0 字节）", what, path);
    int rc = container((const unsigned char *)data.data, data.len) ? d25_regtable_from_xlsx(path, data.data, data.len, t, err)
                                                                    : d25_regtable_from_text(path, data.data, data.len, t, err);
    d25_buf_free(&data);
    return rc;
}
