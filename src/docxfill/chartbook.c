/* docxfill/chartbook: a chart's references and its embedded workbook (see
 * internal.h). */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "../xlsxout/book.h"
#include "../xlsxout/cell.h"

/* A reference such as Sheet1!$B$2:$B$7: the sheet, the column (0-based)
 * and the first row (1-based).  false when it is not of that shape. */
typedef struct {
    char sheet[64];
    int col, row;
} ref;

static bool parse_ref(const char *f, ref *r)
{
    const char *bang = strrchr(f, '!');
    if (!bang || bang == f || (size_t)(bang - f) >= sizeof r->sheet)
        return false;
    snprintf(r->sheet, sizeof r->sheet, "%.*s", (int)(bang - f), f);
    const char *p = bang + 1;
    if (*p == '$')
        p++;
    int col = 0, letters = 0;
    for (; *p >= 'A' && *p <= 'Z' && letters < 3; p++, letters++)
        col = col * 26 + (*p - 'A' + 1);
    if (!letters)
        return false;
    if (*p == '$')
        p++;
    char *end;
    long row = strtol(p, &end, 10);
    if (end == p || row < 1 || row > 1000000)
        return false;
    r->col = col - 1;
    r->row = (int)row;
    return true;
}

static void col_name(int col, char *out, size_t n)
{
    char tmp[8];
    int k = 0;
    for (col += 1; col > 0 && k < 7; col = (col - 1) / 26)
        tmp[k++] = (char)('A' + (col - 1) % 26);
    size_t i = 0;
    while (k > 0 && i + 1 < n)
        out[i++] = tmp[--k];
    out[i] = 0;
}

/* The reference (c:f) and cache of a c:strRef or c:numRef. */
static xmlNodePtr child_c(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (dx_is_c(c, name))
            return c;
    return NULL;
}

static size_t cache_points(xmlNodePtr cache)
{
    size_t n = 0;
    for (xmlNodePtr c = cache ? cache->children : NULL; c; c = c->next)
        n += dx_is_c(c, "pt");
    return n;
}

void dx_chart_refs(xmlNodePtr root)
{
    for (xmlNodePtr n = root; n; n = dx_next_in_doc(n, NULL)) {
        if (!(dx_is_c(n, "strRef") || dx_is_c(n, "numRef")) || !n->parent ||
            !(dx_is_c(n->parent, "cat") || dx_is_c(n->parent, "val")))
            continue;
        xmlNodePtr f = child_c(n, "f");
        xmlNodePtr cache = child_c(n, dx_is_c(n, "strRef") ? "strCache" : "numCache");
        char *text = f ? dx_text_of(f) : NULL;
        ref r;
        if (text && cache && parse_ref(text, &r)) {
            size_t np = cache_points(cache);
            char c[8], out[128];
            col_name(r.col, c, sizeof c);
            snprintf(out, sizeof out, "%s!$%s$%d:$%s$%zu", r.sheet, c, r.row, c, (size_t)r.row + (np ? np - 1 : 0));
            dx_set_text(f, out);
        }
        free(text);
    }
}

/* Every cached point of the chart's references written where they refer. */
static void write_refs(lxw_worksheet *ws, xmlNodePtr root, const char *sheet)
{
    for (xmlNodePtr n = root; n; n = dx_next_in_doc(n, NULL)) {
        if (!(dx_is_c(n, "strRef") || dx_is_c(n, "numRef")))
            continue;
        bool num = dx_is_c(n, "numRef");
        xmlNodePtr f = child_c(n, "f");
        xmlNodePtr cache = child_c(n, num ? "numCache" : "strCache");
        char *text = f ? dx_text_of(f) : NULL;
        ref r;
        if (text && cache && parse_ref(text, &r) && strcmp(r.sheet, sheet) == 0) {
            for (xmlNodePtr pt = cache->children; pt; pt = pt->next) {
                if (!dx_is_c(pt, "pt"))
                    continue;
                xmlChar *idx = xmlGetProp(pt, (const xmlChar *)"idx");
                long i = idx ? strtol((const char *)idx, NULL, 10) : 0;
                xmlFree(idx);
                xmlNodePtr v = child_c(pt, "v");
                char *val = v ? dx_text_of(v) : NULL;
                if (val && i >= 0 && i < 1000000) {
                    char *end;
                    double d = strtod(val, &end);
                    if (num && *val && !*end)
                        worksheet_write_number(ws, (lxw_row_t)(r.row - 1 + i), (lxw_col_t)r.col, d, NULL);
                    else
                        d25_xlsx_string(ws, (lxw_row_t)(r.row - 1 + i), (lxw_col_t)r.col, val, NULL);
                }
                free(val);
            }
        }
        free(text);
    }
}

int dx_chart_workbook(xmlDocPtr doc, char **bytes, size_t *len, d25_error *err)
{
    *bytes = NULL;
    *len = 0;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    /* The sheet: the one the first reference names. */
    char sheet[64] = "Sheet1";
    for (xmlNodePtr n = root; n; n = dx_next_in_doc(n, NULL))
        if (dx_is_c(n, "f")) {
            char *text = dx_text_of(n);
            ref r;
            bool ok = text && parse_ref(text, &r);
            if (ok)
                snprintf(sheet, sizeof sheet, "%s", r.sheet);
            free(text);
            if (ok)
                break;
        }
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/d25-chart-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return d25_fail(err, D25_E_IO, "无法创建临时文件 %s", path);
    close(fd);
    /* a few cells: held under the lock from start to end (xlsxout/book.h) */
    d25_xlsx_lock();
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, sheet) : NULL;
    if (!ws) {
        if (wb)
            workbook_close(wb);
        d25_xlsx_unlock();
        unlink(path);
        return d25_fail(err, D25_E_IO, "无法写出图表的数据表");
    }
    worksheet_set_column(ws, 0, 0, 24, NULL);
    write_refs(ws, root, sheet);
    int rc = workbook_close(wb) == LXW_NO_ERROR ? 0 : d25_fail(err, D25_E_IO, "无法写出图表的数据表");
    d25_xlsx_unlock();
    FILE *fp = rc == 0 ? fopen(path, "rb") : NULL;
    if (rc == 0 && !fp)
        rc = d25_fail(err, D25_E_IO, "无法读取 %s", path);
    if (fp) {
        d25_buf b = {0};
        char chunk[8192];
        size_t k;
        while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
            if (d25_buf_append(&b, chunk, k) < 0) {
                rc = d25_fail(err, D25_E_NOMEM, "内存不足");
                break;
            }
        fclose(fp);
        *len = b.len;
        *bytes = rc == 0 ? d25_buf_steal(&b) : NULL;
        d25_buf_free(&b);
    }
    unlink(path);
    return rc;
}
