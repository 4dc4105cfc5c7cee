/* forms: read a return's forms, signature block and period (see forms.h). */
#include "formsint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/fold.h"
#include "../util/text.h"

/* ---- dates and periods ---- */

static bool starts_with_cn(const char *p, const char *w)
{
    return strncmp(p, w, strlen(w)) == 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int d25_days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return m >= 1 && m <= 12 ? d[m - 1] : 0;
}

int d25_deadline_of(int period, int deadline_day)
{
    int dim = d25_days_in_month(period / 12, period % 12 + 1);
    return deadline_day < 1 || deadline_day > dim ? dim : deadline_day;
}

/* Parse digits at p (at most maxd), advancing; -1 if none. */
static int digits(const char **p, int maxd)
{
    int v = 0, n = 0;
    while (is_digit(**p) && n < maxd) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n ? v : -1;
}

typedef struct {
    int y, m, d; /* d 0 when no day */
} ymd;

/* Every year-month(-day) in folded text f, first one matching `want_day`. */
static bool scan_dates(const char *f, bool want_day, bool allow_day, bool compact, ymd *out)
{
    for (const char *p = f; *p; p++) {
        if (!is_digit(*p) || (p > f && is_digit(p[-1])))
            continue;
        const char *q = p;
        int y = digits(&q, 4);
        if (q - p != 4 || y < 1990 || y > 2100) {
            /* "YYYYMM" in a file name */
            q = p;
            int v = digits(&q, 7);
            if (compact && q - p == 6 && !is_digit(*q) && v / 100 >= 1990 && v / 100 <= 2100 && v % 100 >= 1 &&
                v % 100 <= 12 && !want_day) {
                out->y = v / 100;
                out->m = v % 100;
                out->d = 0;
                return true;
            }
            continue;
        }
        bool cn = starts_with_cn(q, "年");
        char sep = *q;
        if (cn)
            q += 3;
        else if (sep == '-' || sep == '.' || sep == '/')
            q++;
        else
            continue;
        int m = digits(&q, 2);
        if (m < 0 && cn) {
            long cm = d25_parse_cn_number(&q);
            m = cm > 0 && cm <= 12 ? (int)cm : -1;
        }
        if (m < 1 || m > 12)
            continue;
        if (cn) {
            if (!starts_with_cn(q, "月"))
                continue;
            q += 3;
        } else if (is_digit(*q)) {
            continue;
        }
        int d = 0;
        const char *dq = q;
        if (cn && is_digit(*dq)) {
            int dd = digits(&dq, 2);
            if (starts_with_cn(dq, "日") || starts_with_cn(dq, "号"))
                d = dd;
        } else if (!cn && *dq == sep && is_digit(dq[1])) {
            dq++;
            int dd = digits(&dq, 2);
            if (!is_digit(*dq))
                d = dd;
        }
        if (want_day && d <= 0)
            continue;
        if (!want_day && d > 0 && !allow_day)
            continue;
        out->y = y;
        out->m = m;
        out->d = d;
        return true;
    }
    return false;
}

int d25_find_period(const char *s, bool allow_day)
{
    char *f = d25_fold(s);
    ymd v;
    int r = f && scan_dates(f, false, allow_day, false, &v) ? v.y * 12 + v.m - 1 : -1;
    free(f);
    return r;
}

static int find_period_compact(const char *s)
{
    char *f = d25_fold(s);
    ymd v;
    int r = f && scan_dates(f, false, false, true, &v) ? v.y * 12 + v.m - 1 : -1;
    free(f);
    return r;
}

int d25_find_date(const char *s, int *y, int *m, int *d)
{
    char *f = d25_fold(s);
    if (!f)
        return 0;
    ymd v;
    int r = 0;
    if (scan_dates(f, true, true, false, &v)) {
        *y = v.y;
        *m = v.m;
        *d = v.d;
        r = v.d <= d25_days_in_month(v.y, v.m) ? 1 : -1;
    } else {
        /* "11月20日" without a year */
        for (const char *p = f; *p; p++) {
            if (!is_digit(*p) || (p > f && is_digit(p[-1])))
                continue;
            const char *q = p;
            int mm = digits(&q, 2);
            if (!starts_with_cn(q, "月") || !is_digit(q[3]))
                continue;
            q += 3;
            int dd = digits(&q, 2);
            if (!starts_with_cn(q, "日") && !starts_with_cn(q, "号"))
                continue;
            *y = 0;
            *m = mm;
            *d = dd;
            r = mm >= 1 && mm <= 12 && dd >= 1 && dd <= d25_days_in_month(2000, mm) ? 1 : -1;
            break;
        }
    }
    free(f);
    return r;
}

/* ---- the signature block ---- */

