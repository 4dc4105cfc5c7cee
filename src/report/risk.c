/* risk: the report's judgement of the month (see risk.h). */
#include "risk.h"
#include "data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text of a sub-item for a sentence: whole, or with clip up to its
 * first clause and at most 24 characters ("…" when cut inside one). */
static void put_sub_text(d25_buf *b, const d25_subitem *sub, bool clip)
{
    const char *t = sub->text ? sub->text : "";
    if (!clip) {
        d25_buf_puts(b, t);
        return;
    }
    static const char *const stops[] = {"，", "；", "。", "：", NULL};
    size_t end = strlen(t);
    for (size_t k = 0; stops[k]; k++) {
        const char *s = strstr(t, stops[k]);
        if (s && (size_t)(s - t) < end && s - t >= 6) /* two characters at least */
            end = (size_t)(s - t);
    }
    size_t chars = 0, at = 0;
    while (at < end && chars < 24) {
        unsigned char c = (unsigned char)t[at];
        at += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        chars++;
    }
    if (at > end)
        at = end;
    d25_buf_append(b, t, at);
    if (at < end)
        d25_buf_puts(b, "…");
}

/* Whether codes ("|1.1|3.2|") holds the code k of w bytes (called for
 * every key item of every unit: no printf). */
static bool has_code(const char *codes, const char *k, size_t w)
{
    for (const char *p = strchr(codes, '|'); p; p = strchr(p + 1, '|'))
        if (strncmp(p + 1, k, w) == 0 && p[1 + w] == '|')
            return true;
    return false;
}

/* Each of [enforcement] key_items that is among codes ("|1.1|3.2|"):
 * fn(ud, code, length). */
static void each_key_item(const d25_config *cfg, const char *codes, void (*fn)(void *, const char *, size_t), void *ud)
{
    for (const char *k = cfg->enforcement.key_items ? cfg->enforcement.key_items : ""; *k && codes && *codes;) {
        size_t w = strcspn(k, "|;, ");
        if (w && w < 30 && has_code(codes, k, w))
            fn(ud, k, w);
        k += w;
        while (*k == '|' || *k == ';' || *k == ',' || *k == ' ')
            k++;
    }
}

typedef struct {
    const d25_rules *rules;
    d25_buf *b;
    bool clip;
    int n;
} key_words;

static void put_key_item(void *ud, const char *code, size_t len)
{
    key_words *kw = ud;
    char c[32];
    snprintf(c, sizeof c, "%.*s", (int)len, code);
    d25_buf_puts(kw->b, kw->n++ ? "、" : "");
    d25_buf_puts(kw->b, c);
    const d25_subitem *sub = d25_rules_sub(kw->rules, c);
    if (sub) {
        d25_buf_puts(kw->b, "“");
        put_sub_text(kw->b, sub, kw->clip);
        d25_buf_puts(kw->b, "”");
    }
}

static void count_key_item(void *ud, const char *code, size_t len)
{
    (void)code;
    (void)len;
    ++*(int *)ud;
}

static bool key_not_done(const d25_config *cfg, const d25_unit_facts *f)
{
    int n = 0;
    each_key_item(cfg, f->nd_codes, count_key_item, &n);
    return n > 0;
}

static void sep(d25_buf *b)
{
    if (b->len)
        d25_buf_puts(b, "；");
}

bool d25_risk_enforcement_why(const d25_config *cfg, const d25_rules *rules, const d25_unit_facts *f, bool clip,
                              d25_buf *why, bool *nomem)
{
    const d25_enforcement *en = &cfg->enforcement;
    size_t was = why->len;
    d25_unit_state st = f->us->state;
    if (en->missing && st == D25_UNIT_MISSING)
        d25_buf_puts(why, "未报送报表");
    if (en->rejected && (st == D25_UNIT_REJECTED || st == D25_UNIT_INCOMPLETE)) {
        sep(why);
        d25_buf_puts(why, st == D25_UNIT_REJECTED ? "报表被退回，未按要求改正" : "两张表未报齐");
    }
    if (key_not_done(cfg, f)) {
        sep(why);
        d25_buf_puts(why, "关键子项未落实：");
        key_words kw = {rules, why, clip, 0};
        each_key_item(cfg, f->nd_codes, put_key_item, &kw);
    }
    if (en->not_done_min > 0 && f->not_done >= en->not_done_min) {
        char t[64];
        sep(why);
        snprintf(t, sizeof t, "共%d个子项未落实", f->not_done);
        d25_buf_puts(why, t);
    }
    if (!d25_buf_cstr(why))
        *nomem = true;
    return why->len > was;
}

static long unrectified(const d25_unit_facts *f)
{
    return f->progress && f->found > f->fixed ? f->found - f->fixed : 0;
}

