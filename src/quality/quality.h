/*
 * quality: flags progress counts that are implausible, as warnings on the
 * return (findings with source 'quality'), never as corrections.
 *
 * Three checks on every count field of the returns that count in a period
 * (accepted, not superseded):
 *   OUTLIER_PEERS    robust z-score against units of the same type in the
 *                    same period: 0.6745 (x - median) / MAD, or, when the
 *                    MAD is 0, (x - median) / (1.2533 * mean absolute
 *                    deviation) (Iglewicz and Hoaglin, as DHIS2 does);
 *                    needs min_peers values.
 *   OUTLIER_HISTORY  the same score against the unit's own earlier months
 *                    (monthly increments when counts are cumulative); needs
 *                    history_months earlier months.
 *   COUNT_DECREASED  with cumulative counts, lower than the unit's previous
 *                    accepted month.
 * And the rule set's cross-checks between the forms (CROSS_CHECK_CONFLICT)
 * when a unit's checklist and progress table that count came in different
 * files; validate checks them when one file holds both.
 * A score above the threshold is flagged only when the figure is also far
 * from the median: by min_diff or more, and by at least the median itself
 * (twice the median or more, or 0 against a median of min_diff or more).
 * The pass is deterministic: it depends only on what is stored, never on
 * the order returns arrived in.  It runs over the periods the store marked
 * dirty and every later period, and replaces their earlier quality findings.
 *
 * Ownership: nothing is allocated for the caller.
 */
#ifndef D25_QUALITY_QUALITY_H
#define D25_QUALITY_QUALITY_H

#include "../config/config.h"
#include "../rules/rules.h"
#include "../store/store.h"

typedef struct {
    d25_counts counts;
    double z;
    int min_peers;
    int history_months;
    double min_diff;
} d25_quality_opts;

void d25_quality_opts_from(const d25_config *cfg, d25_quality_opts *o);

/* Refresh the quality findings of the dirty periods and those after them.
 * Each period in its own transaction.  0, or -1 with err set. */
int d25_quality_refresh(d25_store *s, const d25_rules *rules, const d25_quality_opts *o, d25_error *err);

/* The robust z-score of x among v[0..n) (v is reordered); 0 when the
 * spread is 0. */
double d25_robust_z(double x, double *v, size_t n);

#endif
