/* mail: a saved mail's receipt time and attachments, through GMime (see mail.h). */
#include "mail.h"
#include "../util/syserr.h"
#include "../util/text.h"

#include <gmime/gmime.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEF_MAX_BYTES ((size_t)96 << 20)
#define DEF_MAX_PART_BYTES ((size_t)64 << 20)
#define DEF_MAX_PARTS 100
#define SNIFF_MAX ((size_t)64 << 10)
#define MAX_DEPTH 4096 /* GMime stops at 1024 levels; this only guards the walk */
/* GMime builds the whole tree before anything can be refused, and a tiny
 * header or part costs it about 500 bytes or 3 KB: 4 MB of "X:y" lines
 * take 500 MB.  So lines that may become a header or a part are counted
 * first (an overcount: any line with a colon, any line starting "--";
 * base64 has neither), and a mail with more than these is refused. */
#define MAX_FIELD_LINES 200000
#define MAX_DASH_LINES 20000

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
    g_mime_init();
}

static d25_mail_limits limits_of(const d25_mail_limits *lim)
{
    d25_mail_limits l = lim ? *lim : (d25_mail_limits){0};
    if (!l.max_bytes)
        l.max_bytes = DEF_MAX_BYTES;
    if (!l.max_part_bytes)
        l.max_part_bytes = DEF_MAX_PART_BYTES;
    if (!l.max_parts)
        l.max_parts = DEF_MAX_PARTS;
    if (l.max_bytes > G_MAXUINT) /* GMime's memory streams hold a GByteArray */
        l.max_bytes = G_MAXUINT;
    return l;
}

/* ---------------------------------------------------------------- sniffing */

/* Bytes before the header block: a UTF-8 BOM, an mbox "From " line. */
static size_t preamble(const unsigned char *buf, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    if (len - i >= 5 && memcmp(buf + i, "From ", 5) == 0) {
        const unsigned char *nl = memchr(buf + i, '\n', len - i);
        i = nl ? (size_t)(nl - buf) + 1 : len;
    }
    return i;
}

static bool mail_field(const unsigned char *name, size_t n)
{
    static const char *const known[] = {"Received", "Date",     "From",        "To",       "Cc",     "Subject",
                                        "Message-ID", "Return-Path", "Delivered-To", "Reply-To", "Sender", "X-Mailer"};
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        if (strlen(known[k]) == n && g_ascii_strncasecmp((const char *)name, known[k], n) == 0)
            return true;
    return false;
}

bool d25_mail_looks_like(const unsigned char *buf, size_t len)
{
    if (!buf)
        return false;
    size_t end = len < SNIFF_MAX ? len : SNIFF_MAX;
    size_t i = preamble(buf, end);
    size_t fields = 0;
    bool known = false;
    while (i < end) {
        const unsigned char *nl = memchr(buf + i, '\n', end - i);
        size_t eol = nl ? (size_t)(nl - buf) : end;
        size_t ll = eol - i;
        if (ll && buf[i + ll - 1] == '\r')
            ll--;
        if (ll == 0)
            break; /* the blank line that ends the header */
        if (buf[i] == ' ' || buf[i] == '\t') {
            if (!fields)
                return false; /* a continuation of nothing */
        } else {
            size_t k = i;
            while (k < i + ll && buf[k] > ' ' && buf[k] < 0x7F && buf[k] != ':')
                k++;
            size_t c = k;
            while (c < i + ll && (buf[c] == ' ' || buf[c] == '\t'))
                c++;
            if (k == i || c >= i + ll || buf[c] != ':')
                break; /* not a header field: the header ends here */
            fields++;
            known = known || mail_field(buf + i, k - i);
        }
        i = eol + 1;
    }
    return fields > 0 && known;
}

/* Whether the mail has no more lines that could become headers or parts
 * than the bounds above allow. */
static bool structure_bounded(const unsigned char *buf, size_t len)
{
    size_t fields = 0, dashes = 0, i = 0;
    while (i < len) {
        const unsigned char *nl = memchr(buf + i, '\n', len - i);
        size_t eol = nl ? (size_t)(nl - buf) : len;
        if (eol - i >= 2 && buf[i] == '-' && buf[i + 1] == '-') {
            if (++dashes > MAX_DASH_LINES)
                return false;
        } else if (eol > i && buf[i] != ' ' && buf[i] != '\t' && memchr(buf + i, ':', eol - i)) {
            if (++fields > MAX_FIELD_LINES)
                return false;
        }
        i = eol + 1;
    }
    return true;
}

/* ---------------------------------------------------------------- names */

