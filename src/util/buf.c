/* buf: growable byte buffers and a chunked string arena (see buf.h). */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

int d25_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return -1;
        ncap *= 2;
    }
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

int d25_buf_reserve(d25_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return -1;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    char *p = realloc(b->data, ncap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = ncap;
    return 0;
}

int d25_buf_append(d25_buf *b, const char *s, size_t n)
{
    if (d25_buf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int d25_buf_puts(d25_buf *b, const char *s)
{
    return d25_buf_append(b, s, strlen(s));
}

int d25_buf_putc(d25_buf *b, char c)
{
    return d25_buf_append(b, &c, 1);
}

size_t d25_utf8_encode(uint32_t cp, char out[4])
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int d25_buf_put_utf8(d25_buf *b, uint32_t cp)
{
    char t[4];
    return d25_buf_append(b, t, d25_utf8_encode(cp, t));
}

const char *d25_buf_cstr(d25_buf *b)
{
    return b->data ? b->data : "";
}

void d25_buf_clear(d25_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *d25_buf_steal(d25_buf *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void d25_buf_free(d25_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- arena ---- */

struct d25_arena_chunk {
    d25_arena_chunk *next;
    size_t used, cap;
    max_align_t align_[]; /* storage follows */
};

enum { ARENA_CHUNK = 256 * 1024 };

void *d25_arena_alloc(d25_arena *a, size_t n)
{
    size_t al = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (al < n)
        return NULL;
    d25_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < al) {
        size_t cap = al > ARENA_CHUNK ? al : ARENA_CHUNK;
        if (cap > SIZE_MAX - sizeof(*c))
            return NULL;
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->cap = cap;
        c->used = 0;
        if (a->head && al > ARENA_CHUNK) {
            /* Keep a big one-off block behind the current chunk. */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = (char *)c->align_ + c->used;
    c->used += al;
    a->used_total += n;
    return p;
}

char *d25_arena_strndup(d25_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = d25_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void d25_arena_free(d25_arena *a)
{
    d25_arena_chunk *c = a->head;
    while (c) {
        d25_arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
    a->used_total = 0;
}
