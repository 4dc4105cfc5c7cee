/* rules: load a rule-set INI (see rules.h and config/rules-education.ini). */
#include "rules.h"
#include "../util/suggest.h"
#include "edition.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../config/ini.h"
#include "../util/buf.h"
#include "../util/fold.h"
#include "../util/text.h"

const char *d25_status_name(d25_status s)
{
    static const char *const names[] = {NULL, "done", "partial", "not_done", "not_applicable"};
    return s < D25_ST_COUNT_ ? names[s] : NULL;
}

const char *d25_status_label(d25_status s)
{
    static const char *const labels[] = {"", "已落实", "部分落实", "未落实", "不适用"};
    return s < D25_ST_COUNT_ ? labels[s] : "";
}

typedef struct {
    dictionary *d;
    const char *path;
    d25_error *err;
} loader;

static int nomem(loader *L)
{
    return d25_fail(L->err, D25_E_NOMEM, "内存不足");
}

static int bad(loader *L, const char *sec, const char *key, const char *what)
{
    int line = d25_ini_line(L->path, sec, key);
    if (key)
        return d25_fail(L->err, D25_E_CONFIG, "规则文件 %s 第 %d 行：[%s] %s：%s", L->path, line, sec, key, what);
    return d25_fail(L->err, D25_E_CONFIG, "规则文件 %s 第 %d 行：[%s]：%s", L->path, line, sec, what);
}

static const char *get(loader *L, const char *sec, const char *key)
{
    char full[256];
    snprintf(full, sizeof full, "%s:%s", sec, key);
    return iniparser_getstring(L->d, full, NULL);
}

static int dup_opt(loader *L, const char *sec, const char *key, char **out)
{
    const char *v = get(L, sec, key);
    *out = strdup(v ? v : "");
    return *out ? 0 : nomem(L);
}

static int dup_req(loader *L, const char *sec, const char *key, char **out)
{
    const char *v = get(L, sec, key);
    if (!v || !*v)
        return bad(L, sec, key, "缺少此项或为空");
    *out = strdup(v);
    return *out ? 0 : nomem(L);
}

/* Only the listed keys may appear in a section: a typo must not pass. */
static int check_keys(loader *L, const char *sec, const char *const *allowed)
{
    char key[128];
    int r = d25_ini_unknown_key(L->d, sec, allowed, key, sizeof key);
    if (r < 0)
        return nomem(L);
    if (!r)
        return 0;
    size_t n = 0;
    while (allowed[n])
        n++;
    const char *near = d25_suggest(key, allowed, n);
    if (!near)
        return bad(L, sec, key, "没有这个设置项（拼写错误？）");
    char what[200];
    snprintf(what, sizeof what, "没有这个设置项。是不是 %s？", near);
    return bad(L, sec, key, what);
}

static int parse_words(loader *L, const char *sec, const char *key, d25_words *w, bool required)
{
    const char *v = get(L, sec, key);
    if (!v || !*v)
        return required ? bad(L, sec, key, "缺少此项或为空") : 0;
    const char *p = v;
    while (*p) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *raw = strndup(p, n);
        if (!raw)
            return nomem(L);
        char *f = d25_fold(raw);
        free(raw);
        if (!f)
            return nomem(L);
        if (*f) {
            if (d25_grow((void **)&w->v, &(size_t){w->n}, w->n + 1, sizeof *w->v) < 0) {
                free(f);
                return nomem(L);
            }
            w->v[w->n++] = f;
        } else {
            free(f);
        }
        p += n;
        if (*p == '|')
            p++;
    }
    return 0;
}

static void words_free(d25_words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    w->v = NULL;
    w->n = 0;
}

bool d25_words_in(const d25_words *w, const char *folded)
{
    for (size_t i = 0; i < w->n; i++)
        if (strstr(folded, w->v[i]))
            return true;
    return false;
}

size_t d25_words_prefix(const d25_words *w, const char *folded)
{
    size_t best = 0;
    for (size_t i = 0; i < w->n; i++) {
        size_t l = strlen(w->v[i]);
        if (l > best && strncmp(folded, w->v[i], l) == 0)
            best = l;
    }
    return best;
}


