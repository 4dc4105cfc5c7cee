/* template: tags split over runs, loops in rows and paragraphs, conditions,
 * escaping, tag-like text in values, errors.  Templates come from
 * tests/fixtures/make_fixtures.py (python-docx); the filled files are read
 * back with the DOCX reader.  Each test runs twice: on the data as JSON,
 * and as a tree whose arrays of objects are lists of rows (docxfill/tree.h),
 * the way the report hands a district's long lists to its templates. */
#include "helpers.h"
#include "docxfill/fill.h"
#include "docxfill/tree.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

static char out_path[128];

/* The data with each top-level array of objects as a list of rows: its
 * columns are the keys in the order first met. */
static d25_tree *as_tree(const json_t *data)
{
    d25_tree *t = d25_tree_new(json_object());
    assert_non_null(t);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)data, k, v) {
        bool rows = json_is_array(v);
        for (size_t i = 0; rows && i < json_array_size(v); i++)
            rows = json_is_object(json_array_get(v, i));
        if (!rows) {
            assert_int_equal(json_object_set(t->root, k, v), 0);
            continue;
        }
        const char *cols[16];
        size_t ncols = 0;
        for (size_t i = 0; i < json_array_size(v); i++) {
            const char *ck;
            json_t *cv;
            json_object_foreach(json_array_get(v, i), ck, cv) {
                size_t c = 0;
                while (c < ncols && strcmp(cols[c], ck) != 0)
                    c++;
                if (c == ncols) {
                    assert_true(ncols < 16);
                    cols[ncols++] = ck;
                }
            }
        }
        d25_rows *r = d25_tree_list(t, k, cols, ncols);
        assert_non_null(r);
        for (size_t i = 0; i < json_array_size(v); i++) {
            d25_cell *row = d25_rows_add(r);
            assert_non_null(row);
            const char *ck;
            json_t *cv;
            json_object_foreach(json_array_get(v, i), ck, cv) {
                d25_cell *c = &row[d25_rows_col(r, ck, NULL)];
                if (json_is_integer(cv))
                    d25_cell_int(c, json_integer_value(cv));
                else if (json_is_real(cv))
                    d25_cell_real(c, json_real_value(cv));
                else if (json_is_string(cv))
                    assert_int_equal(d25_cell_str(r, c, json_string_value(cv)), 0);
                else if (json_is_boolean(cv))
                    *c = (d25_cell){.kind = D25_CELL_BOOL, .v.b = json_is_true(cv)};
                else
                    assert_true(json_is_null(cv));
            }
        }
    }
    return t;
}

static d25_ooxml *fill_as(const char *tpl, const char *json, bool tree, d25_error *err)
{
    json_error_t je;
    json_t *data = json_loads(json, 0, &je);
    assert_non_null(data);
    snprintf(out_path, sizeof out_path, "/tmp/d25-template-%d.docx", (int)getpid());
    int rc;
    if (tree) {
        d25_tree *t = as_tree(data);
        /* The tree reads back as the data it was made from. */
        json_t *back = d25_tree_json(t);
        assert_true(json_equal(back, data));
        json_decref(back);
        rc = d25_template_fill_tree(fixture(tpl), t, out_path, err);
        d25_tree_free(t);
    } else {
        rc = d25_template_fill(fixture(tpl), data, out_path, err);
    }
    json_decref(data);
    if (rc < 0)
        return NULL;
    d25_ooxml *f = d25_ooxml_read_path(out_path, NULL);
    assert_non_null(f);
    assert_int_equal(f->error.code, D25_OK);
    return f;
}

