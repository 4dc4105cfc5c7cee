/* Unit tests of the rule set, the status words, text folding, dates and
 * the unit registry.  Expectations come from seed 000 (the counts of items
 * and sub-items in Attachment 1, the words of issue 3's list) and from
 * hand-written inputs. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forms/forms.h"
#include "registry/units.h"
#include "rules/rules.h"
#include "util/fold.h"

static d25_rules *edu(void)
{
    d25_error err = {0};
    d25_rules *r = d25_rules_load("config/rules-education.ini", &err);
    if (!r)
        fail_msg("%s", err.message);
    return r;
}

static void rules_education_shape(void **state)
{
    (void)state;
    d25_rules *r = edu();
    assert_int_equal(r->nduties, 6);
    assert_int_equal(r->nitems, 25);
    assert_int_equal(r->deadline_day, 25);
    /* Attachment 1 splits items 1 and 21-25 into 5, 2, 9, 2, 3, 1 sub-items. */
    int per_item[26] = {0};
    for (size_t i = 0; i < r->nsubs; i++)
        per_item[r->subs[i].item]++;
    assert_int_equal(per_item[1], 5);
    assert_int_equal(per_item[21], 2);
    assert_int_equal(per_item[22], 9);
    assert_int_equal(per_item[23], 2);
    assert_int_equal(per_item[24], 3);
    assert_int_equal(per_item[25], 1);
    for (int i = 1; i <= 25; i++)
        assert_true(per_item[i] >= 1);
    const d25_subitem *s = d25_rules_sub(r, "22.4");
    assert_non_null(s);
    assert_string_equal(s->basis, "《江苏省工业企业安全生产风险报告规定》第七条");
    assert_string_equal(s->penalty, "《江苏省工业企业安全生产风险报告规定》第三十四条第（一）项");
    assert_string_equal(d25_rules_sub(r, "24.1")->applies, "flag:hazchem_lab");
    /* nine progress rows, 21 blanks */
    assert_int_equal(r->nprows, 9);
    size_t nf = 0;
    for (size_t i = 0; i < r->nprows; i++)
        nf += r->prows[i].nfields;
    assert_int_equal(nf, 21);
    const d25_prow *row;
    assert_int_equal(d25_rules_field(r, "hazards_found", &row)->type, D25_F_COUNT);
    assert_int_equal(row->n, 9);
    d25_rules_free(r);
}