static int parse_int(loader *L, const char *sec, const char *key, int lo, int hi, int *out, bool required)
{
    const char *v = get(L, sec, key);
    if (!v || !*v)
        return required ? bad(L, sec, key, "缺少此项或为空") : 0;
    char *end;
    long n = strtol(v, &end, 10);
    while (*end == ' ')
        end++;
    if (*end || n < lo || n > hi) {
        char what[128];
        snprintf(what, sizeof what, "值“%s”无效，应为 %d 到 %d 的整数", v, lo, hi);
        return bad(L, sec, key, what);
    }
    *out = (int)n;
    return 0;
}

static int parse_double(loader *L, const char *sec, const char *key, double *out)
{
    const char *v = get(L, sec, key);
    if (!v || !*v)
        return 0;
    char *end;
    double x = strtod(v, &end);
    if (*end || !(x >= 0 && x <= 1))
        return bad(L, sec, key, "应为 0 到 1 之间的小数");
    *out = x;
    return 0;
}

static int check_applies(loader *L, const char *sec, const char *expr)
{
    if (strcmp(expr, "all") == 0)
        return 0;
    const char *p = expr;
    while (*p) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        bool ok = (n > 5 && strncmp(p, "type:", 5) == 0) || (n > 5 && strncmp(p, "flag:", 5) == 0);
        if (!ok)
            return bad(L, sec, "applies", "应为 all，或以“|”分隔的 type:类型 / flag:标志");
        p += n;
        if (*p == '|')
            p++;
    }
    return 0;
}

bool d25_applies(const char *expr, const char *type, const char *flags)
{
    if (!expr || !*expr || strcmp(expr, "all") == 0)
        return true;
    const char *p = expr;
    while (*p) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n > 5 && strncmp(p, "type:", 5) == 0) {
            if (type && strlen(type) == n - 5 && strncmp(type, p + 5, n - 5) == 0)
                return true;
        } else if (n > 5 && strncmp(p, "flag:", 5) == 0 && flags) {
            const char *f = flags;
            while (*f) {
                size_t fl = strcspn(f, "|;, ");
                if (fl == n - 5 && strncmp(f, p + 5, fl) == 0)
                    return true;
                f += fl;
                while (*f == '|' || *f == ';' || *f == ',' || *f == ' ')
                    f++;
            }
        }
        p += n;
        if (*p == '|')
            p++;
    }
    return false;
}

/* "N.M" section name: item N, sub-item M. */
static bool sub_code(const char *s, int *item, int *sub)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || *end != '.' || a < 1 || a > 999)
        return false;
    const char *q = end + 1;
    long b = strtol(q, &end, 10);
    if (end == q || *end || b < 1 || b > 999)
        return false;
    *item = (int)a;
    *sub = (int)b;
    return true;
}

static const char *const ftype_names[] = {"yesno", "havenot", "month", "day", "count", "text", NULL};

static int parse_template(loader *L, const char *sec, d25_prow *row)
{
    const char *t = row->text;
    d25_buf lit = {0}, shown = {0}, key = {0};
    int rc = -1;
    const char *p = t;
    for (;;) {
        const char *o = strchr(p, '{');
        size_t n = o ? (size_t)(o - p) : strlen(p);
        if (d25_buf_append(&lit, p, n) < 0 || d25_buf_append(&shown, p, n) < 0)
            goto oom;
        char *f = d25_fold(d25_buf_cstr(&lit));
        if (!f || d25_grow((void **)&row->lits, &(size_t){row->nlits}, row->nlits + 1, sizeof *row->lits) < 0) {
            free(f);
            goto oom;
        }
        row->lits[row->nlits++] = f;
        char *k = d25_fold_key(f);
        if (!k || d25_buf_puts(&key, k) < 0) {
            free(k);
            goto oom;
        }
        free(k);
        d25_buf_clear(&lit);
        if (!o)
            break;
        const char *c = strchr(o, '}');
        if (!c) {
            bad(L, sec, "text", "“{”没有对应的“}”");
            goto out;
        }
        char spec[128];
        size_t sl = (size_t)(c - o - 1);
        if (sl >= sizeof spec) {
            bad(L, sec, "text", "空格定义过长");
            goto out;
        }
        memcpy(spec, o + 1, sl);
        spec[sl] = '\0';
        char *colon = strchr(spec, ':');
        int ti = -1;
        if (colon) {
            *colon = '\0';
            for (int i = 0; ftype_names[i]; i++)
                if (strcmp(colon + 1, ftype_names[i]) == 0)
                    ti = i;
        }
        if (!colon || ti < 0 || !spec[0]) {
            char what[256];
            snprintf(what, sizeof what, "空格“{%s%s%s}”应写作 {名称:类型}，类型为 yesno / havenot / month / day / count / text",
                     spec, colon ? ":" : "", colon ? colon + 1 : "");
            bad(L, sec, "text", what);
            goto out;
        }
        if (d25_grow((void **)&row->fields, &(size_t){row->nfields}, row->nfields + 1, sizeof *row->fields) < 0)
            goto oom;
        d25_pfield *fd = &row->fields[row->nfields++];
        memset(fd, 0, sizeof *fd);
        fd->type = (d25_ftype)ti;
        fd->name = strdup(spec);
        const char *label = get(L, "fields", spec);
        fd->label = strdup(label && *label ? label : spec);
        if (!fd->name || !fd->label)
            goto oom;
        if (d25_buf_puts(&shown, ti == D25_F_YESNO ? "＿＿（是／否）" : ti == D25_F_HAVENOT ? "＿＿（有／无）" : "＿＿") < 0)
            goto oom;
        p = c + 1;
    }
    free(row->text);
    row->text = d25_buf_steal(&shown);
    row->key = d25_buf_steal(&key);
    if (!row->text || !row->key)
        goto oom;
    rc = 0;
    goto out;
oom:
    nomem(L);
out:
    d25_buf_free(&lit);
    d25_buf_free(&shown);
    d25_buf_free(&key);
    return rc;
}

