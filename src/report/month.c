/* report/month: a period's checklists added up (see month.h). */
#include "month.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/error.h"

static void add_tally(d25_tally *to, const d25_tally *t)
{
    to->done += t->done;
    to->partial += t->partial;
    to->not_done += t->not_done;
    to->na += t->na;
}

/* Each "code=letter" of a statuses summary ("1.1=d;1.2=n", as the store
 * wrote it from the rule set): fn(ud, sub, letter) for the sub-items the
 * rule set knows, looked up by their numbers in one pass over the text
 * (a month is 800,000 of them). */
static void each_status(const d25_rules *rules, const char *s, void (*fn)(void *, const d25_subitem *, char), void *ud)
{
    while (s && *s) {
        const char *p;
        const d25_subitem *it = d25_rules_sub_prefix(rules, s, &p);
        if (it && p[0] == '=' && p[1] && p[1] != ';')
            fn(ud, it, p[1]);
        s = strchr(p, ';');
        s = s ? s + 1 : NULL;
    }
}

typedef struct {
    const d25_rules *rules;
    d25_tally *subs;
} tally_ctx;

static void count_status(void *ud, const d25_subitem *sub, char st)
{
    tally_ctx *c = ud;
    d25_tally *t = &c->subs[sub - c->rules->subs];
    switch (st) {
    case 'd': t->done++; break;
    case 'p': t->partial++; break;
    case 'n': t->not_done++; break;
    case 'a': t->na++; break;
    default: break;
    }
}

static void note_not_done(void *ud, const d25_subitem *sub, char st)
{
    d25_not_done *x = ud;
    if (st != 'n')
        return;
    x->n++;
    /* "|1.1|3.2|": the not-done codes, looked up below. */
    if ((!x->keys.len && d25_buf_puts(&x->keys, "|") < 0) || d25_buf_puts(&x->keys, sub->code) < 0 ||
        d25_buf_puts(&x->keys, "|") < 0)
        x->nomem = true;
}

/* A status counted in its tally, and noted among the unit's not-done
 * sub-items when the unit is expected. */
typedef struct {
    tally_ctx tc;
    d25_not_done *x; /* NULL: not expected this month */
    const bool *key_sub; /* the unit is a key-supervision one: month.key_sub, else NULL */
    int nn; /* sub-items not done */
    uint64_t nd_items; /* bit n: the unit has a sub-item of item n (< 64) not done */
} row_ctx;

static void row_status(void *ud, const d25_subitem *sub, char st)
{
    row_ctx *r = ud;
    count_status(&r->tc, sub, st);
    r->nn += st == 'n';
    if (st == 'n' && sub->item >= 0 && sub->item < 64)
        r->nd_items |= UINT64_C(1) << sub->item;
    if (r->x)
        note_not_done(r->x, sub, st);
    if (r->x && r->key_sub && r->key_sub[sub - r->tc.rules->subs] && st != 'a') {
        r->x->key_app++;
        r->x->key_done += st == 'd';
        char t[24];
        snprintf(t, sizeof t, "%s=%c|", sub->code, st);
        if (st != 'd' && ((!r->x->key_codes.len && d25_buf_puts(&r->x->key_codes, "|") < 0) ||
                          d25_buf_puts(&r->x->key_codes, t) < 0))
            r->x->nomem = true;
    }
}

int d25_month_row(void *ud, const d25_current *c)
{
    d25_month *mo = ud;
    if (!c->statuses)
        return 0;
    const d25_unit *u = mo->reg ? d25_registry_by_code(mo->reg, c->unit) : NULL;
    const d25_unit_status *us = mo->st ? d25_status_unit(mo->st, mo->reg, u) : NULL;
    row_ctx r = {{mo->rules, mo->t.subs}, us ? &mo->not_done[us - mo->st->units] : NULL,
                 us && d25_rules_key_unit(mo->rules, u->flags) ? mo->key_sub : NULL, 0, 0};
    each_status(mo->rules, c->statuses, row_status, &r);
    if (mo->nd_reg && u)
        mo->nd_reg[u - mo->reg->units] = r.nn;
    for (size_t k = 0; r.nd_items && k < mo->rules->nitems; k++)
        if (mo->rules->items[k].n >= 0 && mo->rules->items[k].n < 64 && (r.nd_items >> mo->rules->items[k].n & 1))
            mo->units_nd[k]++;
    mo->nomem = r.x && r.x->nomem;
    return mo->nomem ? -1 : 0;
}

