/* Unit tests (cmocka): each group in its own file; all run here. */
#include "helpers.h"

#include "../../src/registry/units.h"
#include "../../src/rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *fixture(const char *name)
{
    static char buf[8][1024];
    static int next;
    const char *dir = getenv("D25_FIXTURES");
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", dir ? dir : "build/fixtures", name);
    return b;
}

d25_ooxml *read_fixture(const char *name, const d25_limits *lim)
{
    d25_ooxml *f = d25_ooxml_read_path(fixture(name), lim);
    assert_non_null(f);
    return f;
}

const d25_sheet *sheet_named(const d25_book *b, const char *name)
{
    for (size_t i = 0; i < b->nsheets; i++)
        if (strcmp(b->sheets[i].name, name) == 0)
            return &b->sheets[i];
    return NULL;
}

const d25_xcell *cell_at(const d25_sheet *s, const char *ref)
{
    uint32_t row, col;
    if (!d25_parse_ref(ref, &row, &col))
        return NULL;
    for (size_t i = 0; i < s->ncells; i++)
        if (s->cells[i].row == row && s->cells[i].col == col)
            return &s->cells[i];
    return NULL;
}

int main(void)
{
    d25_xml_init();
    /* The registry takes the unit types of the edition in use, as the
     * commands set them from the rule set (cmd/common.c). */
    d25_error err = {0};
    d25_rules *edu = d25_rules_load("config/rules-education.ini", &err);
    if (!edu) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    d25_unit_types_use(edu->type_keys, edu->type_labels, edu->ntypes);
    int failed = 0;
    failed += run_numfmt_tests();
    failed += run_xlsx_tests();
    failed += run_docx_tests();
    failed += run_package_tests();
    failed += run_config_tests();
    failed += run_rules_tests();
    failed += run_quality_tests();
    failed += run_template_tests();
    failed += run_output_tests();
    failed += run_store_tests();
    failed += run_registry_tests();
    failed += run_mail_tests();
    failed += run_book_tests();
    failed += run_cli_tests();
    d25_unit_types_use(NULL, NULL, 0);
    d25_rules_free(edu);
    return failed ? 1 : 0;
}
