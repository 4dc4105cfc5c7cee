/*
 * remind: reminders (催报通知) before the deadline.  For every unit expected
 * in the period that has not returned both forms yet — nothing came, one
 * form is missing, or what came was rejected — a short DOCX notice
 * addressed to the unit (templates/催报通知.docx: what is missing, by when,
 * how to send it), and for the office one list of them with contacts and
 * phone numbers to call (templates/催报清单.docx).  Filled by
 * docxfill like the return notices (feedback.h); data described in
 * docs/feedback.md.
 *
 * Ownership: nothing is kept; *list and the paths written are malloc'd for
 * the caller.  The status report is only read.
 */
#ifndef D25_FEEDBACK_REMIND_H
#define D25_FEEDBACK_REMIND_H

#include <jansson.h>
#include <stddef.h>

#include "../config/config.h"
#include "../rules/rules.h"
#include "../status/status.h"

typedef struct {
    int notices;          /* units reminded */
    char *list;           /* the office's list written, or NULL when nobody needs reminding */
} d25_remind_result;

/* The reminders of st's period into dir (made when missing; one notice per
 * unit, DIR/<unit name>-催报通知.docx, and DIR/催报清单.docx).  0, or -1 with
 * err set (D25_E_TEMPLATE for a bad template). */
int d25_remind_write(const d25_config *cfg, const d25_rules *rules, const d25_status_report *st, int deadline_day, const char *dir,
                     d25_remind_result *out, d25_error *err);
void d25_remind_result_free(d25_remind_result *r);

/* The data tree of one unit's reminder (for tests and the template's
 * author); NULL when out of memory. */
json_t *d25_remind_data(const d25_config *cfg, const d25_rules *rules, const d25_status_report *st, const d25_unit_status *u,
                        int deadline_day);

/* Is today (local time) one of the days before the deadline on which the
 * cron run reminds ([remind] days, e.g. "5|2|1")?  For period's deadline. */
int d25_remind_due(const d25_config *cfg, int period, int deadline_day);

#endif
