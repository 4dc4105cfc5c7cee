/* fold: canonical text for matching (see fold.h). */
#include "fold.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>

uint32_t d25_utf8_next(const char **p)
{
    const unsigned char *s = (const unsigned char *)*p;
    uint32_t c = s[0];
    if (c < 0x80) {
        *p += c ? 1 : 0;
        return c;
    }
    int len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (len == 0 || c > 0xF4) {
        *p += 1;
        return 0xFFFD;
    }
    uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *p += i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *p += len;
    return cp;
}

size_t d25_utf8_len(const char *s)
{
    size_t n = 0;
    while (*s) {
        d25_utf8_next(&s);
        n++;
    }
    return n;
}

bool d25_is_cjk(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x2FA1F) || cp == 0x3007;
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' || cp == 0xA0 ||
           cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0xFEFF;
}

/* The folded code point, or 0 to drop it. */
static uint32_t fold_cp(uint32_t cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII */
        cp -= 0xFEE0;
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (is_space(cp) || cp == '_' || cp == 0x2026 /* … */ || cp == 0xFE4D || cp == 0xFE4E || cp == 0xFE4F)
        return 0;
    switch (cp) {
    case 0x3001: /* 、 */
    case 0xFF64:
        return ',';
    case 0x3002: /* 。 */
    case 0xFF61:
        return '.';
    case 0x201C:
    case 0x201D:
    case 0x300C:
    case 0x300D:
    case 0x300E:
    case 0x300F:
        return '"';
    case 0x2018:
    case 0x2019:
        return '\'';
    case 0x2014: /* — */
    case 0x2013:
    case 0x2012:
    case 0x2015:
    case 0x2212:
    case 0x2500:
        return '-';
    case 0x3010: /* 【 】 */
        return '[';
    case 0x3011:
        return ']';
    case 0x3014:
        return '(';
    case 0x3015:
        return ')';
    case 0x00B7:
    case 0x30FB:
        return '.';
    case 0x2215: /* ∕ division slash */
        return '/';
    default:
        return cp;
    }
}

/* U+0336 (combining long stroke overlay) starts at p? */
static bool struck_at(const char *p)
{
    return (unsigned char)p[0] == 0xCC && (unsigned char)p[1] == 0xB6;
}

/*
 * Fold s into out, which has room for 3 * strlen(s) + 1 bytes (a stray byte
 * becomes the 3-byte U+FFFD), or stop early: the folded length, or
 * SIZE_MAX once more than max_cp code points would be written.  Plain ASCII
 * and the common CJK block (lead bytes E5-E9, which fold to themselves) are
 * copied without decoding; everything else goes through fold_cp.
 */
static size_t fold_core(const char *s, char *out, size_t max_cp, bool key_only, size_t *from)
{
    const char *p = s;
    size_t len = 0, ncp = 0;
    while (*p) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80 && !struck_at(p + 1)) {
            p++;
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c + 32);
            else if (c == ' ' || (c >= '\t' && c <= '\r') || c == '_')
                continue;
            if (key_only && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')))
                continue;
            if (++ncp > max_cp)
                return SIZE_MAX;
            if (from)
                from[len] = (size_t)(p - 1 - s);
            out[len++] = (char)c;
            continue;
        }
        if (c >= 0xE5 && c <= 0xE9 && ((unsigned char)p[1] & 0xC0) == 0x80 && ((unsigned char)p[2] & 0xC0) == 0x80 &&
            !struck_at(p + 3)) {
            if (++ncp > max_cp)
                return SIZE_MAX;
            if (from)
                from[len] = from[len + 1] = from[len + 2] = (size_t)(p - s);
            memcpy(out + len, p, 3);
            len += 3;
            p += 3;
            continue;
        }
        const char *start = p;
        uint32_t cp = d25_utf8_next(&p);
        if (struck_at(p)) { /* struck through: not written */
            while (struck_at(p))
                p += 2;
            continue;
        }
        if (cp == 0x0336)
            continue;
        uint32_t f = fold_cp(cp);
        if (!f)
            continue;
        if (key_only && !(d25_is_cjk(f) || (f >= '0' && f <= '9') || (f >= 'a' && f <= 'z')))
            continue;
        if (++ncp > max_cp)
            return SIZE_MAX;
        size_t n = d25_utf8_encode(f, out + len);
        for (size_t i = 0; from && i < n; i++)
            from[len + i] = (size_t)(start - s);
        len += n;
    }
    out[len] = '\0';
    if (from)
        from[len] = (size_t)(p - s);
    return len;
}

static char *fold_impl(const char *s, bool key_only)
{
    char *out = malloc(3 * strlen(s) + 1);
    if (out)
        fold_core(s, out, SIZE_MAX, key_only, NULL);
    return out;
}

char *d25_fold_from(const char *s, size_t **from)
{
    s = s ? s : "";
    char *out = malloc(3 * strlen(s) + 1);
    *from = malloc((3 * strlen(s) + 1) * sizeof **from);
    if (!out || !*from) {
        free(out);
        free(*from);
        *from = NULL;
        return NULL;
    }
    fold_core(s, out, SIZE_MAX, false, *from);
    return out;
}

/* Characters that only mark where to write (fold drops them too). */
static bool is_filler(uint32_t cp)
{
    return cp == '_' || cp == 0xFF3F || cp == 0x2026 || cp == 0xFE4D || cp == 0xFE4E || cp == 0xFE4F;
}

