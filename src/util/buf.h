/*
 * buf: growable byte buffers and a chunked string arena.
 *
 * d25_buf owns its bytes; d25_buf_free() releases them (safe on a zeroed buf).
 * d25_arena hands out NUL-terminated copies that stay valid, at a fixed address,
 * until d25_arena_free(); callers never free single strings.  Both report
 * out-of-memory by returning -1 / NULL and never abort.
 */
#ifndef D25_UTIL_BUF_H
#define D25_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *data;  /* NUL-terminated when len > 0 or after d25_buf_cstr() */
    size_t len;
    size_t cap;
} d25_buf;

int d25_buf_reserve(d25_buf *b, size_t extra);
int d25_buf_append(d25_buf *b, const char *s, size_t n);
int d25_buf_puts(d25_buf *b, const char *s);
int d25_buf_putc(d25_buf *b, char c);
/* The UTF-8 bytes of cp at out (U+FFFD for a surrogate or a value past
 * U+10FFFF); how many. */
size_t d25_utf8_encode(uint32_t cp, char out[4]);
/* Append the UTF-8 encoding of code point cp (invalid ones become U+FFFD). */
int d25_buf_put_utf8(d25_buf *b, uint32_t cp);
/* Always returns a NUL-terminated string ("" for an empty buffer). */
const char *d25_buf_cstr(d25_buf *b);
void d25_buf_clear(d25_buf *b);
/* Hand the bytes to the caller (who frees them) and reset the buffer. */
char *d25_buf_steal(d25_buf *b);
void d25_buf_free(d25_buf *b);

typedef struct d25_arena_chunk d25_arena_chunk;
typedef struct {
    d25_arena_chunk *head;
    size_t used_total;   /* bytes handed out, for statistics */
} d25_arena;

/* Copy n bytes of s (plus a NUL) into the arena. */
char *d25_arena_strndup(d25_arena *a, const char *s, size_t n);
void *d25_arena_alloc(d25_arena *a, size_t n);
void d25_arena_free(d25_arena *a);

/* Grow *arr (of *cap elements of size elem) so that it can hold need elements. */
int d25_grow(void **arr, size_t *cap, size_t need, size_t elem);

#endif