/* [signature] fields: "unit|reporter|phone|date" or some of them; all four
 * when the rule set does not say. */
static int parse_sig_fields(loader *L, d25_rules *r)
{
    static const char *const names[D25_SIGF_COUNT_] = {"unit", "reporter", "phone", "date"};
    const char *v = get(L, "signature", "fields");
    if (!v) {
        r->sig_fields = (1u << D25_SIGF_COUNT_) - 1;
        return 0;
    }
    r->sig_fields = 0;
    for (const char *p = v; *p;) {
        size_t n = strcspn(p, "|");
        while (n && p[n - 1] == ' ')
            n--;
        int k = -1;
        for (int i = 0; i < D25_SIGF_COUNT_; i++)
            if (strlen(names[i]) == n && strncmp(p, names[i], n) == 0)
                k = i;
        if (k < 0 && n) {
            char what[160];
            snprintf(what, sizeof what, "“%.*s”不是签名栏的一项（应为 unit、reporter、phone、date）", (int)(n < 64 ? n : 64), p);
            return bad(L, "signature", "fields", what);
        }
        if (k >= 0)
            r->sig_fields |= 1u << k;
        p += strcspn(p, "|");
        if (*p == '|')
            p++;
        while (*p == ' ')
            p++;
    }
    return 0;
}

