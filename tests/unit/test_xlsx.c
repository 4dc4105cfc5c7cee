/* xlsx: every cell type, sheet order, merges, limits (values from make_fixtures.py). */
#include "helpers.h"

#include <string.h>

static void expect(const d25_sheet *s, const char *ref, char type, const char *text)
{
    const d25_xcell *c = cell_at(s, ref);
    if (!c)
        fail_msg("no cell %s in sheet %s", ref, s->name);
    assert_int_equal(c->type, type);
    assert_string_equal(c->text, text);
    assert_int_equal(c->len, strlen(text));
}

static void test_openpyxl_types(void **state)
{
    (void)state;
    d25_ooxml *f = read_fixture("types.xlsx", NULL);
    assert_int_equal(f->error.code, D25_OK);
    assert_int_equal(f->format, D25_FMT_XLSX);
    const d25_book *b = f->book;
    assert_int_equal(b->nsheets, 3);
    /* workbook order, not file order: 推进情况 was inserted first */
    assert_string_equal(b->sheets[0].name, "推进情况");
    assert_string_equal(b->sheets[1].name, "清单");
    assert_string_equal(b->sheets[2].name, "隐藏表");
    assert_string_equal(b->sheets[2].state, "hidden");
    const d25_sheet *s = &b->sheets[1];
    expect(s, "A1", 's', "类别");
    expect(s, "A2", 'n', "42");
    expect(s, "B2", 'n', "0.1");
    expect(s, "C2", 'n', "-3.5");
    expect(s, "D2", 'n', "1e+20");
    expect(s, "A3", 'b', "TRUE");
    expect(s, "B3", 'b', "FALSE");
    expect(s, "C3", 'e', "#N/A");
    expect(s, "A4", 'd', "2026-11-25");
    expect(s, "B4", 'd', "2026-11-25 14:30:05");
    expect(s, "C4", 'd', "08:15:00");
    expect(s, "D4", 'd', "2021-07-01");
    expect(s, "A5", 's', "已落实，见台账");
    expect(s, "A6", 's', "六、落实阶段性重点工作责任");
    expect(s, "B7", 'n', "1234567.25"); /* a number format with separators does not change the value */
    assert_int_equal(s->nmerged, 1);
    assert_int_equal(s->merged[0].r1, 6);
    assert_int_equal(s->merged[0].c1, 1);
    assert_int_equal(s->merged[0].r2, 6);
    assert_int_equal(s->merged[0].c2, 3);
    assert_int_equal(s->ncells, 16);
    d25_ooxml_free(f);
}

static void test_raw_features(void **state)
{
    (void)state;
    d25_ooxml *f = read_fixture("features.xlsx", NULL);
    assert_int_equal(f->error.code, D25_OK);
    const d25_book *b = f->book;
    assert_int_equal(b->nsheets, 3);
    assert_string_equal(b->sheets[0].name, "第二"); /* stored as sheet3.xml */
    assert_string_equal(b->sheets[2].state, "veryHidden");
    const d25_sheet *s = sheet_named(b, "数据");
    assert_non_null(s);
    expect(s, "A1", 's', "纯文本");
    expect(s, "B1", 's', "富文本");              /* rich runs joined, phonetic rPh skipped */
    expect(s, "C1", 's', "行一\r\n行二");        /* _x000D_ decoded */
    expect(s, "D1", 's', "下划线_x0041_");       /* _x005F_ is a literal underscore */
    expect(s, "A2", 's', "内联");
    expect(s, "B2", 's', "公式结果");            /* formula string: cached value */
    expect(s, "C2", 'n', "2");                   /* formula number: cached value */
    expect(s, "D2", 'b', "TRUE");
    expect(s, "E2", 'e', "#DIV/0!");
    expect(s, "F2", 'd', "2026-11-25 09:30:00"); /* t="d" ISO 8601 */
    expect(s, "A3", 'd', "2026-11-25");          /* built-in 14 */
    expect(s, "B3", 'd', "2021-07-01");          /* custom yyyy"年"m"月"d"日" */
    expect(s, "C3", 'd', "36:00:00");            /* [h]:mm:ss elapsed */
    expect(s, "D3", 'd', "2026-11-25");          /* built-in 31, zh-CN date */
    expect(s, "E3", 'd', "2026-11-25 18:00:00");
    expect(s, "F3", 'd', "12:00:00");
    /* row without r follows row 3; cells without r follow the previous one */
    expect(s, "A4", 'n', "10");
    expect(s, "B4", 'n', "11");
    expect(s, "E4", 'n', "14");
    expect(s, "F4", 'n', "15");
    /* B7 lies under the merged range A7:B8: Excel does not show it */
    expect(s, "A7", 'n', "1");
    assert_null(cell_at(s, "B7"));
    assert_int_equal(s->ncells, 21);
    d25_ooxml_free(f);
}