static bool holds(const d25_config *cfg, const d25_measure_cond *c, const d25_unit_facts *f)
{
    d25_unit_state st = f->us->state;
    switch (c->kind) {
    case D25_MC_MISSING: return st == D25_UNIT_MISSING;
    case D25_MC_REJECTED: return st == D25_UNIT_REJECTED || st == D25_UNIT_INCOMPLETE;
    case D25_MC_LATE: return st == D25_UNIT_LATE;
    case D25_MC_NOT_DONE: return f->not_done >= c->min;
    case D25_MC_KEY: return key_not_done(cfg, f);
    case D25_MC_UNRECTIFIED: return unrectified(f) >= c->min;
    case D25_MC_REPEATED: return f->not_done >= c->min && f->prev_not_done >= c->min;
    case D25_MC_ENFORCEMENT: return f->enforcement;
    }
    return false;
}

static bool applies(const d25_config *cfg, const d25_measure *m, const d25_unit_facts *f)
{
    for (size_t k = 0; k < m->ncond; k++)
        if (holds(cfg, &m->cond[k], f))
            return true;
    return false;
}

/* The action's words up to its first clause: "约谈主要负责人". */
static void put_short_action(d25_buf *b, const char *action)
{
    const char *c = strstr(action, "，");
    d25_buf_append(b, action, c ? (size_t)(c - action) : strlen(action));
}

typedef struct {
    size_t i;
    long score;
    const char *code;
} ranked;

/* Highest score first; ties by unit code, so that a district's ranking is
 * the same whichever order its registry comes in (a city reads it back
 * from its store). */
static int by_score(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    int c = strcmp(x->code ? x->code : "", y->code ? y->code : "");
    return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* A risky unit's reasons in words (clipped sub-item texts); false when it
 * is not one. */
static bool risk_reasons(const d25_config *cfg, const d25_rules *rules, const d25_unit_facts *f, d25_buf *why,
                         bool *nomem)
{
    bool risky = d25_risk_enforcement_why(cfg, rules, f, true, why, nomem);
    long un = unrectified(f);
    if (un >= cfg->risk_unrectified_min) {
        char t[96];
        sep(why);
        snprintf(t, sizeof t, "发现隐患%ld条，仅整改%ld条", f->found, f->fixed);
        d25_buf_puts(why, t);
        risky = true;
    }
    if (!risky)
        return false;
    if (f->not_done > 0 && f->prev_not_done > 0) {
        char t[96];
        sep(why);
        snprintf(t, sizeof t, "上月已有%d个子项未落实", f->prev_not_done);
        d25_buf_puts(why, t);
    }
    if (f->us->state == D25_UNIT_LATE) {
        sep(why);
        d25_buf_puts(why, "逾期报送");
    }
    if (!d25_buf_cstr(why))
        *nomem = true;
    return true;
}

static long score_of(const d25_config *cfg, const d25_unit_facts *f)
{
    d25_unit_state st = f->us->state;
    long s = (st == D25_UNIT_MISSING || st == D25_UNIT_REJECTED ? 100000 : 0) + 2L * f->not_done + unrectified(f);
    if (key_not_done(cfg, f))
        s += 20;
    if (f->not_done > 0 && f->prev_not_done > 0)
        s += 5;
    return s;
}

enum { RISK_NAMED = 5, KEY_NAMED = 10, MEASURE_NAMED = 3 };

/* risk_units, risk_count, risk_more; order: the units by score. */
static int risk_units(const d25_config *cfg, const d25_rules *rules, const d25_unit_facts *facts, ranked *order,
                      size_t n, json_t *root)
{
    json_t *named = json_array();
    long count = 0;
    bool nomem = !named;
    for (size_t k = 0; k < n && !nomem; k++) {
        const d25_unit_facts *f = &facts[order[k].i];
        d25_buf why = {0};
        if (!risk_reasons(cfg, rules, f, &why, &nomem)) {
            d25_buf_free(&why);
            continue;
        }
        if (++count <= RISK_NAMED) {
            d25_buf act = {0};
            for (size_t m = 0; m < cfg->nmeasures; m++)
                if (applies(cfg, &cfg->measures[m], f)) {
                    d25_buf_puts(&act, act.len ? "、" : "");
                    put_short_action(&act, cfg->measures[m].action);
                }
            const d25_unit *u = f->us->unit;
            json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s?,s:s,s:I}", "n", (json_int_t)count, "code", u->code, "name",
                                  u->name, "area", u->area, "reasons", d25_buf_cstr(&why), "measures",
                                  d25_buf_cstr(&act) ? d25_buf_cstr(&act) : "", "score", (json_int_t)order[k].score);
            nomem = !o || json_array_append_new(named, o) < 0;
            d25_buf_free(&act);
        }
        d25_buf_free(&why);
    }
    json_object_set_new(root, "risk_units", named);
    json_object_set_new(root, "risk_count", json_integer(count));
    json_object_set_new(root, "risk_more", json_integer(count > RISK_NAMED ? count - RISK_NAMED : 0));
    return nomem ? -1 : 0;
}