static int load_all(loader *L, d25_rules *r)
{
    static const char *const k_edition[] = {"id", "name", "unit_word", "deadline_day", "issuer", "issuer_short",
                                            "system", "scope", "checklist_heading", "progress_heading",
                                            "self_check_header", "key_units", "key_note", "key_flags",
                                            "enforcement_due", NULL};
    static const char *const k_status[] = {"done", "partial", "not_done", "not_applicable",
                                           "mark_yes", "mark_no", "mark_blank", NULL};
    static const char *const k_signature[] = {"fields", NULL};
    static const char *const k_checklist[] = {"title", "header_self_check", "header_content", "header_category",
                                              "header_basis", "header_penalty", "header_supervision",
                                              "header_measure", "header_deadline", "header_remark",
                                              "text_match", "text_warn", NULL};
    static const char *const k_duty[] = {"name", NULL};
    static const char *const k_item[] = {"duty", "name", "applies", NULL};
    static const char *const k_sub[] = {"text", "basis", "penalty", "source", "applies", NULL};
    static const char *const k_progress[] = {"title", "min_rows", "checks", "hazards", "summary", NULL};
    static const char *const k_prow[] = {"text", NULL};
    static const char *const k_cross[] = {"field", "item", NULL};

    if (check_keys(L, "edition", k_edition) < 0 || dup_req(L, "edition", "id", &r->id) < 0 ||
        dup_req(L, "edition", "name", &r->name) < 0 || dup_req(L, "edition", "unit_word", &r->unit_word) < 0 ||
        parse_int(L, "edition", "deadline_day", 1, 31, &r->deadline_day, true) < 0)
        return -1;
    r->words[D25_EW_UNIT_WORD] = r->unit_word;
    if (d25_edition_load(L->d, L->path, r, L->err) < 0)
        return -1;
    if (check_keys(L, "status", k_status) < 0)
        return -1;
    for (int s = D25_ST_DONE; s < D25_ST_COUNT_; s++)
        if (parse_words(L, "status", k_status[s - 1], &r->status[s], true) < 0)
            return -1;
    for (int m = 0; m < D25_MARK_COUNT_; m++)
        if (parse_words(L, "status", k_status[D25_ST_COUNT_ - 1 + m], &r->marks[m], false) < 0)
            return -1;
    if (check_keys(L, "signature", k_signature) < 0 || parse_sig_fields(L, r) < 0)
        return -1;
    if (check_keys(L, "checklist", k_checklist) < 0 || parse_words(L, "checklist", "title", &r->checklist_title, false) < 0)
        return -1;
    for (int h = 0; h < D25_H_COUNT_; h++)
        if (parse_words(L, "checklist", k_checklist[h + 1], &r->headers[h], h == D25_H_SELF || h == D25_H_CONTENT) < 0)
            return -1;
    r->text_match = 0.55;
    r->text_warn = 0.75;
    if (parse_double(L, "checklist", "text_match", &r->text_match) < 0 ||
        parse_double(L, "checklist", "text_warn", &r->text_warn) < 0)
        return -1;
    if (check_keys(L, "progress", k_progress) < 0 || parse_words(L, "progress", "title", &r->progress_title, false) < 0)
        return -1;
    r->progress_min_rows = 3;
    if (parse_int(L, "progress", "min_rows", 1, 100, &r->progress_min_rows, false) < 0)
        return -1;

    size_t cap_d = 0, cap_i = 0, cap_s = 0, cap_p = 0, cap_c = 0;
    int nsec = iniparser_getnsec(L->d);
    for (int i = 0; i < nsec; i++) {
        const char *sec = iniparser_getsecname(L->d, i);
        if (!sec)
            continue;
        int a, b;
        if (strncmp(sec, "duty.", 5) == 0) {
            if (check_keys(L, sec, k_duty) < 0 || d25_grow((void **)&r->duties, &cap_d, r->nduties + 1, sizeof *r->duties) < 0)
                return L->err->code ? -1 : nomem(L);
            d25_duty *d = &r->duties[r->nduties++];
            memset(d, 0, sizeof *d);
            d->n = atoi(sec + 5);
            if (d->n < 1)
                return bad(L, sec, NULL, "责任编号应为正整数");
            if (dup_req(L, sec, "name", &d->name) < 0)
                return -1;
        } else if (strncmp(sec, "item.", 5) == 0) {
            if (check_keys(L, sec, k_item) < 0 || d25_grow((void **)&r->items, &cap_i, r->nitems + 1, sizeof *r->items) < 0)
                return L->err->code ? -1 : nomem(L);
            d25_item *it = &r->items[r->nitems++];
            memset(it, 0, sizeof *it);
            it->n = atoi(sec + 5);
            if (it->n < 1)
                return bad(L, sec, NULL, "条目编号应为正整数");
            if (parse_int(L, sec, "duty", 1, 99, &it->duty, true) < 0 || dup_req(L, sec, "name", &it->name) < 0)
                return -1;
            const char *ap = get(L, sec, "applies");
            it->applies = strdup(ap && *ap ? ap : "all");
            if (!it->applies)
                return nomem(L);
            if (check_applies(L, sec, it->applies) < 0)
                return -1;
        } else if (sub_code(sec, &a, &b)) {
            if (check_keys(L, sec, k_sub) < 0 || d25_grow((void **)&r->subs, &cap_s, r->nsubs + 1, sizeof *r->subs) < 0)
                return L->err->code ? -1 : nomem(L);
            d25_subitem *s = &r->subs[r->nsubs++];
            memset(s, 0, sizeof *s);
            s->item = a;
            s->sub = b;
            snprintf(s->code, sizeof s->code, "%d.%d", a, b);
            if (dup_req(L, sec, "text", &s->text) < 0 || dup_opt(L, sec, "basis", &s->basis) < 0 ||
                dup_opt(L, sec, "penalty", &s->penalty) < 0 || dup_opt(L, sec, "source", &s->source) < 0)
                return -1;
            const char *ap = get(L, sec, "applies");
            if (ap && *ap) {
                if (!(s->applies = strdup(ap)))
                    return nomem(L);
                if (check_applies(L, sec, s->applies) < 0)
                    return -1;
            }
            if (!(s->key = d25_fold_key(s->text)))
                return nomem(L);
        } else if (strncmp(sec, "progress.", 9) == 0) {
            if (check_keys(L, sec, k_prow) < 0 || d25_grow((void **)&r->prows, &cap_p, r->nprows + 1, sizeof *r->prows) < 0)
                return L->err->code ? -1 : nomem(L);
            d25_prow *pr = &r->prows[r->nprows++];
            memset(pr, 0, sizeof *pr);
            pr->n = atoi(sec + 9);
            if (pr->n < 1)
                return bad(L, sec, NULL, "行号应为正整数");
            if (dup_req(L, sec, "text", &pr->text) < 0 || parse_template(L, sec, pr) < 0)
                return -1;
        } else if (strncmp(sec, "cross.", 6) == 0) {
            if (check_keys(L, sec, k_cross) < 0 || d25_grow((void **)&r->cross, &cap_c, r->ncross + 1, sizeof *r->cross) < 0)
                return L->err->code ? -1 : nomem(L);
            d25_cross *c = &r->cross[r->ncross++];
            memset(c, 0, sizeof *c);
            const char *code = get(L, sec, "item");
            if (dup_req(L, sec, "field", &c->field) < 0)
                return -1;
            if (!code || !*code)
                return bad(L, sec, "item", "缺少此项或为空");
            d25_copy(c->code, sizeof c->code, code);
        } else if (strcmp(sec, "edition") && strcmp(sec, "status") && strcmp(sec, "checklist") &&
                   strcmp(sec, "progress") && strcmp(sec, "fields") && strcmp(sec, "signature") &&
                   strcmp(sec, "types") && strcmp(sec, "flags")) {
            return bad(L, sec, NULL, "未知的节（应为 edition、types、flags、status、checklist、duty.N、item.N、N.M、progress、progress.N、fields、cross.N、signature）");
        }
    }
    /* Consistency: every sub-item's item exists, items' duties exist, no duplicates. */
    if (r->nsubs == 0)
        return d25_fail(L->err, D25_E_CONFIG, "规则文件 %s 没有任何子项（[N.M] 节）", L->path);
    for (size_t i = 0; i < r->nitems; i++) {
        bool found = false;
        for (size_t d = 0; d < r->nduties; d++)
            found |= r->duties[d].n == r->items[i].duty;
        char sec[32];
        snprintf(sec, sizeof sec, "item.%d", r->items[i].n);
        if (!found)
            return bad(L, sec, "duty", "没有这个编号的 [duty.N] 节");
        for (size_t j = 0; j < i; j++)
            if (r->items[j].n == r->items[i].n)
                return bad(L, sec, NULL, "条目编号重复");
    }
    for (size_t i = 0; i < r->nsubs; i++) {
        d25_subitem *s = &r->subs[i];
        const d25_item *it = d25_rules_item(r, s->item);
        if (!it)
            return bad(L, s->code, NULL, "所属条目没有对应的 [item.N] 节");
        if (!s->applies && !(s->applies = strdup(it->applies)))
            return nomem(L);
    }
    for (size_t i = 0; i < r->ncross; i++) {
        char sec[32];
        snprintf(sec, sizeof sec, "cross.%zu", i + 1);
        const d25_prow *row;
        if (!d25_rules_field(r, r->cross[i].field, &row))
            return bad(L, sec, "field", "推进情况表中没有这个空格");
        if (!d25_rules_sub(r, r->cross[i].code))
            return bad(L, sec, "item", "清单中没有这个子项");
    }
    if (get(L, "progress", "hazards")) {
        const d25_prow *row;
        const d25_pfield *A = d25_rules_field(r, r->hazards_found, &row), *B = d25_rules_field(r, r->hazards_fixed, &row);
        if (!A || !B || A->type != D25_F_COUNT || B->type != D25_F_COUNT)
            return bad(L, "progress", "hazards", "两项都应是推进情况表中的 count 空格");
    }
    /* [progress] summary: field:heading|... of count fields. */
    const char *sum = get(L, "progress", "summary");
    for (const char *p = sum ? sum : ""; *p;) {
        size_t n = strcspn(p, "|");
        const char *colon = memchr(p, ':', n);
        char f[128];
        snprintf(f, sizeof f, "%.*s", (int)(colon && colon - p < 127 ? colon - p : 0), p);
        const d25_prow *row;
        const d25_pfield *F = f[0] ? d25_rules_field(r, f, &row) : NULL;
        if (!colon || colon + 1 == p + n || !F || F->type != D25_F_COUNT)
            return bad(L, "progress", "summary", "应写作 空格:列名|空格:列名……，空格是推进情况表中的 count 空格");
        p += n;
        if (*p == '|')
            p++;
    }
    /* Types and flags named by applies exist in [types] and [flags] (when
     * the file has them). */
    for (size_t i = 0; i < r->nitems + r->nsubs; i++) {
        const char *ap = i < r->nitems ? r->items[i].applies : r->subs[i - r->nitems].applies;
        char sec[32];
        if (i < r->nitems)
            snprintf(sec, sizeof sec, "item.%d", r->items[i].n);
        else
            snprintf(sec, sizeof sec, "%s", r->subs[i - r->nitems].code);
        for (const char *p = strcmp(ap, "all") ? ap : ""; *p;) {
            size_t n = strcspn(p, "|");
            bool is_type = strncmp(p, "type:", 5) == 0;
            const d25_label *v = is_type ? r->types : r->flags;
            size_t nv = is_type ? r->ntypes : r->nflags;
            bool known = nv == 0;
            for (size_t k = 0; k < nv && !known; k++)
                known = strlen(v[k].key) == n - 5 && strncmp(v[k].key, p + 5, n - 5) == 0;
            if (!known) {
                char what[200];
                snprintf(what, sizeof what, "“%.*s”不在 [%s] 中", (int)(n < 80 ? n : 80), p, is_type ? "types" : "flags");
                return bad(L, sec, "applies", what);
            }
            p += n;
            if (*p == '|')
                p++;
        }
    }
    const char *checks = get(L, "progress", "checks");
    for (const char *p = checks ? checks : ""; *p;) {
        size_t n = strcspn(p, "|");
        char one[128];
        snprintf(one, sizeof one, "%.*s", (int)(n < sizeof one - 1 ? n : sizeof one - 1), p);
        char *le = strstr(one, "<=");
        const d25_prow *row;
        if (!le)
            return bad(L, "progress", "checks", "每项检查应写作 a<=b");
        *le = '\0';
        char *fa = one, *fb = le + 2;
        const d25_pfield *A = d25_rules_field(r, fa, &row), *B = d25_rules_field(r, fb, &row);
        if (!A || !B || A->type != D25_F_COUNT || B->type != D25_F_COUNT)
            return bad(L, "progress", "checks", "比较的两项都应是推进情况表中的 count 空格");
        if (d25_grow((void **)&r->checks, &(size_t){r->nchecks}, r->nchecks + 1, sizeof *r->checks) < 0)
            return nomem(L);
        d25_pcheck *ck = &r->checks[r->nchecks++];
        ck->a = strdup(fa);
        ck->b = strdup(fb);
        if (!ck->a || !ck->b)
            return nomem(L);
        p += n;
        if (*p == '|')
            p++;
    }
    return 0;
}

