/*
 * error: the one list of error codes duty25 reports, their stable names and
 * their Chinese explanations.
 *
 * Every function that can fail fills a caller-owned d25_error (no allocation).
 * The names returned by d25_code_name() are a public contract (JSON output,
 * docs/errors.md): never rename or reuse one; add new codes at the end.
 */
#ifndef D25_UTIL_ERROR_H
#define D25_UTIL_ERROR_H

#include <stdarg.h>

typedef enum {
    D25_OK = 0,
    D25_E_NOMEM,             /* READ_NOMEM */
    D25_E_IO,                /* READ_IO: cannot open or read the file */
    D25_E_EMPTY,             /* READ_EMPTY: zero-byte file */
    D25_E_FILE_TOO_BIG,      /* READ_FILE_TOO_BIG */
    D25_E_NOT_ZIP,           /* READ_NOT_ZIP: not a zip package at all */
    D25_E_ENCRYPTED,         /* READ_ENCRYPTED: password-protected OOXML (CFB) */
    D25_E_LEGACY_DOC,        /* READ_LEGACY_DOC: Word 97-2003 .doc */
    D25_E_LEGACY_XLS,        /* READ_LEGACY_XLS: Excel 97-2003 .xls */
    D25_E_OLE,               /* READ_OLE: other OLE/CFB container (WPS .wps/.et...) */
    D25_E_OTHER_FORMAT,      /* READ_OTHER_FORMAT: PDF, RTF, HTML, ODF, .xlsb, .pptx... */
    D25_E_LOCK_FILE,         /* READ_LOCK_FILE: Office "~$" owner file */
    D25_E_ZIP_CORRUPT,       /* READ_ZIP_CORRUPT: damaged or truncated zip */
    D25_E_TOO_MANY_ENTRIES,  /* READ_TOO_MANY_ENTRIES */
    D25_E_PART_TOO_BIG,      /* READ_PART_TOO_BIG: one part inflates past the limit */
    D25_E_ZIP_RATIO,         /* READ_ZIP_RATIO: compression ratio past the limit */
    D25_E_TOTAL_TOO_BIG,     /* READ_TOTAL_TOO_BIG: all parts together past the limit */
    D25_E_TEXT_LIMIT,        /* READ_TEXT_LIMIT: the text a read produces past the limit */
    D25_E_CELL_LIMIT,        /* READ_CELL_LIMIT: too many cells */
    D25_E_NO_MAIN_PART,      /* READ_NO_MAIN_PART */
    D25_E_MISSING_PART,      /* READ_MISSING_PART: a referenced part is absent */
    D25_E_XML,               /* READ_XML: malformed XML */
    D25_E_XML_DTD,           /* READ_XML_DTD: a DOCTYPE / entity declaration */
    D25_E_XML_DEPTH,         /* READ_XML_DEPTH: nesting deeper than the limit */
    D25_E_USAGE,             /* USAGE: bad command line */
    D25_E_CONFIG,            /* CONFIG: bad configuration */
    D25_E_DB,                /* DB: the database cannot be opened, read or written */
    D25_E_LOCKED,            /* LOCKED: another duty25 process holds the writers' lock */
    D25_E_TEMPLATE,          /* TEMPLATE: a report template cannot be read or has a bad tag */
    D25_E_PKG_EDITION,       /* PACKAGE_EDITION: a package (or database) of another campaign edition */
    D25_E_PKG_FORMAT,        /* PACKAGE_FORMAT: a package written by an older duty25 (no edition id, old hash) */
    D25_E_PKG_LEVEL,         /* PACKAGE_LEVEL: a package from the wrong level (a city's to a city, a district's to a province) */
    D25_E_PKG_HASH,          /* PACKAGE_HASH: a package's rows do not match its SHA-256 (changed or damaged) */
    D25_E_COUNT_
} d25_code;

typedef struct {
    d25_code code;
    char message[768]; /* Chinese, names the file and the place */
} d25_error;

/* Stable name, e.g. "READ_NOT_ZIP". */
const char *d25_code_name(d25_code code);
/* Short Chinese description of the code, without file or place. */
const char *d25_code_summary(d25_code code);

/* Set code and a printf-style Chinese message; returns -1 for "return d25_fail(...)". */
int d25_fail(d25_error *err, d25_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Put prefix (e.g. "文件「a.docx」：") in front of the message already set. */
void d25_error_prefix(d25_error *err, const char *prefix);
void d25_error_clear(d25_error *err);

#endif
