/* docx: grid, merges, nested tables, controls, checkboxes, revisions, fields. */
#include "helpers.h"

#include <string.h>

static const d25_dcell *cell(const d25_doc *d, size_t t, size_t r, size_t k)
{
    assert_true(t < d->ntables);
    assert_true(r < d->tables[t].nrows);
    assert_true(k < d->tables[t].rows[r].n);
    return &d->tables[t].rows[r].cells[k];
}

static void test_python_docx_tables(void **state)
{
    (void)state;
    d25_ooxml *f = read_fixture("tables.docx", NULL);
    assert_int_equal(f->error.code, D25_OK);
    assert_int_equal(f->format, D25_FMT_DOCX);
    const d25_doc *d = f->doc;
    assert_int_equal(d->ntables, 2);
    const d25_table *t = &d->tables[0];
    assert_int_equal(t->nrows, 4);
    assert_int_equal(t->ncols, 3);
    assert_int_equal(t->parent, -1);
    assert_string_equal(cell(d, 0, 0, 2)->text, "单位自查情况");
    /* vertical merge: rows 2-4 of column 1 */
    assert_string_equal(cell(d, 0, 1, 0)->text, "一、落实第一责任人责任");
    assert_int_equal(cell(d, 0, 1, 0)->mrow, -1);
    assert_int_equal(cell(d, 0, 2, 0)->mrow, 1);
    assert_int_equal(cell(d, 0, 2, 0)->mcol, 0);
    assert_int_equal(cell(d, 0, 3, 0)->mrow, 1);
    /* horizontal merge: one physical cell spanning two grid columns */
    assert_int_equal(t->rows[1].n, 2);
    assert_int_equal(cell(d, 0, 1, 1)->span, 2);
    assert_int_equal(cell(d, 0, 1, 1)->col, 1);
    /* paragraphs joined by \n, tab and break kept */
    assert_string_equal(cell(d, 0, 3, 1)->text, "第一段\n第二段");
    assert_string_equal(cell(d, 0, 3, 2)->text, "甲\t乙\n丙");
    /* the nested table is its own table, and not part of its parent cell's text */
    assert_string_equal(cell(d, 0, 2, 2)->text, "已落实\n");
    assert_int_equal(d->tables[1].parent, 0);
    assert_int_equal(d->tables[1].prow, 2);
    assert_int_equal(d->tables[1].pcol, 2);
    assert_string_equal(cell(d, 1, 0, 1)->text, "嵌套2");
    /* paragraphs outside tables, with their position */
    assert_int_equal(d->nparas, 3);
    assert_string_equal(d->paras[0].text, "附件1");
    assert_int_equal(d->paras[0].tables_before, 0);
    assert_int_equal(d->paras[2].tables_before, 1);
    assert_non_null(strstr(d->paras[2].text, "填报人：张三"));
    d25_ooxml_free(f);
}

