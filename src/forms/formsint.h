/*
 * formsint: what the parts of the forms module share and nobody else needs.
 */
#ifndef D25_FORMS_FORMSINT_H
#define D25_FORMS_FORMSINT_H

#include "forms.h"
#include "grid.h"

/* Below this similarity a numbered row's text is not that sub-item at all
 * (a form of another campaign), however its number reads. */
#define D25_TEXT_MIN 0.35

int d25_checklist_read(const d25_grids *gs, const d25_rules *rules, d25_checklist *cl);
void d25_checklist_free(d25_checklist *cl);
int d25_progress_read(const d25_grids *gs, const d25_rules *rules, d25_progress *pg);
void d25_progress_free(d25_progress *pg);

#endif