/* The table of sub-items by number (d25_rules.sub_index), when it stays
 * small: a month's 10,000 checklists look up 800,000 sub-items. */
static void index_subs(d25_rules *r)
{
    size_t items = 0, width = 0;
    for (size_t i = 0; i < r->nsubs; i++) {
        if ((size_t)r->subs[i].item >= items)
            items = (size_t)r->subs[i].item + 1;
        if ((size_t)r->subs[i].sub >= width)
            width = (size_t)r->subs[i].sub + 1;
    }
    if (!r->nsubs || items * width > 65536 || !(r->sub_index = calloc(items * width, sizeof *r->sub_index)))
        return;
    r->index_items = items;
    r->index_width = width;
    for (size_t i = r->nsubs; i-- > 0;) /* the first of twins wins, as in a scan */
        r->sub_index[(size_t)r->subs[i].item * width + (size_t)r->subs[i].sub] = &r->subs[i];
}

d25_rules *d25_rules_load(const char *path, d25_error *err)
{
    d25_rules *r = calloc(1, sizeof *r);
    if (!r) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    loader L = {.path = path, .err = err};
    L.d = d25_ini_load(path, "规则文件", err);
    if (!L.d || !(r->path = strdup(path)) || load_all(&L, r) < 0) {
        if (L.d && err->code == D25_OK)
            d25_fail(err, D25_E_NOMEM, "内存不足");
        if (L.d)
            iniparser_freedict(L.d);
        d25_rules_free(r);
        return NULL;
    }
    iniparser_freedict(L.d);
    index_subs(r);
    return r;
}