static bool as_tree_mode(void **state)
{
    return *state && *(const bool *)*state;
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
    d25_error err = {0};
    d25_ooxml *f = fill_as("tpl_basic.docx", DATA, as_tree_mode(state), &err);
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
    static const struct {
        const char *tpl, *needle;
    } cases[] = {
        {"tpl_unknown.docx", "nosuch"},
        {"tpl_unbalanced.docx", "{{#units}}"},
        {"tpl_stray.docx", "{{/units}}"},
        {"tpl_format.docx", "money"},
        {"tpl_doctype.docx", "DOCTYPE"},
        {"tpl_workbook.docx", "word/document.xml"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        d25_error err = {0};
        unlink(out_path);
        assert_null(fill_as(cases[i].tpl, DATA, as_tree_mode(state), &err));
        assert_int_equal(err.code, D25_E_TEMPLATE);
        assert_non_null(strstr(err.message, cases[i].needle));
        assert_non_null(strstr(err.message, "word/document.xml"));
        assert_true(access(out_path, F_OK) != 0); /* nothing half-written */
    }
}

/* A value missing in one item of a loop whose rows are written while the
 * package is zipped (after the template is closed): the message still
 * names the part, the line and the item, and nothing is written. */
static void test_stream_error(void **state)
{
    (void)state;
    static const char data[] =
        "{\"district\": \"示范区\", \"count\": 1, \"title\": \"t\","
        " \"units\": [{\"name\": \"甲\", \"found\": 1, \"rate\": 0.5}, {\"name\": \"乙\", \"rate\": 0.5}],"
        " \"items\": [], \"late\": false, \"late_names\": \"\", \"none\": false, \"missing\": [],"
        " \"zero\": null, \"nothing\": null, \"flag\": true}";
    d25_error err = {0};
    unlink(out_path);
    assert_null(fill_as("tpl_basic.docx", data, false, &err));
    assert_int_equal(err.code, D25_E_TEMPLATE);
    assert_non_null(strstr(err.message, "word/document.xml"));
    assert_non_null(strstr(err.message, "“found”"));
    assert_non_null(strstr(err.message, "循环的第 2 项"));
    assert_null(strstr(err.message, "第 0 行"));
    assert_true(access(out_path, F_OK) != 0);
}

/* A template rezipped with an entry for each folder fills as the original,
 * and the folders' entries are left out. */
static void test_folder_entries(void **state)
{
    (void)state;
    d25_error err = {0};
    d25_ooxml *f = fill_as("tpl_folders.docx", DATA, false, &err);
    assert_non_null(f);
    assert_int_equal(f->doc->ntables, 1);
    assert_int_equal(f->doc->tables[0].nrows, 4);
    d25_ooxml_free(f);
    int zerr;
    zip_t *z = zip_open(out_path, ZIP_RDONLY, &zerr);
    assert_non_null(z);
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        assert_false(name[strlen(name) - 1] == '/');
    }
    zip_close(z);
    unlink(out_path);
}

/* Lists: columns found from any starting hint, rows growing past a
 * reservation, strings copied, and --dump-data's view of them. */
static void test_tree_lists(void **state)
{
    (void)state;
    d25_tree *t = d25_tree_new(json_pack("{s:s}", "before", "甲"));
    assert_non_null(t);
    static const char *const cols[] = {"code", "name", "count"};
    d25_rows *r = d25_tree_list(t, "units", cols, 3);
    assert_non_null(r);
    assert_int_equal(json_object_set_new(t->root, "after", json_integer(2)), 0);
    size_t hint = 2;
    assert_int_equal(d25_rows_col(r, "code", &hint), 0);
    assert_int_equal(hint, 1);
    assert_int_equal(d25_rows_col(r, "count", &hint), 2);
    assert_int_equal(d25_rows_col(r, "nosuch", &hint), -1);
    assert_int_equal(d25_rows_reserve(r, 2), 0);
    char name[32];
    for (int i = 0; i < 5; i++) {
        d25_cell *c = d25_rows_add(r);
        assert_non_null(c);
        snprintf(name, sizeof name, "单位%d", i);
        assert_int_equal(d25_cell_str(r, &c[0], "X"), 0);
        assert_int_equal(d25_cell_str(r, &c[1], name), 0);
        if (i % 2)
            d25_cell_int(&c[2], i * 10);
    }
    name[0] = 0; /* the cells hold copies */
    assert_int_equal(r->n, 5);
    assert_ptr_equal(d25_tree_find(t, "units"), r);
    assert_null(d25_tree_find(t, "before"));
    json_t *all = d25_tree_json(t);
    char *text = json_dumps(all, JSON_PRESERVE_ORDER | JSON_COMPACT);
    assert_string_equal(text, "{\"before\":\"甲\",\"units\":["
                              "{\"code\":\"X\",\"name\":\"单位0\",\"count\":null},"
                              "{\"code\":\"X\",\"name\":\"单位1\",\"count\":10},"
                              "{\"code\":\"X\",\"name\":\"单位2\",\"count\":null},"
                              "{\"code\":\"X\",\"name\":\"单位3\",\"count\":30},"
                              "{\"code\":\"X\",\"name\":\"单位4\",\"count\":null}],\"after\":2}");
    free(text);
    json_decref(all);
    /* A list without columns still counts its rows. */
    d25_rows *bare = d25_tree_list(t, "bare", NULL, 0);
    assert_non_null(bare);
    assert_non_null(d25_rows_add(bare));
    assert_non_null(d25_rows_add(bare));
    all = d25_tree_json(t);
    text = json_dumps(json_object_get(all, "bare"), JSON_COMPACT);
    assert_string_equal(text, "[{},{}]");
    free(text);
    json_decref(all);
    d25_tree_free(t);
}

int run_template_tests(void)
{
    static const bool json = false, tree = true;
    const struct CMUnitTest tests[] = {
        {"test_fill (JSON)", test_fill, NULL, NULL, (void *)&json},
        {"test_errors (JSON)", test_errors, NULL, NULL, (void *)&json},
        {"test_fill (lists of rows)", test_fill, NULL, NULL, (void *)&tree},
        {"test_errors (lists of rows)", test_errors, NULL, NULL, (void *)&tree},
        cmocka_unit_test(test_tree_lists),
        cmocka_unit_test(test_stream_error),
        cmocka_unit_test(test_folder_entries),
    };
    return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
