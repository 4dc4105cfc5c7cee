/* decode: a text file's bytes as UTF-8, by byte-order mark, UTF-8 validity
 * or strict GB18030 (see decode.h). */
#include "decode.h"
#include "text.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void d25_decoded_free(d25_decoded *d)
{
    if (!d)
        return;
    free(d->text);
    d->text = NULL;
    d->len = 0;
}

/* Is the code unit at d a line feed?  unit is 1 (bytes) or 2 (UTF-16). */
static bool is_lf(const unsigned char *d, int unit, bool be)
{
    if (unit == 1)
        return d[0] == '\n';
    return be ? d[0] == 0 && d[1] == '\n' : d[0] == '\n' && d[1] == 0;
}

/* Fill the place of the byte at offset: its line and its column within the
 * line, counting line feeds in code units of `unit` bytes from start (the
 * first byte after a byte-order mark).  GB18030 never uses 0x0A inside a
 * multi-byte character, so counting bytes is exact for it too. */
static void locate(const unsigned char *d, size_t len, size_t start, size_t offset, int unit, bool be,
                   d25_decoded *out)
{
    int line = 1;
    size_t line_start = start;
    for (size_t i = start; i + (size_t)unit <= offset; i += (size_t)unit)
        if (is_lf(d + i, unit, be)) {
            line++;
            line_start = i + (size_t)unit;
        }
    out->line = line;
    out->column = offset - line_start + 1;
    out->offset = offset;
    out->nbytes = len - offset < sizeof out->bytes ? len - offset : sizeof out->bytes;
    memcpy(out->bytes, d + offset, out->nbytes);
}

/* The first zero code unit at or after start, or SIZE_MAX. */
static size_t find_nul(const unsigned char *d, size_t len, size_t start, int unit)
{
    if (unit == 1) {
        const unsigned char *z = memchr(d + start, 0, len - start);
        return z ? (size_t)(z - d) : SIZE_MAX;
    }
    for (size_t i = start; i + 1 < len; i += 2)
        if (d[i] == 0 && d[i + 1] == 0)
            return i;
    return SIZE_MAX;
}

/* Convert in[0..n) from `from` to UTF-8 with iconv, refusing anything that
 * does not convert (no //IGNORE, no //TRANSLIT).  0 with *out (malloc'd,
 * NUL-terminated) and *outlen; -1 with *bad = the offset in `in` of the
 * first byte that does not convert (or of an incomplete sequence at the
 * end); -2 out of memory or no such converter. */
static int convert(const char *from, const unsigned char *in, size_t n, char **out, size_t *outlen, size_t *bad)
{
    *out = NULL;
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return -2;
    /* UTF-16 and GB18030 never take more than twice their bytes in UTF-8
     * (2 -> 3 and 4 -> 4 at most; 1 -> 1). */
    size_t cap = 2 * n + 8;
    char *buf = malloc(cap);
    if (!buf) {
        iconv_close(cd);
        return -2;
    }
    char *ip = (char *)in, *op = buf;
    size_t il = n, ol = cap - 1;
    int rc = 0;
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
        if (errno == EILSEQ || errno == EINVAL) {
            *bad = (size_t)(ip - (char *)in);
            rc = -1;
        } else {
            rc = -2;
        }
    } else if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) {
        rc = -2;
    }
    iconv_close(cd);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    *op = '\0';
    *outlen = (size_t)(op - buf);
    *out = buf;
    return 0;
}

/* Decode d[start..len) from a Unicode encoding named by its byte-order mark. */
static d25_decode_status decode_unicode(const unsigned char *d, size_t len, size_t start, const char *enc,
                                        d25_decoded *out)
{
    int unit = strcmp(enc, "UTF-8") == 0 ? 1 : 2;
    bool be = strcmp(enc, "UTF-16BE") == 0;
    out->encoding = enc;
    out->bom = true;
    size_t nul = find_nul(d, len, start, unit);
    if (nul != SIZE_MAX) {
        locate(d, len, start, nul, unit, be, out);
        return D25_DEC_NUL;
    }
    size_t bad = 0;
    if (unit == 1) {
        size_t v = d25_utf8_valid_prefix((const char *)d + start, len - start);
        if (v < len - start) {
            locate(d, len, start, start + v, 1, false, out);
            return D25_DEC_INVALID;
        }
    }
    int rc = convert(enc, d + start, len - start, &out->text, &out->len, &bad);
    if (rc == -1) {
        locate(d, len, start, start + bad, unit, be, out);
        return D25_DEC_INVALID;
    }
    return rc < 0 ? D25_DEC_NOMEM : D25_DEC_OK;
}

d25_decode_status d25_decode_text(const void *data, size_t len, d25_decoded *out)
{
    const unsigned char *d = data;
    memset(out, 0, sizeof *out);
    if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        return decode_unicode(d, len, 3, "UTF-8", out);
    if (len >= 2 && d[0] == 0xFF && d[1] == 0xFE)
        return decode_unicode(d, len, 2, "UTF-16LE", out);
    if (len >= 2 && d[0] == 0xFE && d[1] == 0xFF)
        return decode_unicode(d, len, 2, "UTF-16BE", out);

    out->encoding = "UTF-8";
    size_t nul = find_nul(d, len, 0, 1);
    if (nul != SIZE_MAX) {
        locate(d, len, 0, nul, 1, false, out);
        return D25_DEC_NUL;
    }
    if (d25_utf8_valid_prefix((const char *)d, len) == len) {
        out->text = malloc(len + 1);
        if (!out->text)
            return D25_DEC_NOMEM;
        memcpy(out->text, d, len);
        out->text[len] = '\0';
        out->len = len;
        return D25_DEC_OK;
    }

    /* Not UTF-8 as a whole.  If some lines are UTF-8 with characters of
     * three bytes or more (which GB18030 text almost never forms by chance
     * over a whole line) while others are not, the file mixes encodings or
     * is damaged UTF-8: refuse at the first line that is not UTF-8. */
    size_t bad_at = SIZE_MAX;
    int line = 1;
    for (size_t s = 0; s < len; line++) {
        const unsigned char *nl = memchr(d + s, '\n', len - s);
        size_t e = nl ? (size_t)(nl - d) : len;
        size_t v = d25_utf8_valid_prefix((const char *)d + s, e - s);
        if (v < e - s) {
            if (bad_at == SIZE_MAX)
                bad_at = s + v;
        } else if (!out->utf8_line) {
            for (size_t i = s; i < e; i++)
                if (d[i] >= 0xE0) {
                    out->utf8_line = line;
                    break;
                }
        }
        s = e + 1;
    }
    if (out->utf8_line) {
        locate(d, len, 0, bad_at, 1, false, out);
        return D25_DEC_MIXED;
    }

    out->encoding = "GB18030";
    size_t bad = 0;
    int rc = convert("GB18030", d, len, &out->text, &out->len, &bad);
    if (rc == -1) {
        locate(d, len, 0, bad, 1, false, out);
        return D25_DEC_INVALID;
    }
    return rc < 0 ? D25_DEC_NOMEM : D25_DEC_OK;
}
