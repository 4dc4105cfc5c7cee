/* text: UTF-8 helpers (see text.h). */
#include "text.h"
#include "buf.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid/truncated. */
static size_t seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

size_t d25_utf8_valid_prefix(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t l = seq_len(u + i, n - i);
        if (!l)
            break;
        i += l;
    }
    return i;
}

char *d25_utf8_sanitize(const char *s, size_t n)
{
    d25_buf b = {0};
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t l = seq_len(u + i, n - i);
        if (l) {
            if (d25_buf_append(&b, s + i, l) < 0)
                goto oom;
            i += l;
        } else {
            if (d25_buf_put_utf8(&b, 0xFFFD) < 0)
                goto oom;
            i++;
        }
    }
    return d25_buf_steal(&b);
oom:
    d25_buf_free(&b);
    return NULL;
}

void d25_utf8_trim_tail(char *s)
{
    size_t n = strlen(s);
    size_t v = d25_utf8_valid_prefix(s, n);
    if (v < n && n - v < 4) /* only a cut character at the end */
        s[v] = '\0';
}

size_t d25_copy(char *dst, size_t n, const char *src)
{
    if (n == 0)
        return 0;
    src = src ? src : "";
    size_t len = strnlen(src, n);
    if (len == n) {
        len = n - 1;
        /* src[len] continues a character begun before it: drop that one. */
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--;
    }
    memmove(dst, src, len);
    dst[len] = '\0';
    return len;
}

const char *d25_basename(const char *path)
{
    const char *p = strrchr(path, '/');
    return p ? p + 1 : path;
}

char *d25_dirname(const char *path)
{
    const char *p = strrchr(path, '/');
    return p ? strndup(path, p == path ? 1 : (size_t)(p - path)) : strdup(".");
}

bool d25_has_suffix_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static size_t space_len(const char *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        return 1;
    return strncmp(s, "\xE3\x80\x80", 3) == 0 ? 3 : 0;
}

char *d25_trim_dup(const char *s)
{
    for (size_t k; (k = space_len(s));)
        s += k;
    size_t n = strlen(s);
    for (;;) {
        if (n && space_len(s + n - 1) == 1)
            n--;
        else if (n >= 3 && space_len(s + n - 3) == 3)
            n -= 3;
        else
            break;
    }
    return strndup(s, n);
}

int d25_stem_len(const char *base)
{
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? (int)(dot - base) : (int)strlen(base);
}

/* Is the character at s[0..l) one XML 1.0 allows?  (Surrogates and
 * overlong forms never pass seq_len.) */
static bool xml_char(const unsigned char *s, size_t l)
{
    if (l == 1)
        return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
    /* U+FFFE, U+FFFF: EF BF BE / EF BF BF */
    return !(l == 3 && s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF));
}

char *d25_xml_safe(const char *s, size_t n, bool *changed)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, l;
    *changed = false;
    while (i < n && (l = seq_len(u + i, n - i)) && xml_char(u + i, l))
        i += l;
    if (i == n)
        return NULL;
    *changed = true;
    d25_buf b = {0};
    if (d25_buf_append(&b, s, i) < 0)
        goto oom;
    while (i < n) {
        l = seq_len(u + i, n - i);
        if (!l) {
            if (d25_buf_put_utf8(&b, 0xFFFD) < 0) /* a byte that is not UTF-8 */
                goto oom;
            i++;
            continue;
        }
        if (xml_char(u + i, l) && d25_buf_append(&b, s + i, l) < 0)
            goto oom;
        i += l; /* a character XML forbids is dropped */
    }
    return d25_buf_steal(&b);
oom:
    d25_buf_free(&b);
    return NULL;
}
