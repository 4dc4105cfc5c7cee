/*
 * package: the only module that talks to libzip.  It opens an OPC package
 * (DOCX/XLSX) from a path or a buffer, refuses what is not one (with the
 * reason: legacy .doc/.xls, encrypted CFB, PDF, ODF...), indexes the entries
 * (backslash names, leading slashes and ASCII case are normalised, as OPC
 * part names are case-insensitive), finds the main part through
 * _rels/.rels, parses relationships and content types, and streams a part's
 * bytes while enforcing the inflate limits (size, ratio, total) as it goes.
 *
 * Ownership: d25_pkg_open_* return a package the caller frees with
 * d25_pkg_free().  The buffer given to d25_pkg_open_buffer() is copied.
 * Strings returned by d25_pkg_main_part()/d25_pkg_main_type() belong to the
 * package.  d25_rels arrays belong to the caller (d25_rels_free()).
 */
#ifndef D25_OOXML_PACKAGE_H
#define D25_OOXML_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "limits.h"
#include "../util/error.h"

typedef struct d25_pkg d25_pkg;

typedef enum { D25_FMT_UNKNOWN = 0, D25_FMT_DOCX, D25_FMT_XLSX } d25_format;

d25_pkg *d25_pkg_open_path(const char *path, const d25_limits *lim, d25_error *err);
d25_pkg *d25_pkg_open_buffer(const void *data, size_t len, const char *name,
                             const d25_limits *lim, d25_error *err);
void d25_pkg_free(d25_pkg *pkg);

/* Hold around every zip_open()/zip_open_from_source() made outside this
 * module: libzip before 1.9 shares state between archives while opening
 * one (nih-at/libzip#289), so two threads must not open at once. */
void d25_zip_open_lock(void);
void d25_zip_open_unlock(void);

const d25_limits *d25_pkg_limits(const d25_pkg *pkg);
/* Main document part name (no leading slash) and its content type ("" if unknown). */
const char *d25_pkg_main_part(const d25_pkg *pkg);
const char *d25_pkg_main_type(const d25_pkg *pkg);
d25_format d25_pkg_format(const d25_pkg *pkg);
/* A macro-enabled package (.docm/.xlsm or a vbaProject part): read, never run. */
bool d25_pkg_has_macros(const d25_pkg *pkg);
/* Image parts (media/ folder: png, jpg, emf ...): a seal is usually one. */
size_t d25_pkg_images(const d25_pkg *pkg);
bool d25_pkg_has_part(const d25_pkg *pkg, const char *part);
/* Inflated bytes read so far from all parts. */
size_t d25_pkg_inflated(const d25_pkg *pkg);

typedef struct {
    char *id;
    char *type;     /* full relationship type URI */
    char *target;   /* resolved part name, or the raw URI if external */
    bool external;
} d25_rel;

typedef struct {
    d25_rel *v;
    size_t n, cap;
} d25_rels;

/* Relationships of a part (NULL or "" = the package root).  A missing .rels
 * part yields an empty list, not an error. */
int d25_pkg_rels(d25_pkg *pkg, const char *source_part, d25_rels *out, d25_error *err);
void d25_rels_free(d25_rels *r);
/* The last path segment of a relationship type: "officeDocument", "worksheet"... */
const char *d25_rel_kind(const char *type);
/* First relationship of the given kind, or NULL. */
const d25_rel *d25_rels_find(const d25_rels *r, const char *kind);

/* Streaming access to one part. */
typedef struct d25_part d25_part;
/* NULL with err->code == D25_OK when the part does not exist. */
d25_part *d25_part_open(d25_pkg *pkg, const char *part, d25_error *err);
/* Read up to len bytes; 0 at the end; -1 on error (err of d25_part_open set). */
long d25_part_read(d25_part *p, char *buf, size_t len);
const char *d25_part_name(const d25_part *p);
void d25_part_close(d25_part *p);

#endif
