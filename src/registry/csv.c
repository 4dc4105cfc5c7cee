/* csv: the registry from a text file (see table.h).  The bytes become UTF-8
 * through decode.h (which refuses what it cannot decode, by line); the
 * text is records of fields with RFC 4180 quoting and CRLF, LF or CR line
 * ends, separated by commas, or by tabs when the first line is
 * tab-separated (Excel's "Unicode 文本" save). */
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/decode.h"

/* The separator of the first record: a tab when it has more tabs than
 * commas outside quotes, else a comma. */
static char separator(const char *p, const char *end)
{
    size_t tabs = 0, commas = 0;
    bool quoted = false;
    for (; p < end; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted && (*p == '\n' || *p == '\r'))
            break;
        else if (!quoted && *p == '\t')
            tabs++;
        else if (!quoted && *p == ',')
            commas++;
    }
    return tabs > commas ? '\t' : ',';
}

/* One record into row (cells without types).  1 read, 0 at the end of the
 * text, -1 an unterminated quote, -2 out of memory.  *line counts the
 * lines consumed. */
static int record(const char **pp, const char *end, char sep, d25_regrow *row, int *line)
{
    const char *p = *pp;
    if (p >= end)
        return 0;
    d25_buf f = {0};
    int rc = 1;
    for (size_t col = 0;; col++) {
        d25_buf_clear(&f);
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                if (p >= end) {
                    rc = -1;
                    goto out;
                }
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        p += 2;
                        if (d25_buf_putc(&f, '"') < 0)
                            goto oom;
                        continue;
                    }
                    p++;
                    break;
                }
                if (*p == '\n')
                    (*line)++;
                if (d25_buf_putc(&f, *p++) < 0)
                    goto oom;
            }
            while (p < end && *p != sep && *p != '\n' && *p != '\r')
                p++; /* junk after the closing quote is ignored */
        } else {
            const char *s = p;
            while (p < end && *p != sep && *p != '\n' && *p != '\r')
                p++;
            if (d25_buf_append(&f, s, (size_t)(p - s)) < 0)
                goto oom;
        }
        if (d25_regrow_set(row, col, d25_buf_cstr(&f), f.len, 0) < 0)
            goto oom;
        if (p < end && *p == sep) {
            p++;
            continue;
        }
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
        (*line)++;
        break;
    }
    *pp = p;
out:
    d25_buf_free(&f);
    return rc;
oom:
    d25_buf_free(&f);
    return -2;
}

/* Up to two bytes as "0xFF 0xFE" into out. */
static void show_bytes(const d25_decoded *d, char *out, size_t n)
{
    size_t k = d->nbytes < 2 ? d->nbytes : 2;
    out[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s0x%02X", i ? " " : "", d->bytes[i]);
    }
}

/* The refusal for a file decode.h would not decode. */
static int refuse(const char *what, const char *path, d25_decode_status st, const d25_decoded *d, d25_error *err)
{
    char b[32];
    show_bytes(d, b, sizeof b);
    switch (st) {
    case D25_DEC_NUL:
        return d25_fail(err, D25_E_CONFIG,
                        "%s %s 第 %d 行第 %zu 个字节是空字节（0x00）：这不是文本文件（而是二进制文件，"
                        "或没有字节顺序标记的 UTF-16 文本），无法作为 CSV 读取。" D25_REG_SAVE_ADVICE, what,
                        path, d->line, d->column);
    case D25_DEC_MIXED:
        return d25_fail(err, D25_E_CONFIG,
                        "%s %s 第 %d 行是 UTF-8 编码，第 %d 行第 %zu 个字节起（%s）却不是："
                        "同一文件混用了两种编码（可能先后用不同软件编辑过，或已损坏），无法确定如何读取。"
                        D25_REG_SAVE_ADVICE, what,
                        path, d->utf8_line, d->line, d->column, b);
    case D25_DEC_INVALID:
        if (!d->bom)
            return d25_fail(err, D25_E_CONFIG,
                            "%s %s 第 %d 行第 %zu 个字节起（%s）既不是 UTF-8 也不是 GB18030（GBK）编码，"
                            "无法读取：文件可能已损坏，或是用其他编码保存的。" D25_REG_SAVE_ADVICE, what,
                            path, d->line, d->column, b);
        return d25_fail(err, D25_E_CONFIG,
                        "%s %s 以 %s 字节顺序标记开头，但第 %d 行第 %zu 个字节起（%s）不是有效的 %s，"
                        "无法读取：文件可能已损坏。" D25_REG_SAVE_ADVICE, what,
                        path, d->encoding, d->line, d->column, b, d->encoding);
    default:
        return d25_fail(err, D25_E_NOMEM, "内存不足（读取%s %s）", what, path);
    }
}

int d25_regtable_from_text(const char *path, const char *data, size_t len, d25_regtable *t, d25_error *err)
{
    const char *what = D25_REGTABLE_WHAT(t);
    d25_decoded dec;
    d25_decode_status st = d25_decode_text(data, len, &dec);
    if (st != D25_DEC_OK)
        return refuse(what, path, st, &dec, err);
    t->encoding = dec.encoding;
    t->bom = dec.bom;
    t->where = malloc(strlen(path) + 2);
    if (t->where)
        sprintf(t->where, "%s ", path);
    if (!t->where) {
        d25_decoded_free(&dec);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    const char *p = dec.text, *end = dec.text + dec.len;
    char sep = separator(p, end);
    int line = 1;
    for (;;) {
        int start = line;
        d25_regrow *row = d25_regtable_add(t, start);
        int rc = row ? record(&p, end, sep, row, &line) : -2;
        if (rc == 1) {
            bool blank = true;
            for (size_t i = 0; i < row->ncells; i++)
                if (row->cells[i][0])
                    blank = false;
            if (blank)
                d25_regtable_drop_last(t);
            continue;
        }
        if (row)
            d25_regtable_drop_last(t);
        d25_decoded_free(&dec);
        if (rc == 0)
            return 0;
        if (rc == -1)
            return d25_fail(err, D25_E_CONFIG, "%s %s 第 %d 行：引号没有闭合", what, path, start);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
}
