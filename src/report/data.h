/*
 * data: the tree of figures a period's report is made from, as JSON
 * (jansson).  `duty25 report --dump-data` prints it; templates name its
 * fields (docs/report-data.md documents every one).
 *
 * Everything is computed from the returns that count (store.h:
 * current_returns) and the registry's units expected in the period:
 * submissions (status.h), compliance with the 25 items per duty, item and
 * sub-item (applicable = done + partial + not done; rate = done /
 * applicable), hazards found and rectified (in total, by unit type and by
 * area) and the consolidated progress table.  A rate whose denominator is
 * 0 is null, and its text "—".  The lists with a row per unit
 * (submissions, not_returned, enforcement, progress) are kept as flat rows
 * (tree.h).
 *
 * Ownership: the caller owns the returned tree (d25_tree_free), which
 * refers to the registry's strings (units' codes, names, areas, contacts):
 * free it before the registry.
 */
#ifndef D25_REPORT_DATA_H
#define D25_REPORT_DATA_H

#include "../config/config.h"
#include "../registry/units.h"
#include "../rules/rules.h"
#include "../status/status.h"
#include "../store/store.h"
#include "../docxfill/tree.h"

/* NULL with err set.  status: the period's status already built by the
 * caller (the same registry and deadline), or NULL to build it here. */
d25_tree *d25_report_data(d25_store *s, const d25_registry *reg, const d25_rules *rules, const d25_config *cfg, int period,
                         const d25_status_report *status, d25_error *err);

/* An array of groups by unit type ({"type": ...}) put in the rule set's
 * [types] order, unknown types last (the order every table uses). */
void d25_report_sort_types(const d25_rules *r, json_t *arr);

#endif
