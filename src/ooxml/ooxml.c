/* ooxml: read one return, whatever it is (see ooxml.h). */
#include "ooxml.h"
#include "../util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *d25_format_name(d25_format f)
{
    return f == D25_FMT_DOCX ? "docx" : f == D25_FMT_XLSX ? "xlsx" : "unknown";
}

static d25_ooxml *finish(d25_ooxml *f, d25_pkg *pkg)
{
    if (pkg) {
        f->format = d25_pkg_format(pkg);
        f->macros = d25_pkg_has_macros(pkg);
        f->images = d25_pkg_images(pkg);
        if (f->format == D25_FMT_XLSX)
            f->book = d25_xlsx_read(pkg, &f->error);
        else if (f->format == D25_FMT_DOCX)
            f->doc = d25_docx_read(pkg, &f->error);
        d25_pkg_free(pkg);
    }
    if (f->error.code != D25_OK) {
        char prefix[600];
        snprintf(prefix, sizeof prefix, "文件「%s」：", d25_basename(f->path));
        d25_error_prefix(&f->error, prefix);
    }
    return f;
}

static d25_ooxml *new_result(const char *name)
{
    d25_ooxml *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->path = d25_utf8_sanitize(name ? name : "", strlen(name ? name : ""));
    if (!f->path) {
        free(f);
        return NULL;
    }
    return f;
}

d25_ooxml *d25_ooxml_read_path(const char *path, const d25_limits *lim)
{
    d25_ooxml *f = new_result(path);
    if (!f)
        return NULL;
    return finish(f, d25_pkg_open_path(path, lim, &f->error));
}

d25_ooxml *d25_ooxml_read_buffer(const void *data, size_t len, const char *name, const d25_limits *lim)
{
    d25_ooxml *f = new_result(name);
    if (!f)
        return NULL;
    return finish(f, d25_pkg_open_buffer(data, len, name, lim, &f->error));
}

void d25_ooxml_free(d25_ooxml *f)
{
    if (!f)
        return;
    d25_book_free(f->book);
    d25_doc_free(f->doc);
    free(f->path);
    free(f);
}
