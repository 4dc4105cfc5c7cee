/*
 * limits: the bounds every read of an untrusted package obeys.
 * Values come from the [reader] section of the configuration (config.c);
 * d25_limits_default() gives the built-in defaults documented in
 * config/duty25.ini.  Plain value struct, no ownership.
 */
#ifndef D25_OOXML_LIMITS_H
#define D25_OOXML_LIMITS_H

#include <stddef.h>

typedef struct {
    size_t max_file_bytes;   /* size of the file on disk */
    size_t max_entries;      /* zip entries */
    size_t max_part_bytes;   /* inflated bytes of one part */
    size_t max_total_bytes;  /* inflated bytes of all parts read */
    size_t max_ratio;        /* inflated / compressed, for one part ... */
    size_t ratio_min_bytes;  /* ... checked once it has inflated this much */
    size_t max_text_bytes;   /* text a read may produce (cell texts summed) */
    size_t max_cells;        /* cells (XLSX) or table cells (DOCX) */
    size_t max_xml_depth;    /* element nesting */
} d25_limits;

void d25_limits_default(d25_limits *l);

#endif
