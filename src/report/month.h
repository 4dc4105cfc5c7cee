/*
 * report/month: a period's checklists added up, read from the store one
 * return at a time (d25_store_current_each) without holding them: each
 * sub-item's tally, summed per item, per duty and in all, and each expected
 * unit's not-done sub-items (the enforcement list, the key-supervision
 * units).  Internal to report/ (data.c, progress.c).
 *
 * Ownership: d25_month_begin allocates what d25_month_free frees; a month
 * refers to the rules, registry and status it was begun with.
 */
#ifndef D25_REPORT_MONTH_H
#define D25_REPORT_MONTH_H

#include <stdbool.h>
#include <stdint.h>

#include "../registry/units.h"
#include "../rules/rules.h"
#include "../status/status.h"
#include "../store/store.h"
#include "../util/buf.h"

/* One sub-item's (item's, duty's) answers. */
typedef struct {
    long done, partial, not_done, na;
} d25_tally;


/* Sub-item tallies summed per item, per duty and in all. */
typedef struct {
    d25_tally *subs, *items, *duties, all;
} d25_tallies;

/* Not-done sub-items of one unit. */
typedef struct {
    d25_buf keys; /* sub-items not done, "|3.2|22.9|" */
    int n;        /* sub-items not done */
    int key_app, key_done; /* a key-supervision unit's answers to the key-supervision sub-items */
    d25_buf key_codes;     /* those not done or partial, "|23.2=n|" */
    bool nomem;
} d25_not_done;

/* What the checklists that count in a period add up to, read in one pass
 * over the store (d25_store_current_each) without holding them: each
 * sub-item's tally, and each expected unit's not-done sub-items (for the
 * enforcement list; only with a status report). */
typedef struct {
    const d25_rules *rules;
    const d25_registry *reg;
    const d25_status_report *st;
    d25_tallies t;
    d25_not_done *not_done;  /* by st->units index */
    int *units_nd; /* by rules->items index: units with a sub-item of it not done */
    bool *key_sub; /* by rules->subs index: a key-supervision sub-item (d25_rules_key_sub) */
    int *nd_reg;   /* without a status: by registry index, sub-items not done (-1: no checklist) */
    bool nomem;
} d25_month;

/* Make mo ready to be given a period's checklists row by row
 * (d25_month_row; st: the period's status, for the not-done lists, or
 * NULL; reg without st: each registry unit's not-done count, nd_reg).  -1
 * out of memory, with err set and nothing to free. */
int d25_month_begin(const d25_rules *rules, const d25_registry *reg, const d25_status_report *st, d25_month *mo,
                    d25_error *err);
/* One return that counts (a d25_store_current_each callback, ud the
 * month): its statuses, when it has a checklist.  -1 out of memory. */
int d25_month_row(void *ud, const d25_current *c);
/* Once every row is in: the items' and the duties' tallies. */
void d25_month_end(d25_month *mo);
/* All three over the period's checklists (upto: as d25_store_current_each). */
int d25_month_read(d25_store *s, const d25_rules *rules, const d25_registry *reg, const d25_status_report *st,
                   const char *period, int64_t upto, d25_month *mo, d25_error *err);
void d25_month_free(d25_month *mo);

/* done / applicable, or -1 with none applicable. */
double d25_tally_rate(const d25_tally *t);

#endif
