/*
 * risk: the written report's judgement of the month, from facts per unit
 * that report/data gathers: the riskiest units named with their reasons,
 * the key-supervision units one by one where something is wrong, the
 * measures of the configuration ([report] measure1..9) with the units each
 * applies to, and the month's overall risk grade ([report] grade_*).
 * docs/report-data.md lists the fields it adds to the report's data.
 *
 * Ownership: the facts are the caller's (their strings too) and are only
 * read; what is built is added to root (JSON, jansson), which owns it.
 */
#ifndef D25_REPORT_RISK_H
#define D25_REPORT_RISK_H

#include <jansson.h>
#include <stdbool.h>

#include "../config/config.h"
#include "../rules/rules.h"
#include "../status/status.h"
#include "../util/buf.h"
#include "../util/error.h"

typedef struct {
    const d25_unit_status *us; /* the unit's row of the month's status (unit, state) */
    int not_done;              /* its sub-items not done this month */
    const char *nd_codes;      /* "|1.1|3.2|": those sub-items, or NULL */
    int key_app, key_done;     /* its answers to the key-supervision sub-items (applicable, done) */
    const char *key_codes;     /* "|23.2=n|23.1=p|": those not done or partial, or NULL */
    long found, fixed;         /* its hazards found and rectified (flagged values left out) */
    bool progress;             /* its progress table gave hazard counts */
    int prev_not_done;         /* last month's sub-items not done, -1: no checklist last month */
    bool enforcement;          /* on the enforcement list (when the list is due) */
} d25_unit_facts;

/* Why a unit goes on the enforcement list ([enforcement]), in words the
 * office reads (sub-items by their text), appended to why; with clip, each
 * sub-item's text cut at its first clause (the report's sentences), else
 * whole (the tables).  true when any rule holds.  false out of memory sets
 * *nomem. */
bool d25_risk_enforcement_why(const d25_config *cfg, const d25_rules *rules, const d25_unit_facts *f, bool clip,
                              d25_buf *why, bool *nomem);

/* Adds risk_units, risk_count, risk_more, key (the key-supervision units),
 * measures and grade to root.  compliance_rate and rectify_rate: the
 * month's, or negative when there is nothing to divide by.  0, or -1 with
 * err set (out of memory). */
int d25_risk_build(const d25_config *cfg, const d25_rules *rules, const d25_unit_facts *facts, size_t n,
                   double compliance_rate, double rectify_rate, json_t *root, d25_error *err);

/* Adds grade (as d25_risk_build does) to root: for a city's summed rates.
 * 0, or -1 out of memory. */
int d25_risk_grade(const d25_config *cfg, double compliance_rate, double rectify_rate, json_t *root);

#endif