/* measures: for each configured measure the units it applies to, the
 * riskiest first. */
static int measures(const d25_config *cfg, const d25_unit_facts *facts, const ranked *order, size_t n, json_t *root)
{
    json_t *list = json_array();
    bool nomem = !list;
    for (size_t m = 0; m < cfg->nmeasures && !nomem; m++) {
        const d25_measure *me = &cfg->measures[m];
        d25_buf names = {0};
        long count = 0;
        for (size_t k = 0; k < n; k++) {
            const d25_unit_facts *f = &facts[order[k].i];
            if (!applies(cfg, me, f))
                continue;
            if (++count <= MEASURE_NAMED) {
                d25_buf_puts(&names, count > 1 ? "、" : "");
                d25_buf_puts(&names, f->us->unit->name);
            }
        }
        if (count) {
            d25_buf what = {0};
            put_short_action(&what, me->action);
            json_t *o = json_pack("{s:I,s:s,s:s?,s:s?,s:I,s:b}", "n", (json_int_t)json_array_size(list) + 1, "action",
                                  me->action, "short", d25_buf_cstr(&what), "names", d25_buf_cstr(&names), "count",
                                  (json_int_t)count, "more", count > MEASURE_NAMED);
            nomem = !o || json_array_append_new(list, o) < 0;
            d25_buf_free(&what);
        }
        d25_buf_free(&names);
    }
    json_object_set_new(root, "measures", list);
    return nomem ? -1 : 0;
}

/* key: the key-supervision units, and those with something wrong one by
 * one (not on time, a key-supervision sub-item not done or partial, or
 * risk_unrectified_min hazards not rectified). */
static int key_units(const d25_config *cfg, const d25_rules *rules, const d25_unit_facts *facts, const ranked *order,
                     size_t n, json_t *root)
{
    json_t *key = json_object(), *problems = json_array();
    long count = 0, returned = 0, on_time = 0, app = 0, done = 0, found = 0, fixed = 0, nprob = 0;
    bool nomem = !key || !problems;
    for (size_t k = 0; k < n && !nomem; k++) {
        const d25_unit_facts *f = &facts[order[k].i];
        const d25_unit *u = f->us->unit;
        if (!d25_rules_key_unit(rules, u->flags))
            continue;
        count++;
        d25_unit_state st = f->us->state;
        returned += st == D25_UNIT_ON_TIME || st == D25_UNIT_LATE;
        on_time += st == D25_UNIT_ON_TIME;
        app += f->key_app;
        done += f->key_done;
        if (f->progress) {
            found += f->found;
            fixed += f->fixed;
        }
        d25_buf t = {0};
        if (st != D25_UNIT_ON_TIME)
            d25_buf_puts(&t, st == D25_UNIT_MISSING    ? "未报送"
                             : st == D25_UNIT_REJECTED ? "报表被退回，尚未改正"
                             : st == D25_UNIT_INCOMPLETE ? "只报送了一张表"
                                                         : "逾期报送");
        /* "|23.2=n|23.1=p|" */
        for (const char *p = f->key_codes ? f->key_codes : ""; *p;) {
            if (*p == '|') {
                p++;
                continue;
            }
            size_t w = strcspn(p, "=|");
            char code[32];
            snprintf(code, sizeof code, "%.*s", (int)(w < 31 ? w : 31), p);
            char letter = p[w] == '=' ? p[w + 1] : 0;
            const d25_subitem *sub = d25_rules_sub(rules, code);
            sep(&t);
            d25_buf_puts(&t, code);
            if (sub) {
                d25_buf_puts(&t, "“");
                put_sub_text(&t, sub, true);
                d25_buf_puts(&t, "”");
            }
            d25_buf_puts(&t, letter == 'p' ? "部分落实" : "未落实");
            p += strcspn(p, "|");
        }
        if (t.len || unrectified(f) >= cfg->risk_unrectified_min) {
            if (f->progress) {
                char h[96];
                sep(&t);
                snprintf(h, sizeof h, "发现隐患%ld条，已整改%ld条", f->found, f->fixed);
                d25_buf_puts(&t, h);
            }
            if (++nprob <= KEY_NAMED) {
                json_t *o = json_pack("{s:I,s:s,s:s,s:s?}", "n", (json_int_t)nprob, "name", u->name, "area", u->area,
                                      "text", d25_buf_cstr(&t));
                nomem = !o || json_array_append_new(problems, o) < 0;
            }
        }
        d25_buf_free(&t);
    }
    if (nomem) {
        json_decref(key);
        json_decref(problems);
        return -1;
    }
    /* The items that apply to them for being such: 第23条“…”. */
    d25_buf items = {0};
    int last = -1;
    for (size_t i = 0; i < rules->nsubs; i++) {
        const d25_subitem *sub = &rules->subs[i];
        if (sub->item == last || !d25_rules_key_sub(rules, sub))
            continue;
        last = sub->item;
        for (size_t j = 0; j < rules->nitems; j++)
            if (rules->items[j].n == sub->item) {
                char t[32];
                snprintf(t, sizeof t, "%s第%d条“", items.len ? "、" : "", sub->item);
                d25_buf_puts(&items, t);
                d25_buf_puts(&items, rules->items[j].name);
                d25_buf_puts(&items, "”");
            }
    }
    json_object_set_new(key, "items_text", json_string(d25_buf_cstr(&items) ? d25_buf_cstr(&items) : ""));
    d25_buf_free(&items);
    json_object_set_new(key, "count", json_integer(count));
    json_object_set_new(key, "returned", json_integer(returned));
    json_object_set_new(key, "on_time", json_integer(on_time));
    json_object_set_new(key, "applicable", json_integer(app));
    json_object_set_new(key, "done", json_integer(done));
    json_object_set_new(key, "rate_text", d25_report_rate_text(done, app));
    json_object_set_new(key, "found", json_integer(found));
    json_object_set_new(key, "rectified", json_integer(fixed));
    json_object_set_new(key, "unrectified", json_integer(found - fixed));
    json_object_set_new(key, "rectify_rate_text", d25_report_rate_text(fixed, found));
    json_object_set_new(key, "problems", problems);
    json_object_set_new(key, "problem_count", json_integer(nprob));
    json_object_set_new(key, "problem_more", json_integer(nprob > KEY_NAMED ? nprob - KEY_NAMED : 0));
    json_object_set_new(key, "fine", json_integer(count - nprob));
    json_object_set_new(root, "key", key);
    return 0;
}

