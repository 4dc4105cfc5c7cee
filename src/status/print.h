/*
 * status/print: a period's status (status.h, city.h) as the people and the
 * scripts read it: Chinese text for an 80-column terminal (CJK characters
 * two columns wide; what `duty25 status` prints and the office page of
 * duty25 serve shows) and JSON (a contract: README, "duty25 status").  The
 * command and the page server both call these, so the page shows exactly
 * what the command prints.
 *
 * Ownership: nothing is kept; the report and the strings are the caller's
 * and only read.  Output goes to the caller's stream as it is made.
 */
#ifndef D25_STATUS_PRINT_H
#define D25_STATUS_PRINT_H

#include <stdio.h>

#include "status.h"

/* The status as text, with the note on late units sharing one received
 * minute (status.h) when there are any.  district: the name in the title
 * (NULL: none); uw: the edition's word for a unit (单位 / 企业). */
void d25_status_print_text(FILE *o, const d25_status_report *r, const char *district, const char *uw);
/* The status as one JSON object and a newline. */
void d25_status_print_json(FILE *o, const d25_status_report *r, const char *district);

#endif
