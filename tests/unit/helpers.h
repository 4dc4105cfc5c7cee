/* Shared helpers for the unit tests: fixture paths and cell lookup. */
#ifndef D25_TEST_HELPERS_H
#define D25_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ooxml/ooxml.h"
#include "ooxml/xml.h"

/* Path of a file made by tests/fixtures/make_fixtures.py ($D25_FIXTURES). */
const char *fixture(const char *name);
/* Read a fixture with the given limits (NULL = defaults); never NULL. */
d25_ooxml *read_fixture(const char *name, const d25_limits *lim);
const d25_sheet *sheet_named(const d25_book *b, const char *name);
/* Text of the cell at ref ("B7"), or NULL when the sheet has no such cell. */
const d25_xcell *cell_at(const d25_sheet *s, const char *ref);

int run_numfmt_tests(void);
int run_xlsx_tests(void);
int run_docx_tests(void);
int run_package_tests(void);
int run_config_tests(void);
int run_cli_tests(void);
int run_rules_tests(void);
int run_quality_tests(void);
int run_template_tests(void);
int run_output_tests(void);
int run_store_tests(void);
int run_registry_tests(void);
int run_mail_tests(void);
int run_book_tests(void);

#endif
