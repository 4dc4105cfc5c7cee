/*
 * tcheck: checks, before a month's work, that the DOCX templates of a
 * folder name only fields the rule set has: in the progress loop
 * ({{#progress}}...{{/progress}}) and {{progress_total.X}} its progress
 * table's fields, and in {{words.X}} its edition's words.  A template made
 * for another edition (统计表.docx with the education edition's
 * targeted_checks column, used with the enterprise rules) is then a clear
 * message at init, report or the start of run, never a failure in the
 * middle of a month's run.
 *
 * Ownership: nothing is kept; err gets the message.
 */
#ifndef D25_REPORT_TCHECK_H
#define D25_REPORT_TCHECK_H

#include "../rules/rules.h"
#include "../util/error.h"

/* 0 when every .docx in dir is consistent with r (or cannot be read: the
 * fill will say why); -1 with err (D25_E_TEMPLATE) naming the template,
 * the field and what to do. */
int d25_templates_check(const char *dir, const d25_rules *r, d25_error *err);
/* The same for one template file. */
int d25_template_check(const char *path, const d25_rules *r, d25_error *err);

#endif