/* Length of the UTF-8 sequence at s (valid UTF-8), and its code point. */
static size_t next_cp(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0) {
        *cp = (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0) {
        *cp = (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        return 3;
    }
    *cp = (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3F) << 12 | (unsigned)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
    return 4;
}

static bool invisible(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||  /* C0, DEL, C1 */
           cp == 0x200E || cp == 0x200F ||              /* LRM, RLM */
           (cp >= 0x202A && cp <= 0x202E) ||            /* embeddings and overrides */
           (cp >= 0x2066 && cp <= 0x2069);              /* isolates */
}

/* Valid UTF-8 copy of s without the characters invisible() names; tabs
 * and line breaks become spaces when keep_spaces.  NULL when out of memory. */
static char *clean_text(const char *s, bool keep_spaces)
{
    char *u = d25_utf8_sanitize(s, strlen(s));
    if (!u)
        return NULL;
    unsigned char *r = (unsigned char *)u, *w = (unsigned char *)u;
    while (*r) {
        unsigned cp;
        size_t n = next_cp(r, &cp);
        if (keep_spaces && (cp == '\t' || cp == '\r' || cp == '\n'))
            *w++ = ' ';
        else if (!invisible(cp)) {
            memmove(w, r, n);
            w += n;
        }
        r += n;
    }
    *w = '\0';
    char *t = d25_trim_dup(u);
    free(u);
    return t;
}

static char *attachment_name(const char *raw, size_t index)
{
    char *clean = clean_text(raw ? raw : "", false);
    if (!clean)
        return NULL;
    const char *base = clean;
    for (const char *p = clean; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    char *name = d25_trim_dup(base);
    free(clean);
    if (name && (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)) {
        char fallback[32];
        snprintf(fallback, sizeof fallback, "附件%zu", index);
        free(name);
        name = strdup(fallback);
    }
    return name;
}

/* ---------------------------------------------------------------- attachments */

typedef struct {
    d25_mail *m;
    d25_mail_limits lim;
    const char *mail_name;
    size_t cap;
    bool nomem;
} walk_state;

/* Decode a part's content into p->data, stopping past the limit.
 * 0 done (p->data set, or p->error when too big); -1 out of memory. */
static int decode(walk_state *w, GMimePart *part, d25_mail_part *p)
{
    size_t cap = 0, len = 0;
    unsigned char *buf = NULL;
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    GMimeStream *src = content ? g_mime_data_wrapper_get_stream(content) : NULL;
    if (src) {
        GMimeStream *in = g_mime_stream_filter_new(src);
        GMimeContentEncoding enc = g_mime_data_wrapper_get_encoding(content);
        if (enc == GMIME_CONTENT_ENCODING_BASE64 || enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
            enc == GMIME_CONTENT_ENCODING_UUENCODE) {
            GMimeFilter *f = g_mime_filter_basic_new(enc, FALSE);
            g_mime_stream_filter_add(GMIME_STREAM_FILTER(in), f);
            g_object_unref(f);
        }
        g_mime_stream_reset(src);
        char chunk[16384];
        int idle = 0;
        /* As g_mime_stream_write_to_stream() does: a filter may yield 0
         * bytes before the end (a run of whitespace in base64), so only eos
         * ends the loop.  Once the source is at its end the filter flushes
         * and ends too; the count only guards against one that would not. */
        while (!g_mime_stream_eos(in)) {
            ssize_t n = g_mime_stream_read(in, chunk, sizeof chunk);
            if (n < 0 || (n == 0 && g_mime_stream_eos(src) && ++idle > 4)) {
                free(buf);
                g_object_unref(in);
                g_mime_stream_reset(src);
                d25_fail(&p->error, D25_E_IO, "邮件「%s」中的附件「%s」无法解码，未读取", w->mail_name, p->name);
                return 0;
            }
            if ((size_t)n > w->lim.max_part_bytes - len) {
                free(buf);
                buf = NULL;
                len = w->lim.max_part_bytes + 1;
                break;
            }
            if (len + (size_t)n > cap) {
                size_t ncap = cap ? cap : 65536;
                while (ncap < len + (size_t)n)
                    ncap *= 2;
                unsigned char *nb = realloc(buf, ncap);
                if (!nb) {
                    free(buf);
                    g_object_unref(in);
                    return -1;
                }
                buf = nb;
                cap = ncap;
            }
            memcpy(buf + len, chunk, (size_t)n);
            len += (size_t)n;
        }
        g_object_unref(in);
        g_mime_stream_reset(src);
    }
    if (len > w->lim.max_part_bytes) {
        d25_fail(&p->error, D25_E_FILE_TOO_BIG, "邮件「%s」中的附件「%s」超过 %zu 字节的上限，未读取", w->mail_name,
                 p->name, w->lim.max_part_bytes);
        return 0;
    }
    if (len < cap) { /* give back the doubling's slack */
        unsigned char *nb = realloc(buf, len ? len : 1);
        if (nb)
            buf = nb;
    }
    if (!buf && !(buf = malloc(1)))
        return -1;
    p->data = buf;
    p->len = len;
    return 0;
}

static void add_attachment(walk_state *w, GMimePart *part, const char *filename)
{
    d25_mail *m = w->m;
    if (m->nparts == w->lim.max_parts) {
        m->truncated = true;
        return;
    }
    if (m->nparts == w->cap) {
        size_t ncap = w->cap ? w->cap * 2 : 4;
        d25_mail_part *nv = realloc(m->parts, ncap * sizeof *nv);
        if (!nv) {
            w->nomem = true;
            return;
        }
        m->parts = nv;
        w->cap = ncap;
    }
    d25_mail_part *p = &m->parts[m->nparts];
    memset(p, 0, sizeof *p);
    p->name = attachment_name(filename, m->nparts + 1);
    if (!p->name) {
        w->nomem = true;
        return;
    }
    m->nparts++;
    if (decode(w, part, p) < 0)
        w->nomem = true;
}

static void walk(walk_state *w, GMimeObject *obj, int depth)
{
    if (!obj || w->nomem || w->m->truncated || depth > MAX_DEPTH)
        return;
    if (GMIME_IS_MESSAGE_PART(obj)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (inner)
            walk(w, g_mime_message_get_mime_part(inner), depth + 1);
    } else if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
        return; /* nothing readable without the key */
    } else if (GMIME_IS_MULTIPART_SIGNED(obj)) {
        walk(w, g_mime_multipart_get_part(GMIME_MULTIPART(obj), GMIME_MULTIPART_SIGNED_CONTENT), depth + 1);
    } else if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n && !w->nomem && !w->m->truncated; i++)
            walk(w, g_mime_multipart_get_part(mp, i), depth + 1);
    } else if (GMIME_IS_PART(obj)) {
        const char *filename = g_mime_part_get_filename(GMIME_PART(obj));
        if (filename)
            add_attachment(w, GMIME_PART(obj), filename);
    }
}

