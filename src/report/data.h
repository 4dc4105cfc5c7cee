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

/* The parts of the figures a consumer working alongside (the workbook,
 * workbook.h) can use before the whole tree is done, each handed out as
 * soon as it is complete, on the thread that completed it:
 *   D25_PART_HEAD         json: {"words", "progress_fields"} as they will
 *                         be in the tree;
 *   D25_PART_SUBMISSIONS  rows: the "submissions" list;
 *   D25_PART_FLAGGED      json: the "flagged" list;
 *   D25_PART_PROGRESS     rows: the "progress" list;
 *   D25_PART_REST         json: {"district", "period_cn", "sub_items",
 *                         "compliance", "progress_total", "hazards"} as
 *                         they will be in the tree (once last month is
 *                         read, before the trend's earlier months and the
 *                         judgement), rows: the "enforcement" list (or
 *                         NULL when there is none).
 * The consumer gets a reference of its own to each (json_decref,
 * d25_rows_free when done with it), so it may go on reading after the
 * figures failed and the tree was freed; whatever the rows borrow (the
 * registry's strings) must outlive it.  Not every part need come: after a
 * failure the rest never does. */
typedef enum { D25_PART_HEAD, D25_PART_SUBMISSIONS, D25_PART_FLAGGED, D25_PART_PROGRESS, D25_PART_REST } d25_report_part;
typedef struct {
    void (*ready)(void *ud, d25_report_part part, json_t *json, d25_rows *rows);
    void *ud;
} d25_report_watch;

/* d25_report_data, handing its parts to watch (NULL: to nobody) as it goes. */
d25_tree *d25_report_data_watched(d25_store *s, const d25_registry *reg, const d25_rules *rules, const d25_config *cfg,
                                  int period, const d25_status_report *status, const d25_report_watch *watch,
                                  d25_error *err);

/* A rate as a fraction (null with nothing to divide by), and as text
 * "96.8%（121/125）" or "—"; the change of a rate from last month's in
 * words: "上升1.2个百分点", "持平", or "—" when either has nothing to
 * divide by.  New references. */
json_t *d25_report_rate_of(long num, long den);
json_t *d25_report_rate_text(long num, long den);
/* The same two texts into b (64 bytes), or a static "—" / "持平"-like
 * text: for a caller that writes many (no JSON value each). */
const char *d25_report_rate_words(long num, long den, char b[64]);
const char *d25_report_change_words(long num, long den, long pnum, long pden);
json_t *d25_report_change_text(long num, long den, long pnum, long pden);

/* weakest_items (the five items of lowest rate among those with at least
 * min_base applicable answers, ties in item order) and weakest (the first,
 * or null) set on root from items (objects with rate and applicable). */
void d25_report_put_weakest(json_t *root, const json_t *items, long min_base);

/* The values the quality pass flagged (a flagged[] list of the data) as a
 * set to look up (NULL when the list is empty or out of memory; the caller
 * owns it), and whether the set holds unit's value of field. */
json_t *d25_report_flag_set(const json_t *flagged);
bool d25_report_is_flagged(const json_t *set, const char *unit, const char *field);
/* Whether the set holds any value of unit's (a row with none needs no
 * lookup per value). */
bool d25_report_unit_flagged(const json_t *set, const char *unit);

/* An array of groups by unit type ({"type": ...}) put in the rule set's
 * [types] order, unknown types last (the order every table uses). */
void d25_report_sort_types(const d25_rules *r, json_t *arr);

#endif
