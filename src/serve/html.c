/* serve html: escaping, the page frame (one inline style sheet, no script,
 * nothing fetched from elsewhere) and error pages. */
#include "serveint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void h_esc(d25_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': d25_buf_puts(b, "&lt;"); break;
        case '>': d25_buf_puts(b, "&gt;"); break;
        case '&': d25_buf_puts(b, "&amp;"); break;
        case '"': d25_buf_puts(b, "&quot;"); break;
        case '\'': d25_buf_puts(b, "&#39;"); break;
        default: d25_buf_putc(b, *s);
        }
    }
}

void h_printf(d25_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n >= 0)
        d25_buf_append(b, s, (size_t)n);
    free(s);
}

static const char style[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif;margin:0;background:#f4f6f8;color:#222}"
    "header{background:#1f4e79;color:#fff;padding:12px 24px;font-size:18px}"
    "main{max-width:1100px;margin:16px auto;padding:0 16px}"
    "section{background:#fff;border:1px solid #d8dee4;border-radius:6px;padding:12px 18px;margin-bottom:16px}"
    "h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:4px 0 10px}"
    "table{border-collapse:collapse;width:100%;font-size:14px}"
    "th,td{border:1px solid #d8dee4;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eef2f6}"
    ".ok{color:#17692b;font-weight:bold}.bad{color:#b3261e;font-weight:bold}.warn{color:#8a5a00}"
    ".num{text-align:right}.muted{color:#666;font-size:13px}"
    "pre{font-size:13px;background:#f7f7f7;padding:8px;overflow:auto}"
    "button{font-size:15px;padding:6px 14px;margin-right:8px}"
    ".verdict{font-size:20px;margin:6px 0}"
    "a.dl{display:inline-block;margin:4px 12px 4px 0}";

void h_begin(d25_buf *b, const char *title)
{
    d25_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
    h_esc(b, title);
    h_printf(b, "</title><style>%s</style></head><body><header>duty25　六大责任25条报送</header><main>\n", style);
}

void h_end(d25_buf *b) { d25_buf_puts(b, "</main></body></html>\n"); }

void srv_error_page(srv_resp *r, int status, const char *title, const char *text)
{
    r->status = status;
    d25_buf_clear(&r->body);
    h_begin(&r->body, title);
    d25_buf_puts(&r->body, "<section><h1>");
    h_esc(&r->body, title);
    d25_buf_puts(&r->body, "</h1><p>");
    h_esc(&r->body, text);
    d25_buf_puts(&r->body, "</p></section>");
    h_end(&r->body);
}

char *srv_attachment(const char *name)
{
    d25_buf b = {0};
    d25_buf_puts(&b, "attachment; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
            d25_buf_putc(&b, (char)*p);
        else
            h_printf(&b, "%%%02X", *p);
    }
    return d25_buf_steal(&b);
}