/* ---------------------------------------------------------------- times */

static time_t unix_time(GDateTime *dt)
{
    if (!dt)
        return (time_t)-1;
    gint64 t = g_date_time_to_unix(dt);
    return (time_t)t;
}

/* The date of the topmost Received: header that has one. */
static time_t received_time(GMimeMessage *msg)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
    int n = hl ? g_mime_header_list_get_count(hl) : 0;
    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        const char *name = h ? g_mime_header_get_name(h) : NULL;
        if (!name || g_ascii_strcasecmp(name, "Received") != 0)
            continue;
        const char *v = g_mime_header_get_raw_value(h);
        const char *semi = v ? strrchr(v, ';') : NULL;
        if (!semi)
            continue;
        GDateTime *dt = g_mime_utils_header_decode_date(semi + 1);
        if (dt) {
            time_t t = unix_time(dt);
            g_date_time_unref(dt);
            return t;
        }
    }
    return (time_t)-1;
}

/* ---------------------------------------------------------------- reading */

static char *dup_clean(const char *s)
{
    return s ? clean_text(s, true) : NULL;
}

static d25_mail *parse(GMimeStream *stream, const char *mail_name, const d25_mail_limits *lim, d25_error *err)
{
    GMimeParserOptions *opts = g_mime_parser_options_new();
    const char *fallback[] = {"UTF-8", "GB18030", NULL};
    g_mime_parser_options_set_fallback_charsets(opts, fallback);
    g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, opts);
    g_object_unref(parser);
    d25_mail *m = NULL;
    if (!msg) {
        d25_fail(err, D25_E_OTHER_FORMAT, "邮件「%s」：无法按邮件格式读取", mail_name);
        goto done;
    }
    m = calloc(1, sizeof *m);
    if (!m)
        goto nomem;
    m->received = received_time(msg);
    if (m->received != (time_t)-1) {
        m->received_from = "Received";
    } else {
        m->received = unix_time(g_mime_message_get_date(msg));
        if (m->received != (time_t)-1)
            m->received_from = "Date";
    }
    const char *subject = g_mime_message_get_subject(msg);
    if (subject && !(m->subject = dup_clean(subject)))
        goto nomem;
    InternetAddressList *from = g_mime_message_get_from(msg);
    if (from && internet_address_list_length(from) > 0) {
        char *s = internet_address_list_to_string(from, NULL, FALSE);
        if (s) {
            m->from = dup_clean(s);
            g_free(s);
            if (!m->from)
                goto nomem;
        }
    }
    walk_state w = {.m = m, .lim = *lim, .mail_name = mail_name};
    walk(&w, g_mime_message_get_mime_part(msg), 0);
    if (w.nomem)
        goto nomem;
    goto done;
