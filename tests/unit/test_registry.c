/* Unit tests of the unit registry as offices keep it: the same small
 * registry saved as UTF-8 (with and without BOM), GBK / GB18030, UTF-16 LE
 * (tab-separated, Excel's "Unicode 文本") and BE, and as XLSX workbooks, all
 * written by tests/fixtures/make_fixtures.py with Python's codecs and
 * openpyxl.  The expected units below are copied by hand from the rows in
 * that script (REGISTRY_ROWS and the workbook); the lines and byte columns
 * of the refusals are counted by hand there too. */
#include "helpers.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/units.h"
#include "util/decode.h"

#define PERIOD(y, m) ((y) * 12 + (m) - 1)

static d25_registry *load(const char *name)
{
    d25_error err = {0};
    d25_registry *reg = d25_registry_load(fixture(name), &err);
    if (!reg)
        fail_msg("%s: %s", name, err.message);
    return reg;
}

/* Loading must fail, with every one of the NULL-terminated words in the message. */
static void refused(const char *name, const char *const *words)
{
    d25_error err = {0};
    d25_registry *reg = d25_registry_load(fixture(name), &err);
    if (reg) {
        d25_registry_free(reg);
        fail_msg("%s was accepted", name);
    }
    assert_int_equal(err.code, D25_E_CONFIG);
    if (!strstr(err.message, name))
        fail_msg("%s: message does not name the file: %s", name, err.message);
    for (; *words; words++)
        if (!strstr(err.message, *words))
            fail_msg("%s: no “%s” in: %s", name, *words, err.message);
}

/* REGISTRY_ROWS of make_fixtures.py; a3_name differs in the GB18030 file. */
static void expect_registry(const d25_registry *reg, const char *a3_name)
{
    assert_int_equal(reg->n, 4);
    const d25_unit *u = d25_registry_by_code(reg, "A1");
    assert_non_null(u);
    assert_string_equal(u->name, "示范区第一小学");
    assert_int_equal(u->naliases, 2);
    assert_string_equal(u->aliases[0], "一小");
    assert_string_equal(u->aliases[1], "城东一小");
    assert_string_equal(u->type, "school");
    assert_string_equal(u->area, "城东街道");
    assert_string_equal(u->flags, "boarding|night_work");
    assert_string_equal(u->contact, "王建国");
    assert_string_equal(u->phone, "13812340001");
    assert_int_equal(u->from, 0);
    assert_int_equal(u->until, INT_MAX);
    assert_int_equal(u->line, 2);

    u = d25_registry_by_code(reg, "A2");
    assert_non_null(u);
    assert_string_equal(u->name, "示范区阳光幼儿园,本部");
    assert_int_equal(u->naliases, 1);
    assert_string_equal(u->aliases[0], "阳光幼儿园");
    assert_string_equal(u->type, "kindergarten");
    assert_string_equal(u->area, "城西街道");
    assert_string_equal(u->flags, "");
    assert_string_equal(u->contact, "李丽");
    assert_int_equal(u->from, PERIOD(2026, 9));
    assert_int_equal(u->until, INT_MAX);
    assert_int_equal(u->line, 3);

    u = d25_registry_by_code(reg, "A3");
    assert_non_null(u);
    assert_string_equal(u->name, a3_name);
    assert_int_equal(u->naliases, 0);
    assert_string_equal(u->type, "training");
    assert_string_equal(u->area, "湖塘镇");
    assert_string_equal(u->contact, "张伟");
    assert_string_equal(u->phone, "");
    assert_int_equal(u->from, 0);
    assert_int_equal(u->until, PERIOD(2026, 10));
    assert_int_equal(u->line, 4);

    u = d25_registry_by_code(reg, "A4");
    assert_non_null(u);
    assert_string_equal(u->name, "示范区安达校车服务有限公司");
    assert_string_equal(u->aliases[0], "安达校车");
    assert_string_equal(u->type, "school_bus");
    assert_string_equal(u->area, "南山镇");
    assert_int_equal(u->from, PERIOD(2026, 1));
    assert_int_equal(u->line, 5);

    /* names find their units whatever the file's encoding was */
    assert_ptr_equal(d25_registry_find(reg, "城东一小"), d25_registry_by_code(reg, "A1"));
    assert_ptr_equal(d25_registry_find(reg, "安达校车（盖章）"), d25_registry_by_code(reg, "A4"));
}

