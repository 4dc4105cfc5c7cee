/*
 * status: who has returned what for one period, against the deadline.
 *
 * The units expected are the registry's units active in the period.  Per
 * unit, from the store:
 *   on_time     both forms accepted, each first accepted by the deadline
 *               (the end of the deadline day, local time)
 *   late        both forms accepted, at least one only after the deadline
 *   incomplete  one form accepted, the other not (missing or rejected)
 *   rejected    returns came, none accepted
 *   missing     nothing came
 * A correction sent after the deadline does not make an on-time unit late:
 * what counts for timeliness is when each form was first accepted.
 * Rejected returns whose unit could not be identified are listed apart.
 *
 * Ownership: d25_status_build() fills a caller-owned d25_status_report;
 * d25_status_report_free() releases it.  Unit pointers point into the
 * registry, which must outlive the report.
 */
#ifndef D25_STATUS_STATUS_H
#define D25_STATUS_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "../registry/units.h"
#include "../store/store.h"

typedef enum { D25_UNIT_ON_TIME, D25_UNIT_LATE, D25_UNIT_INCOMPLETE, D25_UNIT_REJECTED, D25_UNIT_MISSING, D25_UNIT_STATES_ } d25_unit_state;

const char *d25_unit_state_name(d25_unit_state s);  /* "on_time"... */
const char *d25_unit_state_label(d25_unit_state s); /* "按时"... */

typedef enum { D25_FORM_NONE, D25_FORM_ACCEPTED, D25_FORM_REJECTED } d25_form_state;

typedef struct {
    const d25_unit *unit;
    const char *district;   /* a city's status: the unit's district (not owned); else NULL */
    d25_unit_state state;
    d25_form_state checklist, progress;
    char received[32];      /* when the last of its forms was first accepted, or "" */
    d25_recv_source received_source; /* where that time came from */
    char *last_file;        /* the latest return's file name, or NULL */
    char *last_codes;       /* the latest rejected return's error codes, "A、B", or NULL */
    int last_errors;
    int warnings;           /* quality warnings on its counting returns */
} d25_unit_status;

typedef struct {
    char key[128];          /* unit type, area, district (a province's: "CITY/DISTRICT") or city */
    int n[D25_UNIT_STATES_];
    int expected;
} d25_status_group;

typedef struct {
    char *file;
    char received[32];
    int errors;
    char *codes;
} d25_unidentified;

typedef struct {
    char *unit_code, *unit_name, *file, *code, *place, *message;
} d25_quality_note;

/* Late units whose received times are one and the same minute, taken from
 * the file (mtime) or the ingest (seen): files copied or saved into the
 * inbox together after the deadline, which says nothing of when they
 * arrived.  Said in the status and the report instead of trusted. */
typedef struct {
    char minute[20];        /* "YYYY-MM-DD HH:MM" */
    d25_recv_source source;
    int units;
} d25_time_doubt;

typedef struct {
    int period;
    char deadline[32];      /* "YYYY-MM-DD" */
    char as_of[32];
    int expected;
    int n[D25_UNIT_STATES_];
    d25_unit_status *units; /* registry order */
    size_t nunits;
    size_t *row_of;         /* registry index -> index in units, SIZE_MAX when not expected */
    d25_status_group *by_type, *by_area;
    size_t ntypes, nareas, type_cap, area_cap;
    d25_status_group *by_district; /* a city's status: one per district, in order (a province's: "CITY/DISTRICT") */
    size_t ndistricts, district_cap;
    d25_status_group *by_city; /* a province's status: one per city, in order */
    size_t ncities, city_cap;
    bool of_cities;         /* a province: the members below (missing, late) are cities, not districts */
    char **districts_missing; /* members (districts; a province's: cities) whose package for the month is not merged */
    size_t nmissing;
    char **districts_late;    /* districts whose package came after district_deadline (first sent) */
    size_t nlate;
    char district_deadline[16]; /* YYYY-MM-DD: [organisation] deadline_day of the month; "" when not set */
    d25_unidentified *unidentified;
    size_t nunidentified, unidentified_cap;
    d25_quality_note *quality;
    size_t nquality, quality_cap;
    d25_time_doubt *doubts; /* groups of at least same_time_min late units */
    size_t ndoubts;
    int doubted;            /* late units in those groups */
} d25_status_report;

/* deadline_day is clamped to the month's length; same_time_min late units
 * sharing one received minute (mtime or seen) make a d25_time_doubt.  0, or -1 with err set. */
int d25_status_build(d25_store *s, const d25_registry *reg, int period, int deadline_day, int same_time_min,
                     d25_status_report *out, d25_error *err);
void d25_status_report_free(d25_status_report *r);

/* A city's status, district by district: d25_status_build_in reads only the
 * rows of one district (NULL: a district's own rows, district NULL), reg
 * being that district's registry (d25_store_district_units), so that two
 * districts' units of one code never mix.  d25_status_add_district moves
 * part (then emptied) into city: its units (district set to the given
 * name, which must outlive city), counts, groups, a by_district row, and
 * the district among districts_missing when !merged.  city starts zeroed;
 * its row_of stays NULL (d25_status_unit finds nothing in it). */
int d25_status_build_in(d25_store *s, const d25_registry *reg, const char *district, int period, int deadline_day,
                        int same_time_min, d25_status_report *out, d25_error *err);
int d25_status_add_district(d25_status_report *city, d25_status_report *part, const char *district, bool merged,
                            d25_error *err);
/* A province's status: the district's path "CITY/DISTRICT" also adds to
 * the city's by_city row (d25_status_add_district does it); a city none of
 * whose packages is merged gets a zero by_city row and is named among the
 * missing. */
int d25_status_city_missing(d25_status_report *prov, const char *city, d25_error *err);

/* The unit's row, or NULL when it is not expected in the period. */
const d25_unit_status *d25_status_unit(const d25_status_report *r, const d25_registry *reg, const d25_unit *u);

#endif