static void test_1904_and_strict(void **state)
{
    (void)state;
    d25_ooxml *f = read_fixture("date1904.xlsx", NULL);
    assert_int_equal(f->error.code, D25_OK);
    assert_true(f->book->date1904);
    expect(&f->book->sheets[0], "A1", 'd', "1904-01-01");
    expect(&f->book->sheets[0], "B1", 'd', "2024-01-01");
    d25_ooxml_free(f);
    f = read_fixture("strict.xlsx", NULL);
    assert_int_equal(f->error.code, D25_OK);
    assert_string_equal(f->book->sheets[0].name, "严格");
    expect(&f->book->sheets[0], "A1", 's', "严");
    expect(&f->book->sheets[0], "B1", 'n', "3.25");
    d25_ooxml_free(f);
}

static void test_wide_sheet(void **state)
{
    (void)state;
    d25_ooxml *f = read_fixture("wide.xlsx", NULL);
    assert_int_equal(f->error.code, D25_OK);
    const d25_sheet *s = &f->book->sheets[0];
    assert_int_equal(s->ncells, 2000 * 50);
    expect(s, "AX2000", 'n', "1999");
    expect(s, "A1", 'n', "0");
    d25_ooxml_free(f);
}

static void test_text_limit(void **state)
{
    (void)state;
    d25_limits lim;
    d25_limits_default(&lim);
    d25_ooxml *f = read_fixture("sstbomb.xlsx", &lim);
    assert_int_equal(f->error.code, D25_OK); /* 200 x 102 KB = 20 MB < 64 MB */
    d25_ooxml_free(f);
    lim.max_text_bytes = 1 << 20;
    f = read_fixture("sstbomb.xlsx", &lim);
    assert_int_equal(f->error.code, D25_E_TEXT_LIMIT);
    assert_null(f->book);
    assert_non_null(strstr(f->error.message, "sstbomb.xlsx"));
    assert_non_null(strstr(f->error.message, "A11")); /* 11 x 102 000 bytes pass 1 MiB (1 048 576) at A11 */
    d25_ooxml_free(f);
}

static void test_cell_limit(void **state)
{
    (void)state;
    d25_limits lim;
    d25_limits_default(&lim);
    lim.max_cells = 50;
    d25_ooxml *f = read_fixture("cells100.xlsx", &lim);
    assert_int_equal(f->error.code, D25_E_CELL_LIMIT);
    assert_non_null(strstr(f->error.message, "A51"));
    d25_ooxml_free(f);
    lim.max_cells = 100;
    f = read_fixture("cells100.xlsx", &lim);
    assert_int_equal(f->error.code, D25_OK);
    d25_ooxml_free(f);
}

static void test_missing_sheet(void **state)
{
    (void)state;
    d25_ooxml *f = read_fixture("missing_sheet.xlsx", NULL);
    assert_int_equal(f->error.code, D25_E_MISSING_PART);
    assert_non_null(strstr(f->error.message, "xl/worksheets/sheet1.xml"));
    d25_ooxml_free(f);
}

static void test_refs(void **state)
{
    (void)state;
    char out[16];
    d25_cell_ref(1, 1, out);
    assert_string_equal(out, "A1");
    d25_cell_ref(14, 5, out);
    assert_string_equal(out, "E14");
    d25_cell_ref(1048576, 16384, out);
    assert_string_equal(out, "XFD1048576");
    d25_cell_ref(3, 27, out);
    assert_string_equal(out, "AA3");
    uint32_t r, c;
    assert_true(d25_parse_ref("$AB$12", &r, &c));
    assert_int_equal(r, 12);
    assert_int_equal(c, 28);
    assert_false(d25_parse_ref("XFE1", &r, &c));
    assert_false(d25_parse_ref("A0", &r, &c));
    assert_false(d25_parse_ref("A1048577", &r, &c));
    assert_false(d25_parse_ref("12", &r, &c));
}

int run_xlsx_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openpyxl_types), cmocka_unit_test(test_raw_features),
        cmocka_unit_test(test_1904_and_strict), cmocka_unit_test(test_wide_sheet),
        cmocka_unit_test(test_text_limit),     cmocka_unit_test(test_cell_limit),
        cmocka_unit_test(test_missing_sheet),  cmocka_unit_test(test_refs),
    };
    return cmocka_run_group_tests_name("xlsx", tests, NULL, NULL);
}
