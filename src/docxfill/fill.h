/*
 * docxfill: fills a DOCX template, written by the office in Word or WPS,
 * with a data tree (JSON, jansson).
 *
 * Tags, written in the document's text:
 *   {{name}}          a value: a string, or a number as written; a path
 *                     "a.b" looks in the innermost loop item first, then
 *                     outwards; "." is the loop item itself
 *   {{name|num}}      a number with thousands separators; {{name|pct}} a
 *                     fraction as a percentage with one decimal (0.968 ->
 *                     96.8%); null, a missing value or a zero denominator
 *                     prints "—"
 *   {{#rows}}…{{/rows}}  repeats for each element of the array rows: the
 *                     table row both tags stand in, or the paragraph; when
 *                     they stand in different rows (or paragraphs), the
 *                     rows (paragraphs) from the first to the last
 *   {{?cond}}…{{/cond}}  keeps what is between when cond is true (a true
 *                     boolean, a non-zero number, a non-empty string or
 *                     array), else removes it; {{^cond}} the opposite.
 *                     Within one paragraph it keeps or drops text; across
 *                     paragraphs or rows, whole paragraphs or rows
 * In a chart part (word/charts/chartN.xml) tags stand in the data points'
 * values (c:v): a loop repeats the point (c:pt) it stands in, and the
 * points are then numbered and counted, so a native chart carries the
 * period's values.
 * Word splits text into runs wherever formatting, proofing marks or edits
 * fall; tags split that way are joined first (into the run where they
 * begin).  Values are inserted as text: a unit's name that looks like a tag
 * stays text, and XML special characters are escaped by libxml2.  An
 * unknown or unbalanced tag is an error naming the tag, the part and the
 * paragraph (D25_E_TEMPLATE).
 *
 * The data is a JSON tree, or a d25_tree whose long lists are flat rows: to
 * a template both look the same.
 *
 * Ownership: the caller keeps data and the paths; nothing is returned.
 */
#ifndef D25_DOCXFILL_FILL_H
#define D25_DOCXFILL_FILL_H

#include <jansson.h>

#include "../util/error.h"
#include "tree.h"

/* Fill template_path with data and write out_path (through a temporary file
 * renamed into place).  0, or -1 with err set. */
int d25_template_fill(const char *template_path, const json_t *data, const char *out_path, d25_error *err);
/* The same with a tree whose lists are rows (tree.h). */
int d25_template_fill_tree(const char *template_path, const d25_tree *tree, const char *out_path, d25_error *err);

/* The same on one WordprocessingML part held in memory; *out is malloc'd. */
int d25_template_fill_xml(const char *xml, size_t len, const char *part, const json_t *data, char **out,
                          size_t *out_len, d25_error *err);

#endif
