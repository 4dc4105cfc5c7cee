/*
 * jsonout: streaming JSON output.  The document structure is written
 * directly; every string goes through jansson, which does the escaping,
 * so a million-cell sheet is written without building a tree in memory.
 */
#ifndef D25_UTIL_JSONOUT_H
#define D25_UTIL_JSONOUT_H

#include <stdio.h>

/* Write s as a JSON string (invalid UTF-8 becomes U+FFFD); NULL writes null. */
void d25_json_str(FILE *f, const char *s);

#endif