void d25_rules_free(d25_rules *r)
{
    if (!r)
        return;
    free(r->sub_index);
    free(r->path);
    free(r->id);
    free(r->name);
    d25_edition_free(r);
    free(r->unit_word);
    for (size_t i = 0; i < r->nduties; i++)
        free(r->duties[i].name);
    free(r->duties);
    for (size_t i = 0; i < r->nitems; i++) {
        free(r->items[i].name);
        free(r->items[i].applies);
    }
    free(r->items);
    for (size_t i = 0; i < r->nsubs; i++) {
        d25_subitem *s = &r->subs[i];
        free(s->text);
        free(s->basis);
        free(s->penalty);
        free(s->source);
        free(s->applies);
        free(s->key);
    }
    free(r->subs);
    for (int s = 0; s < D25_ST_COUNT_; s++)
        words_free(&r->status[s]);
    for (int m = 0; m < D25_MARK_COUNT_; m++)
        words_free(&r->marks[m]);
    words_free(&r->checklist_title);
    words_free(&r->progress_title);
    for (int h = 0; h < D25_H_COUNT_; h++)
        words_free(&r->headers[h]);
    for (size_t i = 0; i < r->nprows; i++) {
        d25_prow *p = &r->prows[i];
        free(p->text);
        free(p->key);
        for (size_t k = 0; k < p->nlits; k++)
            free(p->lits[k]);
        free(p->lits);
        for (size_t k = 0; k < p->nfields; k++) {
            free(p->fields[k].name);
            free(p->fields[k].label);
        }
        free(p->fields);
    }
    free(r->prows);
    for (size_t i = 0; i < r->nchecks; i++) {
        free(r->checks[i].a);
        free(r->checks[i].b);
    }
    free(r->checks);
    for (size_t i = 0; i < r->ncross; i++)
        free(r->cross[i].field);
    free(r->cross);
    free(r);
}