char *d25_written(const char *s, const size_t *from, size_t a, size_t b)
{
    d25_buf out = {0};
    if (b > a) {
        const char *p = s + from[a];
        const char *last = s + from[b - 1];
        d25_utf8_next(&last); /* the end of the character that gave byte b-1 */
        bool space = false;
        while (p < last) {
            uint32_t cp = d25_utf8_next(&p);
            if (struck_at(p)) {
                while (struck_at(p))
                    p += 2;
                continue;
            }
            if (cp == 0x0336 || is_filler(cp))
                continue;
            if (is_space(cp)) {
                space = out.len > 0;
                continue;
            }
            if ((space && d25_buf_putc(&out, ' ') < 0) || d25_buf_put_utf8(&out, cp) < 0) {
                d25_buf_free(&out);
                return NULL;
            }
            space = false;
        }
    }
    const char *r = d25_buf_cstr(&out);
    char *copy = strdup(r);
    d25_buf_free(&out);
    return copy;
}

char *d25_fold(const char *s)
{
    return fold_impl(s ? s : "", false);
}

char *d25_fold_key(const char *s)
{
    return fold_impl(s ? s : "", true);
}

bool d25_fold_short(const char *s, char *out, size_t cap, size_t max_cp)
{
    s = s ? s : "";
    /* Each code point written takes at most 4 bytes. */
    if (cap < 4 * max_cp + 1)
        return false;
    return fold_core(s, out, max_cp, false, NULL) != SIZE_MAX;
}

/* Decode s into a code point array (caller frees); *n its length. */
static uint32_t *decode(const char *s, size_t *n)
{
    size_t len = d25_utf8_len(s);
    uint32_t *v = malloc((len + 1) * sizeof *v);
    if (!v)
        return NULL;
    size_t i = 0;
    while (*s)
        v[i++] = d25_utf8_next(&s);
    *n = i;
    return v;
}

size_t d25_text_distance(const char *a, const char *b, size_t max)
{
    size_t na, nb;
    uint32_t *va = decode(a, &na), *vb = decode(b, &nb);
    size_t *row = malloc((nb + 1) * sizeof *row);
    size_t result = max + 1;
    if (!va || !vb || !row)
        goto out;
    if ((na > nb ? na - nb : nb - na) > max)
        goto out;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0], best = i;
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t v = diag + (va[i - 1] != vb[j - 1]);
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            if (up + 1 < v)
                v = up + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > max)
            goto out;
    }
    result = row[nb] <= max ? row[nb] : max + 1;
out:
    free(va);
    free(vb);
    free(row);
    return result;
}

double d25_text_similarity(const char *a, const char *b)
{
    size_t la = d25_utf8_len(a), lb = d25_utf8_len(b);
    size_t longer = la > lb ? la : lb;
    if (longer == 0)
        return 1.0;
    size_t d = d25_text_distance(a, b, longer);
    return 1.0 - (double)d / (double)longer;
}

static int cn_digit(uint32_t cp)
{
    static const uint32_t digits[] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D};
    for (int i = 0; i < 10; i++)
        if (digits[i] == cp)
            return i;
    if (cp == 0x96F6) /* 零 */
        return 0;
    if (cp == 0x4E24) /* 两 */
        return 2;
    return -1;
}

long d25_parse_cn_number(const char **p)
{
    const char *s = *p;
    const char *q = s;
    uint32_t cp = d25_utf8_next(&q);
    if (cp >= 0xFF10 && cp <= 0xFF19)
        cp -= 0xFEE0;
    if (cp >= '0' && cp <= '9') {
        long v = 0;
        const char *last = s;
        for (;;) {
            const char *r = last;
            uint32_t c = d25_utf8_next(&r);
            if (c >= 0xFF10 && c <= 0xFF19)
                c -= 0xFEE0;
            if (c < '0' || c > '9')
                break;
            if (v > 100000000L)
                return -1;
            v = v * 10 + (long)(c - '0');
            last = r;
        }
        *p = last;
        return v;
    }
    /* Chinese numerals: 二十五, 十二, 一百零三, 三 */
    long total = 0, digit = -1;
    bool any = false;
    const char *last = s;
    for (;;) {
        const char *r = last;
        uint32_t c = d25_utf8_next(&r);
        int d = cn_digit(c);
        long unit = c == 0x5341 ? 10 : c == 0x767E ? 100 : c == 0x5343 ? 1000 : 0;
        if (d >= 0) {
            digit = d;
        } else if (unit) {
            total += (digit < 0 ? 1 : digit) * unit;
            digit = -1;
        } else {
            break;
        }
        any = true;
        last = r;
    }
    if (!any)
        return -1;
    if (digit > 0)
        total += digit;
    *p = last;
    return total;
}

bool d25_is_box(uint32_t cp, bool checked)
{
    if (checked)
        return cp == 0x2611 || cp == 0x2612 || cp == 0x25A0 || cp == 0x2714 || cp == 0x2713 || cp == 0x221A;
    return cp == 0x2610 || cp == 0x25A1;
}

int d25_display_width(const char *s)
{
    int w = 0;
    for (const char *p = s; p && *p;) {
        uint32_t c = d25_utf8_next(&p);
        w += c >= 0x2E80 && !(c >= 0xFF61 && c <= 0xFFDC) ? 2 : 1;
    }
    return w;
}