static void registry_encodings(void **state)
{
    (void)state;
    static const struct {
        const char *file, *encoding;
        bool bom;
    } cases[] = {
        {"reg_utf8.csv", "UTF-8", false},       {"reg_utf8bom.csv", "UTF-8", true},
        {"reg_gbk.csv", "GB18030", false},      {"reg_lf.csv", "GB18030", false},
        {"reg_utf16le.txt", "UTF-16LE", true},  {"reg_utf16be.csv", "UTF-16BE", true},
        {"reg_plain.xlsx", "XLSX", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        d25_registry *reg = load(cases[i].file);
        if (strcmp(reg->encoding, cases[i].encoding) != 0 || reg->bom != cases[i].bom)
            fail_msg("%s: read as %s (bom %d), want %s (bom %d)", cases[i].file, reg->encoding, reg->bom,
                     cases[i].encoding, cases[i].bom);
        expect_registry(reg, "示范区启航培训中心");
        if (strcmp(cases[i].encoding, "XLSX") == 0)
            assert_string_equal(reg->sheet, "Sheet1");
        else
            assert_null(reg->sheet);
        d25_registry_free(reg);
    }
}

/* GB18030 proper (a four-byte character, U+20BB7 𠮷, F0 A0 AE B7 in UTF-8)
 * reads to the same units as the UTF-8 file, field by field. */
static void registry_gb18030_same_as_utf8(void **state)
{
    (void)state;
    d25_registry *gb = load("reg_gb18030.csv"), *u8 = load("reg_utf8.csv");
    assert_string_equal(gb->encoding, "GB18030");
    expect_registry(gb, "示范区启航培训中心\xF0\xA0\xAE\xB7");
    assert_int_equal(gb->n, u8->n);
    for (size_t i = 0; i < u8->n; i++) {
        const d25_unit *a = &gb->units[i], *b = &u8->units[i];
        assert_string_equal(a->code, b->code);
        if (strcmp(a->code, "A3") != 0)
            assert_string_equal(a->name, b->name);
        assert_string_equal(a->type, b->type);
        assert_string_equal(a->area, b->area);
        assert_string_equal(a->flags, b->flags);
        assert_string_equal(a->contact, b->contact);
        assert_string_equal(a->phone, b->phone);
        assert_int_equal(a->naliases, b->naliases);
        for (size_t k = 0; k < a->naliases; k++)
            assert_string_equal(a->aliases[k], b->aliases[k]);
        assert_int_equal(a->from, b->from);
        assert_int_equal(a->until, b->until);
        assert_int_equal(a->line, b->line);
    }
    d25_registry_free(gb);
    d25_registry_free(u8);
}

static void registry_refusals(void **state)
{
    (void)state;
    /* 0xFF 0xFE after "A3,示范区" (3 + 6 bytes) on line 4 */
    refused("reg_bad.csv", (const char *[]){"第 4 行第 10 个字节", "0xFF 0xFE", "GB18030", "CSV UTF-8", ".xlsx", NULL});
    /* a lone GBK lead byte at the very end, on line 6 */
    refused("reg_truncated.csv", (const char *[]){"第 6 行第 1 个字节", "0xD6", NULL});
    /* the BOM says UTF-8, line 5's 68th byte says otherwise */
    refused("reg_badbom.csv", (const char *[]){"UTF-8 字节顺序标记", "第 5 行第 68 个字节", "0xE5 0x8D", NULL});
    /* the same damage without a BOM: the other lines are UTF-8, so no
     * reading as GB18030 */
    refused("reg_damaged.csv", (const char *[]){"第 2 行是 UTF-8", "第 5 行第 68 个字节", "两种编码", NULL});
    /* lines 1-3 GBK, 4-5 UTF-8 */
    refused("reg_mixed.csv", (const char *[]){"第 4 行是 UTF-8", "第 2 行", "两种编码", NULL});
    /* "A1,x" then NUL: the 5th byte of line 2 */
    refused("reg_nul.csv", (const char *[]){"第 2 行第 5 个字节", "空字节", "CSV UTF-8", NULL});
    refused("reg_utf16nobom.csv", (const char *[]){"第 1 行第 2 个字节", "空字节", "UTF-16", NULL});
    refused("reg_legacy.csv", (const char *[]){"97-2003", "另存为", ".xlsx", NULL});
    refused("reg_encrypted.xlsx", (const char *[]){"打开密码", NULL});
    refused("reg_word.xlsx", (const char *[]){"Word 文档", NULL});
    /* a code Excel wrote in scientific notation */
    refused("reg_scicode.csv", (const char *[]){"第 3 行", "1.23457E+11", "文本", NULL});
    /* decoded fine, but the header names no code column */
    refused("reg_nocode.csv", (const char *[]){"第 1 行：缺少“代码”（code）列", NULL});
}

/* The workbook: sheet 单位名册 (second), a title row, Chinese headers,
 * numeric codes and phone, dates as datetimes, a bare serial (46054 is
 * 2026-02-01), Chinese and slashed date text, an area merged over E3:E4, a
 * comment row and a blank row. */
static void registry_xlsx(void **state)
{
    (void)state;
    d25_registry *reg = load("reg_units.xlsx");
    assert_string_equal(reg->encoding, "XLSX");
    assert_string_equal(reg->sheet, "单位名册");
    assert_int_equal(reg->n, 4);
    const d25_unit *u = d25_registry_by_code(reg, "1001");
    assert_non_null(u);
    assert_null(d25_registry_by_code(reg, "1001.0"));
    assert_string_equal(u->name, "示范区第一小学");
    assert_int_equal(u->naliases, 1);
    assert_string_equal(u->aliases[0], "一小");
    assert_string_equal(u->type, "school");
    assert_string_equal(u->area, "城东街道");
    assert_string_equal(u->phone, "13812340001");
    assert_int_equal(u->from, PERIOD(2026, 9));
    assert_int_equal(u->until, INT_MAX);
    assert_int_equal(u->line, 3);

    u = d25_registry_by_code(reg, "1002");
    assert_non_null(u);
    assert_string_equal(u->name, "示范区第二小学");
    assert_string_equal(u->area, "城东街道"); /* from the merged E3:E4 */
    assert_string_equal(u->phone, "");
    assert_int_equal(u->from, PERIOD(2026, 2));
    assert_int_equal(u->until, PERIOD(2026, 12));
    assert_int_equal(u->line, 4);

    u = d25_registry_by_code(reg, "1003");
    assert_non_null(u);
    assert_string_equal(u->type, "kindergarten");
    assert_string_equal(u->area, "城西街道");
    assert_int_equal(u->from, PERIOD(2026, 3));
    assert_int_equal(u->until, PERIOD(2027, 1));
    assert_int_equal(u->line, 5);

    u = d25_registry_by_code(reg, "B-7");
    assert_non_null(u);
    assert_string_equal(u->type, "training");
    assert_string_equal(u->phone, "13800000000");
    assert_int_equal(u->line, 8);
    d25_registry_free(reg);

    /* problems name the sheet, the row and the cell */
    refused("reg_xbadtype.xlsx", (const char *[]){"工作表“单位名册”第 3 行", "单元格 C3", "单位类型", NULL});
    refused("reg_xyyyymm.xlsx", (const char *[]){"工作表“单位名册”第 3 行", "单元格 E3", "202609", NULL});
    refused("reg_xfloatcode.xlsx", (const char *[]){"第 3 行", "单元格 A3", "1001.5", "文本", NULL});
    refused("reg_xerror.xlsx", (const char *[]){"第 3 行", "单元格 A3", "#N/A", NULL});
}

/* The decoder on its own: "中" is E4 B8 AD in UTF-8, D6 D0 in GBK, 2D 4E in
 * UTF-16LE (Unicode U+4E2D). */
static void decode_boms(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len;
        const char *encoding;
        bool bom;
    } cases[] = {
        {"\xE4\xB8\xAD\n", 4, "UTF-8", false},
        {"\xEF\xBB\xBF\xE4\xB8\xAD\n", 7, "UTF-8", true},
        {"\xD6\xD0\n", 3, "GB18030", false},
        {"\xFF\xFE\x2D\x4E\n\0", 6, "UTF-16LE", true},
        {"\xFE\xFF\x4E\x2D\0\n", 6, "UTF-16BE", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        d25_decoded d;
        assert_int_equal(d25_decode_text(cases[i].bytes, cases[i].len, &d), D25_DEC_OK);
        assert_string_equal(d.encoding, cases[i].encoding);
        assert_int_equal(d.bom, cases[i].bom);
        assert_int_equal(d.len, 4);
        assert_memory_equal(d.text, "\xE4\xB8\xAD\n", 4);
        d25_decoded_free(&d);
    }
    /* a lone surrogate in UTF-16 (D800 followed by "A") on line 2 */
    d25_decoded d;
    assert_int_equal(d25_decode_text("\xFF\xFE" "a\0\n\0\x00\xD8" "A\0", 10, &d), D25_DEC_INVALID);
    assert_string_equal(d.encoding, "UTF-16LE");
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 1);
    assert_null(d.text);
    /* only a BOM: empty text */
    assert_int_equal(d25_decode_text("\xEF\xBB\xBF", 3, &d), D25_DEC_OK);
    assert_int_equal(d.len, 0);
    assert_string_equal(d.text, "");
    d25_decoded_free(&d);
}

int run_registry_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registry_encodings), cmocka_unit_test(registry_gb18030_same_as_utf8),
        cmocka_unit_test(registry_refusals),  cmocka_unit_test(registry_xlsx),
        cmocka_unit_test(decode_boms),
    };
    return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
