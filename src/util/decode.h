/*
 * decode: the text of a file that Excel, WPS or Notepad saved, as UTF-8.
 *
 * Accepted encodings: UTF-8 with or without a byte-order mark; UTF-16 LE or
 * BE with a byte-order mark (Excel's "Unicode 文本"); GB18030, which
 * contains GBK / code page 936 (what Chinese Excel writes as "CSV（逗号分隔）").
 *
 * The encoding is decided, never guessed: a byte-order mark names it;
 * without one, a file that is valid UTF-8 is UTF-8; anything else must
 * decode strictly as GB18030 (glibc iconv, no substitution).  Refused, with
 * the line and the byte where it happened:
 *   - a NUL byte (a binary file, or UTF-16 without a byte-order mark);
 *   - a byte sequence the encoding cannot decode;
 *   - a file that has UTF-8 lines (holding characters of three bytes or
 *     more, i.e. Chinese) next to lines that are not UTF-8: a file edited
 *     in two programs, or a damaged UTF-8 file.  Read as GB18030 it would
 *     turn into plausible-looking nonsense, so it is refused instead.
 *
 * Ownership: d25_decoded.text is malloc'd and belongs to the caller, who
 * releases it with d25_decoded_free().  Nothing else is allocated.
 */
#ifndef D25_UTIL_DECODE_H
#define D25_UTIL_DECODE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    D25_DEC_OK = 0,
    D25_DEC_NOMEM,    /* out of memory (or iconv lacks the encoding) */
    D25_DEC_NUL,      /* a NUL byte / U+0000 at line, column */
    D25_DEC_INVALID,  /* bytes at line, column do not decode in `encoding` */
    D25_DEC_MIXED,    /* line `line` is not UTF-8 while line `utf8_line` is */
} d25_decode_status;

typedef struct {
    char *text;            /* UTF-8 without byte-order mark, NUL-terminated */
    size_t len;            /* bytes of text */
    const char *encoding;  /* "UTF-8", "UTF-16LE", "UTF-16BE" or "GB18030" (static);
                              on failure the encoding that was tried */
    bool bom;              /* the file began with a byte-order mark */
    /* Where a refusal happened (all 1-based except offset): */
    int line;              /* line of the file (LF-separated) */
    size_t column;         /* byte within that line, counted in the file's bytes */
    size_t offset;         /* byte in the file, 0-based */
    unsigned char bytes[4];/* the file's bytes from offset on */
    size_t nbytes;         /* how many of them (fewer at the end of the file) */
    int utf8_line;         /* D25_DEC_MIXED: the first line that is UTF-8 */
} d25_decoded;

/* Decode len bytes at data into out (zeroed first).  D25_DEC_OK with
 * out->text set, or the reason with the place filled in and no text. */
d25_decode_status d25_decode_text(const void *data, size_t len, d25_decoded *out);
void d25_decoded_free(d25_decoded *d);

#endif
