/*
 * city: the report data of a city (or province) bureau, from its districts'
 * own report data.  Each district's tree (report/data, d25_report_data) is
 * built from that district's rows of the merged store against that
 * district's units, so that two districts' units of one code never mix;
 * d25_city_add takes its figures in, one district at a time (the trees can
 * be freed as they go), and d25_city_finish gives the city's tree: every
 * figure summed (rates from the summed counts), by district where a
 * district's report says by area (by_district[]), the districts whose month
 * is missing or came late, the riskiest units of the whole city, the
 * measures with their districts, and the city's own grade and trend.
 * docs/report-data.md lists the fields (section "A city's report").
 *
 * Ownership: d25_city_add copies what it keeps from root (the caller keeps
 * root); d25_city_finish returns a new tree the caller owns (json_decref)
 * and frees the accumulator.
 */
#ifndef D25_REPORT_CITY_H
#define D25_REPORT_CITY_H

#include <jansson.h>
#include <stdbool.h>

#include "../config/config.h"
#include "../rules/rules.h"
#include "../docxfill/tree.h"
#include "../store/store.h"
#include "../util/error.h"

typedef struct d25_city d25_city;

/* NULL out of memory. */
d25_city *d25_city_new(const d25_config *cfg, const d25_rules *rules, int period);
/* One district's figures: root is its d25_report_data tree's root;
 * merged: its package for the month came; late: it came after the city's
 * deadline.  0, or -1 out of memory (err set). */
int d25_city_add(d25_city *c, const char *district, const json_t *root, bool merged, bool late, d25_error *err);
/* The city's tree (see above), or NULL out of memory (err set); frees c
 * either way. */
json_t *d25_city_finish(d25_city *c, d25_error *err);
void d25_city_free(d25_city *c);

/* The city's (or province's) report data from its merged store: each
 * district ([organisation] districts of a city, else those merged; a
 * province's CITY/DISTRICT) read against its own units, its status and
 * figures built and added as above; then the city's official document
 * ([document], report/document.h).  NULL with err set.  The store's
 * district filter is left unset. */
d25_tree *d25_report_city_data(d25_store *s, const d25_rules *rules, const d25_config *cfg, int period, d25_error *err);

#endif