nomem:
    d25_mail_free(m);
    m = NULL;
    d25_fail(err, D25_E_NOMEM, "邮件「%s」：内存不足", mail_name);
done:
    if (msg)
        g_object_unref(msg);
    g_mime_parser_options_free(opts);
    return m;
}

/* The display name of a path: its last component, valid UTF-8. */
static char *display_name(const char *path)
{
    const char *base = d25_basename(path ? path : "");
    return d25_utf8_sanitize(base, strlen(base));
}

/* Checks shared by both entry points; the stream is made over data. */
static d25_mail *read_bytes(GByteArray *arr, const unsigned char *data, size_t len, const char *mail_name,
                            const d25_mail_limits *lim, d25_error *err)
{
    if (len == 0) {
        d25_fail(err, D25_E_EMPTY, "邮件「%s」：是空文件（0 字节），可能保存失败，请重新保存整封邮件", mail_name);
        goto fail;
    }
    if (len > lim->max_bytes) {
        d25_fail(err, D25_E_FILE_TOO_BIG, "邮件「%s」：有 %zu 字节，超过 %zu 字节的上限", mail_name, len,
                 lim->max_bytes);
        goto fail;
    }
    if (!d25_mail_looks_like(data, len)) {
        d25_fail(err, D25_E_OTHER_FORMAT,
                 "邮件「%s」：不是保存下来的邮件（开头没有发件人、日期、主题等邮件头）。"
                 "请在邮箱中打开这封邮件，用“另存为”或“导出/下载邮件”把整封邮件保存为 .eml 文件",
                 mail_name);
        goto fail;
    }
    if (!structure_bounded(data, len)) {
        d25_fail(err, D25_E_TOO_MANY_ENTRIES,
                 "邮件「%s」：结构异常，可能成为邮件头的行超过 %d 行或分段标记行超过 %d 行，未读取", mail_name,
                 MAX_FIELD_LINES, MAX_DASH_LINES);
        goto fail;
    }
    pthread_once(&gmime_once, gmime_start);
    GMimeStream *stream = arr ? g_mime_stream_mem_new_with_byte_array(arr)
                              : g_mime_stream_mem_new_with_buffer((const char *)data, len);
    /* the stream owns arr now */
    size_t skip = preamble(data, len);
    if (skip)
        g_mime_stream_set_bounds(stream, (gint64)skip, -1);
    d25_mail *m = parse(stream, mail_name, lim, err);
    g_object_unref(stream);
    return m;
fail:
    if (arr)
        g_byte_array_unref(arr);
    return NULL;
}

d25_mail *d25_mail_read_buffer(const void *data, size_t len, const char *name, const d25_mail_limits *lim,
                               d25_error *err)
{
    d25_mail_limits l = limits_of(lim);
    char *shown = display_name(name);
    if (!shown) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    d25_mail *m = read_bytes(NULL, data, len, shown, &l, err);
    free(shown);
    return m;
}

d25_mail *d25_mail_read(const char *path, const d25_mail_limits *lim, d25_error *err)
{
    d25_mail_limits l = limits_of(lim);
    char *shown = display_name(path);
    if (!shown) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    d25_mail *m = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        d25_fail(err, D25_E_IO, "邮件「%s」：无法打开（%s）", shown, d25_strerror(errno));
        goto out;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        d25_fail(err, D25_E_IO, "邮件「%s」：不是普通文件，无法读取", shown);
        goto out;
    }
    if ((unsigned long long)st.st_size > l.max_bytes) {
        d25_fail(err, D25_E_FILE_TOO_BIG, "邮件「%s」：有 %lld 字节，超过 %zu 字节的上限", shown,
                 (long long)st.st_size, l.max_bytes);
        goto out;
    }
    size_t len = (size_t)st.st_size;
    GByteArray *arr = g_byte_array_sized_new((guint)(len ? len : 1));
    g_byte_array_set_size(arr, (guint)len);
    size_t got = len ? fread(arr->data, 1, len, f) : 0;
    if (got != len || ferror(f)) {
        g_byte_array_unref(arr);
        d25_fail(err, D25_E_IO, "邮件「%s」：读取失败", shown);
        goto out;
    }
    m = read_bytes(arr, arr->data, len, shown, &l, err);
out:
    if (f)
        fclose(f);
    free(shown);
    return m;
}

void d25_mail_free(d25_mail *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nparts; i++) {
        free(m->parts[i].name);
        free(m->parts[i].data);
    }
    free(m->parts);
    free(m->subject);
    free(m->from);
    free(m);
}
