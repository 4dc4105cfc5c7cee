/*
 * ooxml: the one entry point the rest of duty25 uses to read a return.
 * d25_ooxml_read_path() never fails silently: the result always says which
 * file it was, its format, and either the book/doc or an error whose
 * message (Chinese) names the file and the place.
 *
 * Ownership: the caller frees the result with d25_ooxml_free().
 */
#ifndef D25_OOXML_OOXML_H
#define D25_OOXML_OOXML_H

#include <stdbool.h>

#include "docx.h"
#include "limits.h"
#include "package.h"
#include "xlsx.h"

typedef struct {
    char *path;           /* as given */
    d25_format format;    /* from content, not from the file name */
    d25_error error;      /* code D25_OK when readable */
    bool macros;          /* macro-enabled package: read, never run */
    size_t images;        /* image parts (a seal, a signature) */
    d25_book *book;       /* XLSX */
    d25_doc *doc;         /* DOCX */
} d25_ooxml;

/* NULL only when out of memory. lim NULL = defaults. */
d25_ooxml *d25_ooxml_read_path(const char *path, const d25_limits *lim);
d25_ooxml *d25_ooxml_read_buffer(const void *data, size_t len, const char *name, const d25_limits *lim);
void d25_ooxml_free(d25_ooxml *f);
const char *d25_format_name(d25_format f);

#endif
