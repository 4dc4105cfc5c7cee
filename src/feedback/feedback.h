/*
 * feedback: tells units what to fix.  For each rejected return, a short
 * DOCX notice addressed to the unit (templates/退回通知.docx): the file, each
 * error with its place, what is wrong and what to write instead, the
 * warnings, and by when to send it again; and, for the office, one list of
 * the rejected returns with the units' contacts (templates/退回清单.docx).
 * The templates are filled by docxfill (fill.h); their data are described in
 * docs/feedback.md.
 *
 * Use: d25_feedback_begin(), d25_feedback_add() per rejected return, then
 * d25_feedback_finish() (writes the office list when anything was added)
 * and d25_feedback_free().
 *
 * Ownership: d25_feedback owns its list and paths; results passed to add()
 * are only read during the call.
 */
#ifndef D25_FEEDBACK_FEEDBACK_H
#define D25_FEEDBACK_FEEDBACK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "../config/config.h"
#include "../validate/validate.h"

typedef struct {
    char *dir;           /* where the notices go */
    char *templates;     /* folder of 退回通知.docx and 退回清单.docx */
    const d25_config *cfg;
    const d25_rules *rules; /* the edition's words for the notices; NULL: none */
    int deadline_day;
    int period;          /* the run's period, or -1: each return's own */
    bool by_month;       /* notices and lists into DIR/YYYY-MM by each return's month (set after begin) */
    json_t *list;        /* the office list's rows */
    size_t count;
} d25_feedback;

/* dir is made (with its parents) when the first notice is written.  0, or
 * -1 with err set. */
int d25_feedback_begin(d25_feedback *fb, const char *dir, const d25_config *cfg, int deadline_day, int period,
                       d25_error *err);
/* The notice for one rejected return (path: the file as received;
 * received: when it arrived as the store recorded it, or 0 when unknown,
 * as for validate: then the file's modification time).  Writes
 * DIR/<file name without extension>-退回通知.docx; *written (may be NULL)
 * gets its path, malloc'd.  Accepted results are ignored (0). */
int d25_feedback_add(d25_feedback *fb, const d25_result *r, const char *path, time_t received, char **written,
                     d25_error *err);
/* DIR/退回清单.docx when any notice was written (by_month: one in each
 * month's folder); *written as above (by_month: DIR). */
int d25_feedback_finish(d25_feedback *fb, char **written, d25_error *err);
void d25_feedback_free(d25_feedback *fb);

/* Shared by the notices and the reminders (remind.c). */
/* o[k] = v (NULL: ""), with bytes that are not UTF-8 made U+FFFD (jansson
 * refuses such text, and the notice would lose the key). */
void d25_notice_set(json_t *o, const char *k, const char *v);
/* o["words"]: the edition's words ([edition] of the rule set; the
 * templates' {{words.issuer}}...), none when r is NULL. */
void d25_notice_words(json_t *o, const d25_rules *r);
/* "2026年12月1日" of t, local time. */
void d25_date_cn(time_t t, char *out, size_t n);
/* Fill templates_dir/template with data into out (docxfill/fill.h). */
int d25_notice_fill(const char *templates_dir, const char *template, const json_t *data, const char *out, d25_error *err);

/* The data tree of one notice (for tests and --dump); NULL when out of memory. */
json_t *d25_feedback_data(const d25_feedback *fb, const d25_result *r, const char *path, time_t received);

#endif