/* One number of a code as the rule set writes it (no sign, no leading
 * zero) at s; *end past its digits, or NULL when it is not written so. */
static int code_number(const char *s, const char **end)
{
    int n = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9' && n < 100000)
        n = n * 10 + (*p++ - '0');
    *end = p > s && !(s[0] == '0' && p - s > 1) ? p : NULL;
    return n;
}

const d25_subitem *d25_rules_sub_prefix(const d25_rules *r, const char *s, const char **end)
{
    const char *p;
    int item = code_number(s, &p), sub = 0;
    if (p && *p == '.')
        sub = code_number(p + 1, &p);
    else
        p = NULL;
    *end = p ? p : s;
    return p ? d25_rules_sub_at(r, item, sub) : NULL;
}

const d25_subitem *d25_rules_sub(const d25_rules *r, const char *code)
{
    const char *end;
    const d25_subitem *hit = d25_rules_sub_prefix(r, code, &end);
    return hit && !*end ? hit : NULL;
}

const d25_subitem *d25_rules_sub_at(const d25_rules *r, int item, int sub)
{
    if (r->sub_index)
        return item >= 0 && sub >= 0 && (size_t)item < r->index_items && (size_t)sub < r->index_width
                   ? r->sub_index[(size_t)item * r->index_width + (size_t)sub]
                   : NULL;
    for (size_t i = 0; i < r->nsubs; i++)
        if (r->subs[i].item == item && r->subs[i].sub == sub)
            return &r->subs[i];
    return NULL;
}

const d25_item *d25_rules_item(const d25_rules *r, int n)
{
    for (size_t i = 0; i < r->nitems; i++)
        if (r->items[i].n == n)
            return &r->items[i];
    return NULL;
}

const d25_pfield *d25_rules_field(const d25_rules *r, const char *name, const d25_prow **row)
{
    for (size_t i = 0; i < r->nprows; i++)
        for (size_t k = 0; k < r->prows[i].nfields; k++)
            if (strcmp(r->prows[i].fields[k].name, name) == 0) {
                if (row)
                    *row = &r->prows[i];
                return &r->prows[i].fields[k];
            }
    return NULL;
}

