/*
 * numfmt: how an XLSX number is shown as text.  Classifies number formats
 * (built-in ids, including the CJK date ids 27-36 and 50-58, and custom
 * codes) as date/time or not, converts serial numbers to ISO dates in the
 * 1900 or 1904 system, and prints numbers in shortest round-trip form.
 * Pure functions writing into caller-provided buffers; no allocation.
 */
#ifndef D25_OOXML_NUMFMT_H
#define D25_OOXML_NUMFMT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    D25_NF_NUMBER = 0,
    D25_NF_DATE,      /* any date or time format */
    D25_NF_ELAPSED,   /* [h]:mm:ss and friends: a duration */
} d25_nf_kind;

d25_nf_kind d25_numfmt_builtin(unsigned id);
d25_nf_kind d25_numfmt_classify(const char *code);

/* Shortest text that reads back as the same double ("3", "0.1", "1e+20"). */
void d25_format_number(double v, char *out, size_t n);
/* Serial to "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or, below 1, "HH:MM:SS".
 * Returns false (and leaves out as the number) when out of range. */
bool d25_format_serial_date(double v, bool date1904, char *out, size_t n);
/* Duration in days to "H:MM:SS" (hours may exceed 24; negative allowed). */
void d25_format_elapsed(double v, char *out, size_t n);
/* An ISO 8601 value of a t="d" cell to our date text; false if unparseable. */
bool d25_format_iso_date(const char *iso, char *out, size_t n);

#endif
