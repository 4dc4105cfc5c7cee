/* template: tags split over runs, loops in rows and paragraphs, conditions,
 * escaping, tag-like text in values, errors.  Templates come from
 * tests/fixtures/make_fixtures.py (python-docx); the filled files are read
 * back with the DOCX reader. */
#include "helpers.h"
#include "report/template.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char out_path[128];

static d25_ooxml *fill(const char *tpl, const char *json, d25_error *err)
{
    json_error_t je;
    json_t *data = json_loads(json, 0, &je);
    assert_non_null(data);
    snprintf(out_path, sizeof out_path, "/tmp/d25-template-%d.docx", (int)getpid());
    int rc = d25_template_fill(fixture(tpl), data, out_path, err);
    json_decref(data);
    if (rc < 0)
        return NULL;
    d25_ooxml *f = d25_ooxml_read_path(out_path, NULL);
    assert_non_null(f);
    assert_int_equal(f->error.code, D25_OK);
    return f;
}

static const char *para(const d25_doc *d, const char *prefix)
{
    for (size_t i = 0; i < d->nparas; i++)
        if (strncmp(d->paras[i].text, prefix, strlen(prefix)) == 0)
            return d->paras[i].text;
    return NULL;
}

static int count_paras(const d25_doc *d, const char *prefix)
{
    int n = 0;
    for (size_t i = 0; i < d->nparas; i++)
        n += strncmp(d->paras[i].text, prefix, strlen(prefix)) == 0;
    return n;
}

static const char DATA[] =
    "{\"district\": \"示范区\", \"count\": 12345, \"title\": \"<甲&乙> \\\"报告\\\"\","
    " \"units\": [{\"name\": \"城东小学\", \"found\": 1200, \"rate\": 0.968},"
    "            {\"name\": \"{{#units}}假标签{{/units}}\", \"found\": 0, \"rate\": null},"
    "            {\"name\": \"甲<乙>&丙\\u0001\", \"found\": -7, \"rate\": 1}],"
    " \"items\": [{\"n\": 1, \"text\": \"甲\"}, {\"n\": 2, \"text\": \"乙\"}, {\"n\": 3, \"text\": \"丙\"}],"
    " \"late\": true, \"late_names\": \"南山小学、湖塘小学\", \"none\": false, \"missing\": [],"
    " \"zero\": null, \"nothing\": null, \"flag\": true}";

static void test_fill(void **state)
{
    (void)state;
    d25_error err = {0};
    d25_ooxml *f = fill("tpl_basic.docx", DATA, &err);
    assert_non_null(f);
    const d25_doc *d = f->doc;
    /* a tag split over three runs, with a proofing mark and a bookmark */
    assert_string_equal(para(d, "区名"), "区名：示范区，共 12,345 家");
    /* escaping: the value reads back as written */
    assert_string_equal(para(d, "标题"), "标题：<甲&乙> \"报告\"");
    /* a row loop (written item by item as the part is zipped): header +
     * three rows; tag-like text in a value stays text; XML's special
     * characters are escaped and a control character dropped */
    assert_int_equal(d->ntables, 1);
    assert_int_equal(d->tables[0].nrows, 4);
    assert_string_equal(d->tables[0].rows[3].cells[0].text, "甲<乙>&丙");
    assert_string_equal(d->tables[0].rows[3].cells[1].text, "-7");
    assert_string_equal(d->tables[0].rows[3].cells[2].text, "100.0%");
    assert_string_equal(d->tables[0].rows[1].cells[0].text, "城东小学");
    assert_string_equal(d->tables[0].rows[1].cells[1].text, "1,200");
    assert_string_equal(d->tables[0].rows[1].cells[2].text, "96.8%");
    assert_string_equal(d->tables[0].rows[2].cells[0].text, "{{#units}}假标签{{/units}}");
    assert_string_equal(d->tables[0].rows[2].cells[2].text, "—");
    /* a paragraph loop */
    assert_int_equal(count_paras(d, "第"), 3);
    assert_non_null(para(d, "第2项：乙"));
    /* a condition over paragraphs: kept without its tag paragraphs */
    assert_string_equal(para(d, "有逾期单位"), "有逾期单位：南山小学、湖塘小学。");
    assert_null(para(d, "{{"));
    /* ... and removed */
    assert_null(para(d, "不应出现"));
    /* inline conditions, the tag split over runs */
    assert_string_equal(para(d, "本月"), "本月全部报送。");
    assert_string_equal(para(d, "率"), "率：—；空：—；真：是");
    d25_ooxml_free(f);
    unlink(out_path);
}

static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *tpl, *needle;
    } cases[] = {
        {"tpl_unknown.docx", "nosuch"},
        {"tpl_unbalanced.docx", "{{#units}}"},
        {"tpl_stray.docx", "{{/units}}"},
        {"tpl_format.docx", "money"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        d25_error err = {0};
        unlink(out_path);
        assert_null(fill(cases[i].tpl, DATA, &err));
        assert_int_equal(err.code, D25_E_TEMPLATE);
        assert_non_null(strstr(err.message, cases[i].needle));
        assert_non_null(strstr(err.message, "word/document.xml"));
        assert_true(access(out_path, F_OK) != 0); /* nothing half-written */
    }
}

int run_template_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