/* ---- self-check statuses ---- */

static bool is_sep(uint32_t cp)
{
    return cp == 0 || (cp < 0x80 && !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z')));
}

static bool is_word_cp(uint32_t cp)
{
    return d25_is_cjk(cp) || (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
}

int d25_rules_mark(const d25_rules *r, const char *folded, size_t *len)
{
    int kind = -1;
    *len = 0;
    for (int k = 0; k < D25_MARK_COUNT_; k++)
        for (size_t i = 0; i < r->marks[k].n; i++) {
            const char *w = r->marks[k].v[i];
            size_t wl = strlen(w);
            if (wl <= *len || strncmp(folded, w, wl) != 0)
                continue;
            /* A mark that is a letter or a character (是, v, x) stands alone:
             * "是否…" and "very" hold none. */
            const char *q = w;
            uint32_t first = d25_utf8_next(&q);
            const char *after = folded + wl;
            if (!*q && is_word_cp(first) && !is_sep(d25_utf8_next(&after)))
                continue;
            *len = wl;
            kind = k;
        }
    return kind;
}

/* Longest term matching at s; returns its status, *len its byte length. */
static d25_status match_at(const d25_rules *r, const char *s, bool at_start, size_t *len)
{
    d25_status best = D25_ST_NONE;
    size_t blen = 0;
    for (int st = D25_ST_DONE; st < D25_ST_COUNT_; st++) {
        for (size_t i = 0; i < r->status[st].n; i++) {
            const char *w = r->status[st].v[i];
            if (w[0] != s[0]) /* most words differ at once */
                continue;
            size_t wl = strlen(w);
            if (wl <= blen || strncmp(s, w, wl) != 0)
                continue;
            /* A one-character word (是, 有, y) stands alone: nothing but
             * punctuation after it, nothing but punctuation before it. */
            const char *q = w;
            uint32_t first = d25_utf8_next(&q);
            if (!*q && is_word_cp(first)) {
                const char *after = s + wl;
                if (!is_sep(d25_utf8_next(&after)) || !at_start)
                    continue;
            }
            best = (d25_status)st;
            blen = wl;
        }
    }
    *len = blen;
    return best;
}

d25_status d25_rules_status(const d25_rules *r, const char *raw, char **remark)
{
    if (remark)
        *remark = NULL;
    size_t *from = NULL;
    char *f = d25_fold_from(raw, &from);
    if (!f)
        return D25_ST_NONE;
    d25_status st = D25_ST_NONE;
    const char *rest = "";
    /* A row of boxes ("☑已落实 ☐未落实"): the word after the ticked box counts. */
    bool boxes = false;
    for (const char *p = f; *p;)
        if (d25_is_box(d25_utf8_next(&p), false))
            boxes = true;
    if (boxes) {
        for (const char *p = f; *p;) {
            uint32_t cp = d25_utf8_next(&p);
            size_t len;
            if (d25_is_box(cp, true) && (st = match_at(r, p, true, &len)) != D25_ST_NONE) {
                rest = "";
                break;
            }
        }
    } else {
        bool at_start = true;
        for (const char *p = f; *p;) {
            size_t len;
            st = match_at(r, p, at_start, &len);
            if (st != D25_ST_NONE) {
                /* "未/不/没" before a "done" word found later negates it. */
                if (st == D25_ST_DONE && p > f) {
                    const char *q = f;
                    uint32_t pc = 0;
                    while (q < p)
                        pc = d25_utf8_next(&q);
                    /* 未 不 没 待 */
                    if (pc == 0x672A || pc == 0x4E0D || pc == 0x6CA1 || pc == 0x5F85)
                        st = D25_ST_NOT_DONE;
                }
                rest = p + len;
                break;
            }
            uint32_t cp = d25_utf8_next(&p);
            at_start = is_sep(cp);
        }
    }
    if (remark) {
        while (*rest && is_sep((unsigned char)*rest) && (unsigned char)*rest < 0x80)
            rest++;
        /* The remark as written: 、 and full-width characters kept. */
        *remark = *rest ? d25_written(raw ? raw : "", from, (size_t)(rest - f), strlen(f)) : strdup("");
    }
    free(f);
    free(from);
    return st;
}