/* 0 at or above the first line, 1 at or above the second, else 2; 0 with
 * nothing to judge. */
static int level_of(double rate, const int line[2])
{
    if (rate < 0)
        return 0;
    double pct = rate * 100 + 1e-9;
    return pct >= line[0] ? 0 : pct >= line[1] ? 1 : 2;
}

int d25_risk_grade(const d25_config *cfg, double compliance_rate, double rectify_rate, json_t *root)
{
    int a = level_of(compliance_rate, cfg->grade_rate), b = level_of(rectify_rate, cfg->grade_rectify);
    int g = a > b ? a : b;
    static const char *const fallback[3] = {"较低", "一般", "较高"};
    const char *label = cfg->grade_labels[g] ? cfg->grade_labels[g] : fallback[g];
    char basis[512];
    snprintf(basis, sizeof basis,
             "子项落实率不低于%d%%且隐患整改率不低于%d%%为“%s”，落实率低于%d%%或整改率低于%d%%为“%s”，其余为“%s”",
             cfg->grade_rate[0], cfg->grade_rectify[0], cfg->grade_labels[0] ? cfg->grade_labels[0] : fallback[0],
             cfg->grade_rate[1], cfg->grade_rectify[1], cfg->grade_labels[2] ? cfg->grade_labels[2] : fallback[2],
             cfg->grade_labels[1] ? cfg->grade_labels[1] : fallback[1]);
    json_t *o = json_pack("{s:s,s:i,s:s,s:b,s:b}", "label", label, "level", g, "basis", basis, "by_rate", a == g && g > 0,
                          "by_rectify", b == g && g > 0);
    return o && json_object_set_new(root, "grade", o) == 0 ? 0 : -1;
}

int d25_risk_build(const d25_config *cfg, const d25_rules *rules, const d25_unit_facts *facts, size_t n,
                   double compliance_rate, double rectify_rate, json_t *root, d25_error *err)
{
    ranked *order = malloc((n + 1) * sizeof *order);
    if (!order)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    for (size_t i = 0; i < n; i++)
        order[i] = (ranked){i, score_of(cfg, &facts[i]), facts[i].us->unit->code};
    qsort(order, n, sizeof *order, by_score);
    json_object_set_new(root, "risk_unrectified_min", json_integer(cfg->risk_unrectified_min));
    int rc = risk_units(cfg, rules, facts, order, n, root) < 0 || measures(cfg, facts, order, n, root) < 0 ||
                     key_units(cfg, rules, facts, order, n, root) < 0 || d25_risk_grade(cfg, compliance_rate, rectify_rate, root) < 0
                 ? d25_fail(err, D25_E_NOMEM, "内存不足")
                 : 0;
    free(order);
    return rc;
}
