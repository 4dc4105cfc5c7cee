/*
 * status/city: a city's (or province's) status for one period, built from
 * its merged store district by district, each district against its own
 * units (the registry its package brought), then summed into one report
 * (d25_status_build_in, d25_status_add_district: status.h).  What
 * `duty25 status` prints and the office page (duty25 serve) shows at a city
 * or province ([campaign] level); also whether a member's package for the
 * month came after the city's own deadline, which the city's report says
 * too (src/report/city.c).
 *
 * The members below: a city's districts, a province's cities
 * ([organisation] districts, else those the store holds, in the order
 * first merged); a province reads each city's districts, the paths
 * "CITY/DISTRICT" its store holds.
 *
 * Ownership: d25_status_city fills a caller-owned report (free it with
 * d25_status_report_free) whose unit pointers and district names point
 * into ctx (the districts' registries and names): ctx starts zeroed, and
 * d25_status_city_free(ctx) comes after the report is no longer used.
 */
#ifndef D25_STATUS_CITY_H
#define D25_STATUS_CITY_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "../config/config.h"
#include "../registry/units.h"
#include "../store/store.h"
#include "../util/error.h"

typedef struct {
    d25_registry **regs;    /* one per district read (and the empty frame's) */
    size_t nregs;
    char **known;           /* the districts (paths) the store holds */
    size_t nknown;
    char **members;         /* a province's cities, when not configured */
    size_t nmembers;
} d25_status_city_ctx;

/* The city's (province's) status for period: deadline_day as for
 * d25_status_build (the caller's [campaign] deadline_day, else the rule
 * set's); the members missing the month and, when [organisation]
 * deadline_day is set, those whose package came late (district_deadline,
 * districts_late).  Nothing merged yet gives the month's frame, all zero.
 * 0, or -1 with err set (out then freed). */
int d25_status_city(d25_store *s, const d25_config *cfg, int deadline_day, int period, d25_status_city_ctx *ctx,
                    d25_status_report *out, d25_error *err);
void d25_status_city_free(d25_status_city_ctx *ctx);

/* The city's deadline for its members' packages of period: "YYYY-MM-DD",
 * [organisation] deadline_day of the month (clamped to its last day), into
 * out[n]; false (out "") when that is not set (0: not checked). */
bool d25_status_district_deadline(const d25_config *cfg, int period, char *out, size_t n);

/* Whether the member's (a district's; at a province, a city's) package for
 * period was first sent (exported) after that deadline, by the end of its
 * day: 1 late, 0 not (or no package, or no deadline set), -1 on a database
 * error. */
int d25_status_district_late(d25_store *s, const d25_config *cfg, const char *district, int period);

#endif
