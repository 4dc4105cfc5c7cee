/*
 * blankform: the blank forms the bureau sends to each unit for a period
 * (`duty25 forms`): the checklist (seed 000's Attachment 1) and the progress
 * table (Attachment 3), pre-filled with the unit's name, area and the period,
 * laid out the way duty25 reads returns best.
 *
 * d25_blankform_data() builds the data tree the DOCX form templates
 * (templates/表样-清单.docx, 表样-推进情况.docx, filled by docxfill/fill.h)
 * are written against; docs/forms.md lists its fields.  Sub-items that do
 * not apply to the unit (the rule set's "applies" against its type and
 * flags) are pre-filled 不适用.  d25_blankform_xlsx() writes both forms as
 * one workbook (sheets 清单 and 推进情况, libxlsxwriter), the self-check
 * column offering the four status words as a list.
 *
 * Ownership: the data tree is the caller's (json_decref); the writers keep
 * nothing.  Output goes to a temporary file renamed into place.
 */
#ifndef D25_BLANKFORM_BLANKFORM_H
#define D25_BLANKFORM_BLANKFORM_H

#include <jansson.h>

#include "../config/config.h"
#include "../registry/units.h"
#include "../rules/rules.h"
#include "../util/error.h"

/* NULL only when out of memory. */
json_t *d25_blankform_data(const d25_rules *rules, const d25_unit *unit, const d25_config *cfg, int period);

/* 0, or -1 with err set (D25_E_IO). */
int d25_blankform_xlsx(const json_t *data, const char *path, d25_error *err);

/* "2026年11月25日": the deadline of the period (deadline_day clamped to the
 * month's length). */
void d25_deadline_cn(int period, int deadline_day, char *out, size_t n);

#endif