static void status_words(void **state)
{
    (void)state;
    d25_rules *r = edu();
    static const struct {
        const char *raw;
        d25_status want;
    } cases[] = {
        {"已落实", D25_ST_DONE},       {"是", D25_ST_DONE},           {"√", D25_ST_DONE},
        {"✓", D25_ST_DONE},           {"☑", D25_ST_DONE},            {"有", D25_ST_DONE},
        {"已完成", D25_ST_DONE},       {"已建立", D25_ST_DONE},       {"符合", D25_ST_DONE},
        {"已落实，见台账", D25_ST_DONE}, {" 已 落 实 ", D25_ST_DONE},   {"经自查，已落实", D25_ST_DONE},
        {"部分落实", D25_ST_PARTIAL},  {"整改中", D25_ST_PARTIAL},    {"基本落实，个别岗位待补", D25_ST_PARTIAL},
        {"未落实", D25_ST_NOT_DONE},   {"否", D25_ST_NOT_DONE},       {"×", D25_ST_NOT_DONE},
        {"无", D25_ST_NOT_DONE},       {"不符合", D25_ST_NOT_DONE},   {"未落实，下月完成", D25_ST_NOT_DONE},
        {"不适用", D25_ST_NA},         {"不涉及", D25_ST_NA},         {"无此项", D25_ST_NA},
        {"/", D25_ST_NA},             {"／", D25_ST_NA},             {"—", D25_ST_NA},
        {"☑已落实 ☐未落实", D25_ST_DONE}, {"☐已落实 ☑未落实", D25_ST_NOT_DONE},
        {"", D25_ST_NONE},            {"差不多吧", D25_ST_NONE},     {"有待落实", D25_ST_NOT_DONE},
        {"是否", D25_ST_NONE},         {"☐已落实 ☐未落实", D25_ST_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *remark = NULL;
        d25_status st = d25_rules_status(r, cases[i].raw, &remark);
        if (st != cases[i].want)
            fail_msg("“%s”: want %s, got %s", cases[i].raw, d25_status_label(cases[i].want), d25_status_label(st));
        free(remark);
    }
    char *remark = NULL;
    assert_int_equal(d25_rules_status(r, "已落实，见台账", &remark), D25_ST_DONE);
    assert_string_equal(remark, "见台账");
    free(remark);
    /* the remark as written: 、 and full-width characters are not folded */
    assert_int_equal(d25_rules_status(r, "部分落实：台账、记录待补（１２月）", &remark), D25_ST_PARTIAL);
    assert_string_equal(remark, "台账、记录待补（１２月）");
    free(remark);
    d25_rules_free(r);
}

/* The marks of status sub-columns and of progress choices ([status] mark_*). */
static void marks(void **state)
{
    (void)state;
    d25_rules *r = edu();
    static const struct {
        const char *folded;
        int want;
        size_t len;
    } cases[] = {
        {"√", D25_MARK_YES, 3},   {"✓", D25_MARK_YES, 3},   {"✔见台账", D25_MARK_YES, 3}, {"●", D25_MARK_YES, 3},
        {"☑", D25_MARK_YES, 3},   {"☒", D25_MARK_YES, 3},   {"是", D25_MARK_YES, 3},       {"v", D25_MARK_YES, 1},
        {"×", D25_MARK_NO, 2},    {"x", D25_MARK_NO, 1},    {"✗", D25_MARK_NO, 3},         {"否", D25_MARK_NO, 3},
        {"☐", D25_MARK_BLANK, 3}, {"○", D25_MARK_BLANK, 3}, {"□", D25_MARK_BLANK, 3},
        {"已落实", -1, 0},         {"", -1, 0},              {"/", -1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        int m = d25_rules_mark(r, cases[i].folded, &len);
        if (m != cases[i].want || len != cases[i].len)
            fail_msg("“%s”: want mark %d (%zu bytes), got %d (%zu)", cases[i].folded, cases[i].want, cases[i].len, m,
                     len);
    }
    /* seed 000's signature block has no phone */
    assert_int_equal(r->sig_fields, (1u << D25_SIGF_UNIT) | (1u << D25_SIGF_REPORTER) | (1u << D25_SIGF_DATE));
    d25_rules_free(r);
}

/* What was written, found through the folded text. */
static void written_as_is(void **state)
{
    (void)state;
    const char *s = "通过＿ 行政会、教职工大会 ＿＿等形式";
    size_t *from = NULL;
    char *f = d25_fold_from(s, &from);
    assert_non_null(f);
    assert_string_equal(f, "通过行政会,教职工大会等形式");
    const char *a = strstr(f, "行政会"), *b = strstr(f, "等形式");
    char *w = d25_written(s, from, (size_t)(a - f), (size_t)(b - f));
    assert_string_equal(w, "行政会、教职工大会");
    free(w);
    assert_int_equal(from[strlen(f)], strlen(s));
    free(f);
    free(from);
    /* struck-through text and blanks are dropped, inner spaces kept once */
    s = "Ａ\xcc\xb6" "B  c\xe3\x80\x80" " d＿";
    f = d25_fold_from(s, &from);
    assert_string_equal(f, "bcd");
    w = d25_written(s, from, 0, strlen(f));
    assert_string_equal(w, "B c d");
    free(w);
    w = d25_written(s, from, 1, 1);
    assert_string_equal(w, "");
    free(w);
    free(f);
    free(from);
}

static void folds_to(char *(*fold)(const char *), const char *text, const char *want)
{
    char *f = fold(text);
    assert_non_null(f);
    assert_string_equal(f, want);
    free(f);
}

static void folding_and_numbers(void **state)
{
    (void)state;
    folds_to(d25_fold, "（１２）　Ａ＿＿b，。", "(12)ab,.");
    folds_to(d25_fold, "（是\xcc\xb6／否）", "(/否)"); /* 是 struck through */
    /* ASCII and common ideographs (copied without decoding) and the rest
     * (decoded): a struck mark after either drops it; a stray byte is U+FFFD. */
    folds_to(d25_fold, "Ab C_d\t安x\xcc\xb6全\xcc\xb6\xcc\xb6检查\xff一", "abcd安检查\xef\xbf\xbd一");
    folds_to(d25_fold_key, "1.2 制定（全年）Plan！", "12制定全年plan");
    char sh[4 * 4 + 1];
    assert_true(d25_fold_short("落 实 情 况", sh, sizeof sh, 4));
    assert_string_equal(sh, "落实情况");
    assert_false(d25_fold_short("落实情况说明", sh, sizeof sh, 4));
    assert_false(d25_fold_short("ab", sh, 8, 4)); /* too small a buffer for 4 */
    const char *p = "二十五条";
    assert_int_equal(d25_parse_cn_number(&p), 25);
    assert_string_equal(p, "条");
    p = "十二";
    assert_int_equal(d25_parse_cn_number(&p), 12);
    p = "１０３次";
    assert_int_equal(d25_parse_cn_number(&p), 103);
    assert_int_equal(d25_text_distance("制定全年教育培训计划", "制定全年安全教育培训计划", 10), 2);
    assert_true(d25_text_similarity("abc", "abc") == 1.0);
}

static void dates_and_periods(void **state)
{
    (void)state;
    int y, m, d;
    assert_int_equal(d25_find_date("填报时间：2026年11月20日", &y, &m, &d), 1);
    assert_int_equal(y * 10000 + m * 100 + d, 20261120);
    assert_int_equal(d25_find_date("2026-02-30", &y, &m, &d), -1);
    assert_int_equal(d25_find_date("2028年2月29日", &y, &m, &d), 1);
    assert_int_equal(d25_find_date("2027.2.29", &y, &m, &d), -1);
    assert_int_equal(d25_find_date("12月底前", &y, &m, &d), 0);
    assert_int_equal(d25_find_period("填报月份：2026年11月", false), 2026 * 12 + 10);
    assert_int_equal(d25_find_period("（２０２６年９月）", false), 2026 * 12 + 8);
    assert_int_equal(d25_find_period("2026年11月20日", false), -1);
    assert_int_equal(d25_find_period("某校-2026-10-清单", false), 2026 * 12 + 9);
    assert_int_equal(d25_find_period("每年6月、12月底", false), -1);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void registry_csv(void **state)
{
    (void)state;
    char dir[] = "/tmp/d25regXXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/u.csv", dir);
    /* BOM, CRLF, Chinese headers in another order, a quoted field with a comma */
    write_file(path, "\xEF\xBB\xBF单位名称,代码,类型,板块,别名,标志,停用\r\n"
                     "\"示范区一小,本部\",A1,学校,城东,一小；城东一小,boarding;night_work,\r\n"
                     "示范区幼儿园,A2,kindergarten,城西,,,2026-10\r\n");
    d25_error err = {0};
    d25_registry *reg = d25_registry_load(path, &err);
    if (!reg)
        fail_msg("%s", err.message);
    assert_int_equal(reg->n, 2);
    const d25_unit *u = d25_registry_by_code(reg, "A1");
    assert_string_equal(u->name, "示范区一小,本部");
    assert_string_equal(u->type, "school");
    assert_string_equal(u->flags, "boarding|night_work");
    assert_int_equal(u->naliases, 2);
    assert_ptr_equal(d25_registry_find(reg, "城东一小（盖章）"), u);
    assert_ptr_equal(d25_registry_find(reg, "示范区幼儿园"), d25_registry_by_code(reg, "A2"));
    assert_null(d25_registry_find(reg, "示范区二小"));
    assert_true(d25_unit_active(d25_registry_by_code(reg, "A2"), 2026 * 12 + 9));
    assert_false(d25_unit_active(d25_registry_by_code(reg, "A2"), 2026 * 12 + 10));
    assert_true(d25_applies("flag:night_work|type:school_bus", u->type, u->flags));
    assert_false(d25_applies("flag:hazchem_lab", u->type, u->flags));
    d25_registry_free(reg);

    /* Codes in any order are found; a code twice is an error naming both
     * lines, whether the rows are in code order or not. */
    write_file(path, "code,name,type,area\nC3,三小,school,城东\nA1,一小,school,城东\nB2,二小,school,城西\n");
    reg = d25_registry_load(path, &err);
    if (!reg)
        fail_msg("%s", err.message);
    assert_string_equal(d25_registry_by_code(reg, "A1")->name, "一小");
    assert_string_equal(d25_registry_by_code(reg, "B2")->name, "二小");
    assert_string_equal(d25_registry_by_code(reg, "C3")->name, "三小");
    assert_null(d25_registry_by_code(reg, "B1"));
    d25_registry_free(reg);
    static const char *const twice[] = {"code,name,type,area\nA1,一小,school,城东\nA2,二小,school,城东\nA2,三小,school,城西\n",
                                        "code,name,type,area\nA2,二小,school,城东\nA1,一小,school,城东\nA2,三小,school,城西\n"};
    for (int k = 0; k < 2; k++) {
        d25_error_clear(&err);
        write_file(path, twice[k]);
        assert_null(d25_registry_load(path, &err));
        assert_non_null(strstr(err.message, "A2"));
        assert_non_null(strstr(err.message, "重复"));
        assert_non_null(strstr(err.message, "第 4 行"));
        assert_non_null(strstr(err.message, k ? "第 2 行" : "第 3 行"));
    }

    /* A bad type names the file and the line. */
    d25_error_clear(&err);
    write_file(path, "code,name,type,area\nA1,一小,school,城东\nA2,二小,university,城西\n");
    assert_null(d25_registry_load(path, &err));
    assert_non_null(strstr(err.message, "第 3 行"));
    assert_non_null(strstr(err.message, "单位类型"));
    unlink(path);
    rmdir(dir);
}

/* The least a rule file holds: an edition, the status words, the
 * checklist's headers, one duty and one item (its sub-items to follow). */
#define MINIMAL_RULES                                                                                   \
    "[edition]\nid = x\nname = x\nunit_word = 单位\ndeadline_day = 25\n"                               \
    "[status]\ndone = 是\npartial = 部分\nnot_done = 否\nnot_applicable = 不适用\n"                     \
    "[checklist]\nheader_self_check = 自查\nheader_content = 内容\n"                                    \
    "[duty.1]\nname = d\n[item.1]\nduty = 1\nname = i\n"

static void rules_errors(void **state)
{
    (void)state;
    char dir[] = "/tmp/d25rulXXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/r.ini", dir);
    char text[2048];
    snprintf(text, sizeof text, "%s[1.1]\ntxet = 拼错的键\n", MINIMAL_RULES);
    write_file(path, text);
    d25_error err = {0};
    assert_null(d25_rules_load(path, &err));
    assert_non_null(strstr(err.message, "第 20 行"));
    assert_non_null(strstr(err.message, "txet"));
    snprintf(text, sizeof text, "%s[1.1]\ntext = 好\n[progress.1]\ntext = 单位{x:colour}。\n", MINIMAL_RULES);
    write_file(path, text);
    d25_error_clear(&err);
    assert_null(d25_rules_load(path, &err));
    assert_non_null(strstr(err.message, "{x:colour}"));
    snprintf(text, sizeof text, "%s[1.1]\ntext = 好\n[progress.1]\ntext = 检查{n:count}次。\n", MINIMAL_RULES);
    write_file(path, text);
    d25_error_clear(&err);
    d25_rules *r = d25_rules_load(path, &err);
    if (!r)
        fail_msg("%s", err.message);
    assert_int_equal(r->nsubs, 1);
    assert_int_equal(r->prows[0].nfields, 1);
    assert_int_equal(r->sig_fields, 15u); /* no [signature]: all four */
    d25_rules_free(r);
    snprintf(text, sizeof text, "%s[1.1]\ntext = 好\n[signature]\nfields = unit|fax\n", MINIMAL_RULES);
    write_file(path, text);
    d25_error_clear(&err);
    assert_null(d25_rules_load(path, &err));
    assert_non_null(strstr(err.message, "fax"));
    snprintf(text, sizeof text, "%s[1.1]\ntext = 好\n[signature]\nfields = unit | date\n", MINIMAL_RULES);
    write_file(path, text);
    d25_error_clear(&err);
    r = d25_rules_load(path, &err);
    if (!r)
        fail_msg("%s", err.message);
    assert_int_equal(r->sig_fields, (1u << D25_SIGF_UNIT) | (1u << D25_SIGF_DATE));
    d25_rules_free(r);
    unlink(path);
    rmdir(dir);
}

/* Sub-items by code and by number: every one of the shipped rule set, and
 * codes that are not there or not written the rule set's way. */
static void sub_lookups(void **state)
{
    (void)state;
    d25_rules *r = edu();
    for (size_t i = 0; i < r->nsubs; i++) {
        assert_ptr_equal(d25_rules_sub(r, r->subs[i].code), &r->subs[i]);
        assert_ptr_equal(d25_rules_sub_at(r, r->subs[i].item, r->subs[i].sub), &r->subs[i]);
    }
    /* Attachment 1: item 22 has nine sub-items, item 25 one, and there is no item 26. */
    assert_non_null(d25_rules_sub(r, "22.9"));
    static const char *const absent[] = {"22.10", "25.2", "26.1", "0.1", "1.0", "022.3", "22.03", "+22.3", " 22.3",
                                         "22.3 ", "22.", ".3", "22", "", "x.1", "-1.1", "99999.1", "1.99999"};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        if (d25_rules_sub(r, absent[i]))
            fail_msg("\"%s\" found", absent[i]);
    assert_null(d25_rules_sub_at(r, 22, 10));
    assert_null(d25_rules_sub_at(r, 0, 0));
    assert_null(d25_rules_sub_at(r, -1, 1));
    assert_null(d25_rules_sub_at(r, 1, -1));
    assert_null(d25_rules_sub_at(r, 1000, 1));
    d25_rules_free(r);

    /* Numbers too far apart for a table are still found, by a scan. */
    char dir[] = "/tmp/d25rulXXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/r.ini", dir);
    write_file(path, MINIMAL_RULES "[item.900]\nduty = 1\nname = j\n[1.900]\ntext = 甲\n[900.1]\ntext = 乙\n"
                                   "[progress.1]\ntext = 检查{n:count}次。\n");
    d25_error err = {0};
    r = d25_rules_load(path, &err);
    if (!r)
        fail_msg("%s", err.message);
    assert_null(r->sub_index);
    assert_string_equal(d25_rules_sub(r, "900.1")->text, "乙");
    assert_string_equal(d25_rules_sub_at(r, 1, 900)->text, "甲");
    assert_null(d25_rules_sub(r, "1.1"));
    assert_null(d25_rules_sub_at(r, 900, 900));
    d25_rules_free(r);
    unlink(path);
    rmdir(dir);
}

int run_rules_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_education_shape), cmocka_unit_test(status_words),
        cmocka_unit_test(folding_and_numbers),   cmocka_unit_test(dates_and_periods),
        cmocka_unit_test(registry_csv),          cmocka_unit_test(rules_errors),
        cmocka_unit_test(sub_lookups),           cmocka_unit_test(marks),
        cmocka_unit_test(written_as_is),
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