void d25_month_free(d25_month *mo)
{
    free(mo->t.subs);
    free(mo->t.items);
    free(mo->t.duties);
    free(mo->units_nd);
    free(mo->key_sub);
    free(mo->nd_reg);
    for (size_t i = 0; mo->not_done && i < mo->st->nunits; i++) {
        d25_buf_free(&mo->not_done[i].keys);
        d25_buf_free(&mo->not_done[i].key_codes);
    }
    free(mo->not_done);
    memset(mo, 0, sizeof *mo);
}

/* Make mo ready to be given a period's checklists, row by row (d25_month_row;
 * st: the period's status, for the not-done lists, or NULL).  -1 out of
 * memory, with err set and nothing to free. */
int d25_month_begin(const d25_rules *rules, const d25_registry *reg, const d25_status_report *st, d25_month *mo,
                       d25_error *err)
{
    *mo = (d25_month){.rules = rules, .reg = reg, .st = st};
    d25_tallies *t = &mo->t;
    t->subs = calloc(rules->nsubs + 1, sizeof *t->subs);
    t->items = calloc(rules->nitems + 1, sizeof *t->items);
    t->duties = calloc(rules->nduties + 1, sizeof *t->duties);
    mo->units_nd = calloc(rules->nitems + 1, sizeof *mo->units_nd);
    if (st)
        mo->not_done = calloc(st->nunits + 1, sizeof *mo->not_done);
    mo->key_sub = calloc(rules->nsubs + 1, sizeof *mo->key_sub);
    for (size_t i = 0; mo->key_sub && i < rules->nsubs; i++)
        mo->key_sub[i] = d25_rules_key_sub(rules, &rules->subs[i]);
    if (reg && !st && (mo->nd_reg = malloc((reg->n + 1) * sizeof *mo->nd_reg)))
        for (size_t i = 0; i < reg->n; i++)
            mo->nd_reg[i] = -1;
    if (!t->subs || !t->items || !t->duties || !mo->units_nd || (st && !mo->not_done) || !mo->key_sub ||
        (reg && !st && !mo->nd_reg)) {
        d25_month_free(mo);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    return 0;
}

/* Once every row is in: the items' and the duties' tallies from the
 * sub-items'. */
void d25_month_end(d25_month *mo)
{
    const d25_rules *rules = mo->rules;
    d25_tallies *t = &mo->t;
    for (size_t i = 0; i < rules->nsubs; i++) {
        for (size_t k = 0; k < rules->nitems; k++)
            if (rules->items[k].n == rules->subs[i].item)
                add_tally(&t->items[k], &t->subs[i]);
        add_tally(&t->all, &t->subs[i]);
    }
    for (size_t k = 0; k < rules->nitems; k++)
        for (size_t d = 0; d < rules->nduties; d++)
            if (rules->duties[d].n == rules->items[k].duty)
                add_tally(&t->duties[d], &t->items[k]);
}

/* Read the period's checklists into mo (st: as d25_month_begin; upto: as
 * d25_store_current_each). */
int d25_month_read(d25_store *s, const d25_rules *rules, const d25_registry *reg, const d25_status_report *st,
                      const char *period, int64_t upto, d25_month *mo, d25_error *err)
{
    if (d25_month_begin(rules, reg, st, mo, err) < 0)
        return -1;
    if (d25_store_current_each(s, period, D25_CURRENT_STATUSES, upto, d25_month_row, mo, err) < 0) {
        if (mo->nomem)
            d25_fail(err, D25_E_NOMEM, "内存不足");
        d25_month_free(mo);
        return -1;
    }
    d25_month_end(mo);
    return 0;
}

double d25_tally_rate(const d25_tally *t)
{
    long app = t->done + t->partial + t->not_done;
    return app > 0 ? (double)t->done / (double)app : -1;
}