static void test_controls_and_checkboxes(void **state)
{
    (void)state;
    d25_ooxml *f = read_fixture("features.docx", NULL);
    assert_int_equal(f->error.code, D25_OK);
    const d25_doc *d = f->doc;
    assert_int_equal(d->ntables, 1);
    const d25_dcell *c = cell(d, 0, 0, 0);
    assert_string_equal(c->text, "武进区实验小学");
    assert_int_equal(c->controls.n, 1);
    assert_string_equal(c->controls.v[0].tag, "unit_name");
    assert_string_equal(c->controls.v[0].alias, "单位名称");
    assert_string_equal(c->controls.v[0].kind, "text");
    assert_int_equal(c->checked, -1);
    c = cell(d, 0, 0, 1); /* w14:checkbox checked */
    assert_int_equal(c->checked, 1);
    assert_string_equal(c->controls.v[0].kind, "checkbox");
    assert_int_equal(c->controls.v[0].checked, 1);
    assert_string_equal(c->text, "☒是");
    c = cell(d, 0, 0, 2); /* w14:checkbox unchecked */
    assert_int_equal(c->checked, 0);
    assert_int_equal(c->controls.v[0].checked, 0);
    /* Wingdings F0FE and Wingdings 2 F0A3 become glyphs */
    assert_string_equal(cell(d, 0, 1, 0)->text, "☑已落实");
    assert_int_equal(cell(d, 0, 1, 0)->checked, 1);
    assert_string_equal(cell(d, 0, 1, 1)->text, "☐未落实");
    assert_int_equal(cell(d, 0, 1, 1)->checked, 0);
    /* inserted text kept, deleted text dropped */
    assert_string_equal(cell(d, 0, 1, 2)->text, "已落实");
    assert_int_equal(cell(d, 0, 1, 2)->checked, -1);
    /* field results kept, field codes dropped */
    assert_string_equal(cell(d, 0, 2, 0)->text, "20267");
    /* legacy FORMCHECKBOX: w:checked overrides w:default */
    assert_string_equal(cell(d, 0, 2, 1)->text, "☑有");
    assert_int_equal(cell(d, 0, 2, 1)->checked, 1);
    /* mc:Choice read, mc:Fallback skipped */
    assert_string_equal(cell(d, 0, 2, 2)->text, "选");
    /* gridBefore shifts the row; hMerge continue points back */
    assert_int_equal(cell(d, 0, 3, 0)->col, 1);
    assert_string_equal(cell(d, 0, 3, 0)->text, "后移");
    assert_int_equal(cell(d, 0, 3, 1)->col, 2);
    assert_int_equal(cell(d, 0, 3, 1)->mrow, 3);
    assert_int_equal(cell(d, 0, 3, 1)->mcol, 1);
    /* a block-level control belongs to the paragraph it wraps */
    assert_int_equal(d->nparas, 3);
    assert_string_equal(d->paras[1].text, "张三");
    assert_int_equal(d->paras[1].controls.n, 1);
    assert_string_equal(d->paras[1].controls.v[0].tag, "reporter");
    assert_string_equal(d->paras[1].controls.v[0].alias, "填报人");
    assert_string_equal(d->paras[2].text, "表后☑"); /* Wingdings 2 F052 */
    assert_int_equal(d->paras[2].checked, 1);
    assert_int_equal(d->paras[2].tables_before, 1);
    d25_ooxml_free(f);
}

static void test_strict_docx(void **state)
{
    (void)state;
    d25_ooxml *f = read_fixture("strict.docx", NULL);
    assert_int_equal(f->error.code, D25_OK);
    assert_int_equal(f->doc->ntables, 1);
    assert_string_equal(cell(f->doc, 0, 0, 0)->text, "格");
    assert_string_equal(f->doc->paras[0].text, "严格");
    d25_ooxml_free(f);
}

static void test_xml_defences(void **state)
{
    (void)state;
    d25_ooxml *f = read_fixture("deep.docx", NULL);
    assert_int_equal(f->error.code, D25_E_XML_DEPTH);
    assert_non_null(strstr(f->error.message, "word/document.xml"));
    d25_ooxml_free(f);
    d25_limits lim;
    d25_limits_default(&lim);
    lim.max_xml_depth = 1000;
    f = read_fixture("deep.docx", &lim); /* libxml2's own limit (256 without HUGE) still holds */
    assert_int_not_equal(f->error.code, D25_OK);
    d25_ooxml_free(f);
    f = read_fixture("deepdropped.docx", NULL); /* nesting inside a dropped text box counts too */
    assert_int_equal(f->error.code, D25_E_XML_DEPTH);
    d25_ooxml_free(f);
    f = read_fixture("xmlbomb.docx", NULL);
    assert_int_equal(f->error.code, D25_E_XML_DTD);
    d25_ooxml_free(f);
    f = read_fixture("xxe.docx", NULL);
    assert_int_equal(f->error.code, D25_E_XML_DTD);
    assert_null(f->doc);
    d25_ooxml_free(f);
}

/* Formatting, text boxes and deleted text are dropped as the XML is parsed:
 * none of their text reaches the paragraph. */
static void test_dropped_while_parsing(void **state)
{
    (void)state;
    d25_ooxml *f = read_fixture("dropped.docx", NULL);
    assert_int_equal(f->error.code, D25_OK);
    assert_int_equal(f->doc->nparas, 1);
    assert_string_equal(f->doc->paras[0].text, "正文后");
    d25_ooxml_free(f);
}

static void test_macro_document(void **state)
{
    (void)state;
    d25_ooxml *f = read_fixture("macro.docm", NULL);
    assert_int_equal(f->error.code, D25_OK);
    assert_true(f->macros);
    assert_string_equal(f->doc->paras[0].text, "宏");
    d25_ooxml_free(f);
}

int run_docx_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_python_docx_tables), cmocka_unit_test(test_controls_and_checkboxes),
        cmocka_unit_test(test_strict_docx),        cmocka_unit_test(test_xml_defences), cmocka_unit_test(test_dropped_while_parsing),
        cmocka_unit_test(test_macro_document),
    };
    return cmocka_run_group_tests_name("docx", tests, NULL, NULL);
}
