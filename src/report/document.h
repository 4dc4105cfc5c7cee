/*
 * report/document: what makes the written risk report an official document
 * (GB/T 9704-2012 §7): the header's issuing-body mark and document number,
 * the main recipient, the signature, the copy-to and printing lines, all
 * from [document] of the configuration; and how much the tables DOCX lists
 * ([report] tables_detail_max).  Added to the report's data as doc.* and
 * tables_detail (docs/report-data.md).
 *
 * Ownership: adds to tree's root; keeps nothing.
 */
#ifndef D25_REPORT_DOCUMENT_H
#define D25_REPORT_DOCUMENT_H

#include "../config/config.h"
#include "../docxfill/tree.h"
#include "../store/store.h"

/* 0, or -1 with err set.  Reads the store (the year's report sequence). */
int d25_report_document(d25_store *s, const d25_config *cfg, int period, d25_tree *tree, d25_error *err);

#endif
