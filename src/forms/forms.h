/*
 * forms: finds the checklist (Attachment 1) and the progress table
 * (Attachment 3) in a return read by ooxml, whichever program filled it,
 * and reads what the unit wrote: each sub-item's self-check result, each
 * progress blank, the signature block, the period.  Tables are found by
 * their header words and row texts (from the rule set), never by position.
 *
 * This module only reads; judging what was read is validate.c's job.  It
 * does match rows to the rule set (by number first, then by text), since
 * reading a row means knowing which sub-item it is.
 *
 * Ownership: d25_form_read() fills a d25_form whose strings it owns;
 * d25_form_free() releases them.  Pointers to rules (sub, field, row) point
 * into the d25_rules, which must outlive the form.
 */
#ifndef D25_FORMS_FORMS_H
#define D25_FORMS_FORMS_H

#include <stdbool.h>

#include "../ooxml/ooxml.h"
#include "../rules/rules.h"

/* What stands in a row's status sub-columns (已落实 | 部分落实 | 未落实, or
 * 是 | 否) when it is not one mark: see [status] mark_* in the rule set. */
typedef enum {
    D25_MARKS_OK = 0,   /* one column marked (or not a positional row) */
    D25_MARKS_EMPTY,    /* no column marked (empty, or unchosen boxes only) */
    D25_MARKS_MANY,     /* two or more columns marked */
    D25_MARKS_NO_ONLY,  /* only "not this one" marks (×): which one is meant? */
    D25_MARKS_TEXT,     /* a cell holds no mark: text, another column's word */
} d25_marks_issue;

typedef struct {
    const d25_subitem *sub; /* NULL: no sub-item of the rule set matches */
    int hint_item, hint_sub;/* the number as written, 0 when none */
    double similarity;      /* of the text to sub's text */
    bool by_text;           /* matched by text, not by its number */
    char *text;             /* as written (without its number) */
    char *self_raw;         /* 单位自查情况 cell; for status sub-columns,
                               each non-empty one as "已落实：√", "；"-joined */
    d25_status status;
    bool positional;        /* read from status sub-columns */
    d25_marks_issue marks;  /* why a positional row has no status */
    char marks_cols[160];   /* the sub-columns concerned: "“已落实”“未落实”" */
    char *remark;           /* text after the status words (or the mark), as written */
    char *supervision;      /* 监督检查情况 cell ("" when none) */
    char *measure, *deadline;
    char place[96];         /* of the sub-item's text */
    char self_place[96];    /* of the self-check cell */
    char sup_place[96];
    char deadline_place[96];
} d25_crow;

typedef struct {
    bool found;
    char where[96];         /* first table or sheet it was found in */
    bool has_measure, has_deadline, has_remark; /* columns the form has */
    bool positional;        /* its status is marked in sub-columns */
    char marks_words[160];  /* their headers: "“已落实”“部分落实”“未落实”" */
    d25_crow *rows;
    size_t n, cap;
} d25_checklist;

typedef enum { D25_PV_OK, D25_PV_MISSING, D25_PV_INVALID, D25_PV_UNLOCATED } d25_pv_state;

/* Why a choice ("（√是／否）") with marks was not read. */
typedef enum {
    D25_PN_NONE = 0,
    D25_PN_BOTH,        /* both options ticked */
    D25_PN_CONTRADICT,  /* a tick and a cross, or a written word, that disagree */
    D25_PN_CROSS_ONLY,  /* only a cross (×) before an option: which is meant? */
    D25_PN_UNCLEAR,     /* a tick between two options: whose is it? */
} d25_pv_note;

typedef struct {
    const d25_prow *row;
    const d25_pfield *field;
    d25_pv_state state;
    char *raw;              /* what was written in the blank, as written
                               (d25_written: blanks and struck text dropped) */
    long value;             /* yesno/havenot: 1/0; month/day/count: number */
    d25_pv_note note;
    char place[96];
} d25_pval;

typedef struct {
    bool found;
    char where[96];
    const d25_prow **rows_found; /* which template rows were seen */
    size_t nrows_found;
    d25_pval *vals;
    size_t n, cap;
} d25_progress;

enum { D25_SIG_UNIT, D25_SIG_REPORTER, D25_SIG_PHONE, D25_SIG_DATE, D25_SIG_COUNT_ };

typedef struct {
    char *v[D25_SIG_COUNT_];         /* values as written, NULL when absent */
    char place[D25_SIG_COUNT_][96];
    bool seal;                       /* an image in the package */
} d25_signature;

typedef struct {
    d25_checklist checklist;
    d25_progress progress;
    d25_signature sig;
    char *title;            /* the first line naming a form, for messages */
    /* What a title says besides the form's name, where a unit may be
     * named: "六大责任25条内容清单（示范区城西小学）", "城西小学推进情况统计表".
     * As written; the registry decides which names a unit. */
    char **title_hints;
    size_t ntitle_hints;
    int period;             /* year*12 + month-1, or -1 */
    char period_from[64];   /* where it was read: "表头" / "文件名" / "填报时间" */
    char period_place[96];
} d25_form;

/* Read the forms in f (which must have been read without error).  Returns
 * 0, or -1 when out of memory. */
int d25_form_read(const d25_ooxml *f, const d25_rules *rules, d25_form *out);
void d25_form_free(d25_form *form);

/* "2026年11月", "2026-11", "2026.11", "2026/11", "202611" -> year*12+month-1;
 * -1 when s holds no year and month (a day after the month is allowed only
 * when allow_day). */
int d25_find_period(const char *s, bool allow_day);
/* A date "2026年11月20日", "2026-11-20", "2026/11/20", "2026.11.20": 1 valid
 * (y/m/d set), 0 none found, -1 impossible (2026-02-30: y/m/d still set). */
int d25_find_date(const char *s, int *y, int *m, int *d);
/* Days in month m (1-12) of year y, leap years counted; 0 for a bad month. */
int d25_days_in_month(int y, int m);
/* The day of the period's month (year*12 + month-1) its returns are due:
 * deadline_day, or the month's last day when it is past the month's end
 * or not set (< 1). */
int d25_deadline_of(int period, int deadline_day);

#endif
