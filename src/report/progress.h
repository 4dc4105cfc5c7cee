/*
 * report/progress: the progress part of a period's figures, built on a
 * thread of its own (the "side pass") with a connection of its own while
 * the calling thread builds the rest of the tree (data.c): the
 * consolidated progress table, one row per unit as the store reads them;
 * hazards found and rectified in all, by type, by area and per unit (the
 * values the quality pass flagged left out); last month's and the trend's
 * earlier months' checklists and hazards.  Internal to report/.
 *
 * Ownership: d25_side_start allocates, d25_side_finish frees (and hands
 * the table to the tree).  The pass refers to the registry, rules and
 * flagged lists it was started with: they outlive it.
 */
#ifndef D25_REPORT_PROGRESS_H
#define D25_REPORT_PROGRESS_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "data.h"
#include "month.h"
#include "../docxfill/tree.h"
#include "../forms/forms.h"

/* A month of the trend chart: its compliance tally and its hazards (the
 * month's flagged values left out). */
enum { D25_TREND_MAX = 24 };
typedef struct {
    int period;
    const json_t *flagged;
    d25_tally all;
    long found, fixed;
    bool tables;  /* progress tables with hazard counts */
} d25_trend_month;

/* The side pass: the progress part, built one unit at a time as the store
 * reads them, then last month's tallies (for the compliance part's
 * changes), on a thread of its own with a connection of its own while the
 * calling thread builds the rest of the tree from this month's statuses.
 * Each reads every return of a month, 10,000 of them in a large district. */
typedef struct {
    const d25_registry *reg;
    const d25_rules *rules;
    const char *db;      /* the store's file */
    const char *district; /* the district its rows are of (d25_store_set_district), or NULL */
    char period[16], prev[16];
    d25_month last;          /* last month's tallies */
    int64_t upto;        /* the last return the calling thread's snapshot sees */
    d25_rows *rows;      /* the list, attached to the tree when done */
    const d25_pfield **order;
    size_t nfields;
    d25_blanks blanks;
    long *sum;           /* the total row: each count field's sum, by field */
    const json_t *flagged; /* values the quality pass flagged: left out of the sums */
    long found, fixed;
    json_t *total, *by_type, *by_area;
    long *ufound, *ufixed;  /* by registry index: each unit's hazards (flagged values left out) */
    unsigned char *uhas;    /* by registry index: its progress table gave hazard counts */
    const json_t *prev_flagged; /* last month's flagged values */
    json_t *flag_set, *prev_set; /* the two as sets (flag_set), or NULL when none */
    long prev_found, prev_fixed; /* last month's hazards, in all */
    bool prev_any;          /* last month had progress tables with hazard counts */
    json_t *prev_by_type, *prev_by_area; /* and by group, as by_type and by_area */
    d25_trend_month trend[D25_TREND_MAX]; /* the trend's months before last month, oldest first */
    int ntrend;
    bool nomem;
    int rc;              /* of the pass: 0, or -1 with err set */
    d25_error err;
    const d25_report_watch *watch; /* handed the progress list once it is read, or NULL */
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;  /* last_read, last_rc: between the pass and the caller */
    pthread_cond_t cv;
    bool sync;           /* mu and cv are initialised */
    bool last_read;      /* last month has been read (or the pass failed before) */
    int last_rc;         /* the pass's rc then */
    json_t *hazards;     /* "hazards", once d25_side_build made it */
} d25_side;

/* Start the pass over period's progress tables, then period - 1's and the
 * trend months' checklists and tables (flagged, prev_flagged: the
 * flagged values of the period and of last month, left out of the sums).
 * -1 out of memory, with err set. */
int d25_side_start(d25_side *p, const d25_registry *reg, const d25_rules *rules, const char *db, const char *district,
                   int period, int64_t upto, const json_t *flagged, const json_t *prev_flagged,
                   const d25_trend_month *trend, int ntrend, const d25_report_watch *watch, d25_error *err);
/* Wait until last month has been read (the trend's earlier months may
 * still be being read): 0, and then this month's progress part and
 * p->last are complete, the caller's to read (the pass touches them no
 * more); -1 when the pass failed before (d25_side_wait says why). */
int d25_side_wait_last(d25_side *p);
/* After d25_side_wait_last: this month's hazards (in all, by type, by
 * area, with last month's) as the tree's "hazards" (p->hazards) and the
 * total row's counts (p->total), the groups in st's order.  -1 out of
 * memory, with err set. */
int d25_side_build(d25_side *p, const d25_rules *rules, const d25_status_report *st, int min_base, bool cumulative,
                   d25_error *err);
/* Wait for it and hand last month's tallies to *last (d25_month_free);
 * -1 with err set when the pass failed. */
int d25_side_wait(d25_side *p, d25_month *last, d25_error *err);
/* Wait for it; with a tree, put what it found in its place there (built
 * by d25_side_build unless it was already), and
 * fields (d25_report_progress_fields, taken over) as "progress_fields".
 * Frees the pass (with tree NULL: only that, and fields). */
int d25_side_finish(d25_side *p, const d25_rules *rules, const d25_status_report *st, int min_base, bool cumulative,
                    json_t *fields, d25_tree *tree, d25_error *err);
/* The progress table's fields in the rule set's order, as the tree's
 * "progress_fields": [{"name", "label", "type", "row"}].  A new
 * reference; NULL out of memory. */
json_t *d25_report_progress_fields(const d25_rules *rules);

#endif