typedef struct {
    const char *s;
    size_t len;
} label;
#define L(x) {x, sizeof x - 1}
/* A label with a new first character must be added to label_at's switch. */
static const label sig_labels[D25_SIG_COUNT_][8] = {
    {L("填报单位"), L("单位名称"), L("学校名称"), L("幼儿园名称"), L("机构名称"), L("公司名称"), L("报送单位")},
    {L("填报人"), L("填表人"), L("经办人"), L("联系人")},
    {L("联系电话"), L("联系方式"), L("手机"), L("电话")},
    {L("填报时间"), L("填报日期"), L("填表时间"), L("填表日期"), L("报送时间"), L("日期")},
};
#undef L

/* The longest label at p: its kind and length, or -1. */
static int label_at(const char *p, size_t *len)
{
    int kind = -1;
    *len = 0;
    if (((unsigned char)p[0] & 0xF0) != 0xE0 || !p[1] || !p[2]) /* every label begins with a CJK character */
        return -1;
    /* ... and with one of these: most positions are rejected here. */
    switch (((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F)) {
    case 0x586B: case 0x5355: case 0x5B66: case 0x5E7C: case 0x673A: case 0x516C: /* 填单学幼机公 */
    case 0x62A5: case 0x8054: case 0x7ECF: case 0x624B: case 0x7535: case 0x65E5: /* 报联经手电日 */
        break;
    default:
        return -1;
    }
    for (int k = 0; k < D25_SIG_COUNT_; k++)
        for (const label *l = sig_labels[k]; l < sig_labels[k] + 8 && l->s; l++)
            if (l->len > *len && p[1] == l->s[1] && p[2] == l->s[2] && strncmp(p, l->s, l->len) == 0) {
                kind = k;
                *len = l->len;
            }
    return kind;
}

/* The start of the character after the one at p (labels begin only where
 * a character does). */
static const char *next_char(const char *p)
{
    do
        p++;
    while (((unsigned char)*p & 0xC0) == 0x80);
    return p;
}

static const char *skip_decor(const char *p)
{
    static const char *const decor[] = {"（盖章）", "(盖章)", "（签章）", "(签章)", "（签字）", "(签字)", "（签名）", "(签名)",
                                        "：", ":", " ", "\t", "\n", "　", "_", "＿", NULL};
    for (bool again = true; again;) {
        again = false;
        for (const char *const *d = decor; *d; d++)
            if (strncmp(p, *d, strlen(*d)) == 0) {
                p += strlen(*d);
                again = true;
            }
    }
    return p;
}

/* Trimmed value with blanks and "（盖章）" removed; NULL when nothing is left. */
static char *clean_value(const char *s, size_t n)
{
    d25_buf b = {0};
    d25_buf_append(&b, s, n);
    char *v = (char *)d25_buf_cstr(&b);
    static const char *const drop[] = {"（盖章）", "(盖章)", "（签章）", "(签章)", "（签字）", "(签字)", "＿", "_", NULL};
    for (const char *const *d = drop; *d; d++)
        for (char *q; (q = strstr(v, *d));)
            memmove(q, q + strlen(*d), strlen(q + strlen(*d)) + 1);
    char *out = d25_trim_dup(v);
    d25_buf_free(&b);
    if (out && !*out) {
        free(out);
        out = NULL;
    }
    return out;
}

static int read_signature(const d25_grids *gs, d25_signature *sig)
{
    for (size_t i = 0; i < gs->nlines; i++) {
        const char *t = gs->lines[i].text;
        for (const char *p = t; *p;) {
            size_t len;
            int kind = label_at(p, &len);
            if (kind < 0) {
                p = next_char(p);
                continue;
            }
            const char *v = skip_decor(p + len);
            const char *e = v;
            size_t l2;
            while (*e && label_at(e, &l2) < 0)
                e = next_char(e);
            if (!sig->v[kind]) {
                char *val = clean_value(v, (size_t)(e - v));
                if (val) {
                    sig->v[kind] = val;
                    d25_copy(sig->place[kind], sizeof sig->place[kind], gs->lines[i].place);
                } else if (!sig->place[kind][0]) {
                    d25_copy(sig->place[kind], sizeof sig->place[kind], gs->lines[i].place);
                }
            }
            p = e;
        }
    }
    return 0;
}

/* ---- a unit named in a title ---- */

static int add_hint(d25_form *out, const char *s, size_t n)
{
    char *raw = strndup(s, n);
    char *h = raw ? d25_trim_dup(raw) : NULL;
    free(raw);
    if (!h)
        return -1;
    if (!h[0]) {
        free(h);
        return 0;
    }
    char **v = realloc(out->title_hints, (out->ntitle_hints + 1) * sizeof *v);
    if (!v) {
        free(h);
        return -1;
    }
    out->title_hints = v;
    v[out->ntitle_hints++] = h;
    return 0;
}

/* The bracketed parts of a title line, then the text before the form's
 * name (folded line f, mapped to the line as written by from). */
static int title_hints(d25_form *out, const char *line, const char *f, const size_t *from, const d25_words *names)
{
    static const char *const open[] = {"（", "(", "【", "〔", "[", NULL};
    static const char *const close[] = {"）", ")", "】", "〕", "]", NULL};
    for (const char *p = line; *p;) {
        int k = -1;
        for (int i = 0; open[i]; i++)
            if (starts_with_cn(p, open[i]))
                k = i;
        if (k < 0) {
            p = next_char(p);
            continue;
        }
        const char *a = p + strlen(open[k]);
        const char *e = NULL;
        for (int i = 0; close[i] && !e; i++)
            e = strstr(a, close[i]);
        for (int i = 0; close[i]; i++) {
            const char *e2 = strstr(a, close[i]);
            if (e2 && e2 < e)
                e = e2;
        }
        if (!e)
            break;
        if (add_hint(out, a, (size_t)(e - a)) < 0)
            return -1;
        p = e;
    }
    /* the text before the first of the form's names */
    const char *first = NULL;
    for (size_t i = 0; i < names->n; i++) {
        const char *hit = strstr(f, names->v[i]);
        if (hit && (!first || hit < first))
            first = hit;
    }
    if (first && first > f && add_hint(out, line, from[first - f]) < 0)
        return -1;
    return 0;
}

/* ---- the return as a whole ---- */

int d25_form_read(const d25_ooxml *f, const d25_rules *rules, d25_form *out)
{
    memset(out, 0, sizeof *out);
    out->period = -1;
    d25_grids gs;
    int rc = f->doc ? d25_grids_from_doc(f->doc, &gs) : f->book ? d25_grids_from_book(f->book, &gs) : -2;
    if (rc == -2)
        return 0;
    if (rc < 0)
        return -1;
    out->sig.seal = f->images > 0;
    if (d25_checklist_read(&gs, rules, &out->checklist) < 0 || d25_progress_read(&gs, rules, &out->progress) < 0 ||
        read_signature(&gs, &out->sig) < 0) {
        d25_grids_free(&gs);
        return -1;
    }
    /* The period: a year and month in a title or heading, else in the file
     * name, else the month of the report date. */
    for (size_t i = 0; i < gs.nlines && out->period < 0; i++) {
        size_t len;
        bool sig_line = false;
        for (const char *p = gs.lines[i].text; *p && !sig_line; p = next_char(p))
            sig_line = label_at(p, &len) == D25_SIG_DATE;
        if (sig_line || d25_utf8_len(gs.lines[i].text) > 120)
            continue;
        out->period = d25_find_period(gs.lines[i].text, false);
        if (out->period >= 0) {
            snprintf(out->period_from, sizeof out->period_from, "表内标题");
            d25_copy(out->period_place, sizeof out->period_place, gs.lines[i].place);
        }
    }
    if (out->period < 0) {
        const char *base = d25_basename(f->path);
        out->period = d25_find_period(base, false);
        if (out->period < 0)
            out->period = find_period_compact(base);
        if (out->period >= 0)
            snprintf(out->period_from, sizeof out->period_from, "文件名");
    }
    if (out->period < 0 && out->sig.v[D25_SIG_DATE]) {
        int y, m, d;
        if (d25_find_date(out->sig.v[D25_SIG_DATE], &y, &m, &d) == 1 && y > 0) {
            out->period = y * 12 + m - 1;
            snprintf(out->period_from, sizeof out->period_from, "填报时间");
            d25_copy(out->period_place, sizeof out->period_place, out->sig.place[D25_SIG_DATE]);
        }
    }
    int rc2 = 0;
    for (size_t i = 0; i < gs.nlines && rc2 == 0; i++) {
        if (strlen(gs.lines[i].text) > 400) /* far longer than any title */
            continue;
        /* A title is a short line naming a form. */
        char fl[4 * 79 + 1];
        if (!d25_fold_short(gs.lines[i].text, fl, sizeof fl, 79))
            continue;
        const d25_words *names = d25_words_in(&rules->checklist_title, fl) ? &rules->checklist_title
                                 : d25_words_in(&rules->progress_title, fl) ? &rules->progress_title
                                                                            : NULL;
        if (!names)
            continue;
        if (!out->title && !(out->title = strdup(gs.lines[i].text)))
            rc2 = -1;
        size_t *from = NULL;
        char *folded = rc2 ? NULL : d25_fold_from(gs.lines[i].text, &from);
        if (!folded || title_hints(out, gs.lines[i].text, folded, from, names) < 0)
            rc2 = -1;
        free(folded);
        free(from);
    }
    d25_grids_free(&gs);
    return rc2;
}

void d25_form_free(d25_form *form)
{
    d25_checklist_free(&form->checklist);
    d25_progress_free(&form->progress);
    for (int k = 0; k < D25_SIG_COUNT_; k++)
        free(form->sig.v[k]);
    free(form->title);
    for (size_t i = 0; i < form->ntitle_hints; i++)
        free(form->title_hints[i]);
    free(form->title_hints);
    memset(form, 0, sizeof *form);
}
