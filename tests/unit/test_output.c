/* Output helpers: file names from unit names, atomic writes, moving into
 * the archive without replacing anything, the deadline's date, and what a
 * notice says about a rejected return. */
#include "helpers.h"
#include "blankform/blankform.h"
#include "config/config.h"
#include "feedback/feedback.h"
#include "util/file.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/d25out.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[256];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void test_xml_safe(void **state)
{
    (void)state;
    bool changed;
    char *s = d25_xml_safe("城西小学，（一）\t\n", strlen("城西小学，（一）\t\n"), &changed);
    assert_null(s);
    assert_false(changed); /* full-width forms (EF BC 8C) are not U+FFFE */
    const char in[] = "甲\x01乙\uFFFE丙\uFFFF丁\xff\x1f戊\r";
    s = d25_xml_safe(in, strlen(in), &changed);
    assert_true(changed);
    assert_string_equal(s, "甲乙丙丁\uFFFD戊\r");
    free(s);
}

static void test_safe_filename(void **state)
{
    (void)state;
    char *s = d25_safe_filename("城东小学/分校:一*?\"<>|\\x\t");
    assert_string_equal(s, "城东小学_分校_一_______x_");
    free(s);
    s = d25_safe_filename(".hidden");
    assert_string_equal(s, "_hidden");
    free(s);
    s = d25_safe_filename("~$owner.docx");
    assert_string_equal(s, "_$owner.docx");
    free(s);
    s = d25_safe_filename(NULL);
    assert_string_equal(s, "");
    free(s);
    /* "城西小学\u202Excod.exe" would display as "城西小学exe.docx" */
    s = d25_safe_filename("城西小学\u202Excod.exe");
    assert_string_equal(s, "城西小学_xcod.exe");
    free(s);
    s = d25_safe_filename("甲\u2066乙\u200F丙\uFFFE丁\uFFFF戊\uFDD0己\U0001FFFE庚");
    assert_string_equal(s, "甲_乙_丙_丁_戊_己_庚");
    free(s);
    /* bytes that are not UTF-8 (a name saved by another system); a real
     * U+FFFD and an ordinary non-BMP character stay */
    s = d25_safe_filename("bad\xff\xfe名\xe5\x90.docx \uFFFD \U0001F600");
    assert_string_equal(s, "bad__名_.docx \uFFFD \U0001F600");
    free(s);
}

/* A bounded copy never ends inside a character. */
/* The folder of a path, as POSIX dirname(1) gives it. */
static void test_dirname(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"out/统计表.docx", "out"}, {"统计表.docx", "."}, {"/x.db", "/"}, {"/a/b/c.db", "/a/b"}, {"../x/y", "../x"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *d = d25_dirname(cases[i][0]);
        assert_non_null(d);
        assert_string_equal(d, cases[i][1]);
        free(d);
    }
}

static void test_copy(void **state)
{
    (void)state;
    char b[8];
    assert_int_equal(d25_copy(b, sizeof b, "表格1"), 7); /* 3 + 3 + 1 bytes: fits */
    assert_string_equal(b, "表格1");
    assert_int_equal(d25_copy(b, sizeof b, "表格一二"), 6); /* the third character would be cut */
    assert_string_equal(b, "表格");
    assert_int_equal(d25_copy(b, 3, "ab表"), 2);
    assert_string_equal(b, "ab");
    assert_int_equal(d25_copy(b, 1, "x"), 0);
    assert_string_equal(b, "");
    assert_int_equal(d25_copy(b, sizeof b, NULL), 0);
    assert_string_equal(b, "");
}

static void test_write_atomic(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/status.txt", dir);
    d25_error err = {0};
    assert_int_equal(d25_write_atomic(path, "第一版", strlen("第一版"), &err), 0);
    assert_int_equal(d25_write_atomic(path, "第二版", strlen("第二版"), &err), 0);
    assert_string_equal(slurp(path), "第二版");
    /* no temporary file is left beside it */
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    assert_int_not_equal(access(tmp, F_OK), 0);
    /* a folder that does not exist: an error, nothing written */
    snprintf(path, sizeof path, "%s/none/status.txt", dir);
    assert_int_equal(d25_write_atomic(path, "x", 1, &err), -1);
    assert_int_equal(err.code, D25_E_IO);
    assert_non_null(strstr(err.message, "none/status.txt"));
}

static void test_move_into(void **state)
{
    (void)state;
    char a[128], b[128], arch[128], *to = NULL;
    snprintf(a, sizeof a, "%s/报表.docx", dir);
    snprintf(b, sizeof b, "%s/in2/报表.docx", dir);
    snprintf(arch, sizeof arch, "%s/archive/2026-11", dir);
    d25_error err = {0};
    char in2[128];
    snprintf(in2, sizeof in2, "%s/in2", dir);
    assert_int_equal(d25_mkdirs(in2, &err), 0);
    assert_int_equal(d25_write_atomic(a, "A", 1, &err), 0);
    assert_int_equal(d25_write_atomic(b, "B", 1, &err), 0);
    /* the folder is made; the file moves under its own name */
    assert_int_equal(d25_move_into(a, arch, &to, &err), 0);
    assert_non_null(strstr(to, "archive/2026-11/报表.docx"));
    assert_int_not_equal(access(a, F_OK), 0);
    assert_string_equal(slurp(to), "A");
    free(to);
    /* the same name again: kept beside it as 报表-2.docx, nothing replaced */
    assert_int_equal(d25_move_into(b, arch, &to, &err), 0);
    assert_non_null(strstr(to, "archive/2026-11/报表-2.docx"));
    assert_string_equal(slurp(to), "B");
    free(to);
    char first[160];
    snprintf(first, sizeof first, "%s/报表.docx", arch);
    assert_string_equal(slurp(first), "A");
    /* a file that is not there */
    assert_int_equal(d25_move_into(a, arch, &to, &err), -1);
    assert_null(to);
}

static void test_deadline(void **state)
{
    (void)state;
    char s[48];
    d25_deadline_cn(2026 * 12 + 10, 25, s, sizeof s);
    assert_string_equal(s, "2026年11月25日");
    /* clamped to the month's length: February 2028 has 29 days */
    d25_deadline_cn(2028 * 12 + 1, 31, s, sizeof s);
    assert_string_equal(s, "2028年2月29日");
}

static void test_period_in_name(void **state)
{
    (void)state;
    assert_int_equal(d25_period_in_name("城西小学-2026年11月-清单.docx"), 2026 * 12 + 10);
    assert_int_equal(d25_period_in_name("城西小学2026年3月.xlsx"), 2026 * 12 + 2);
    assert_int_equal(d25_period_in_name("2026-09 城西小学.docx"), 2026 * 12 + 8);
    assert_int_equal(d25_period_in_name("城西小学_2026.12.docx"), 2026 * 12 + 11);
    /* the same month twice is one month; two months are none */
    assert_int_equal(d25_period_in_name("2026年11月-2026-11.docx"), 2026 * 12 + 10);
    assert_int_equal(d25_period_in_name("2026年10月和2026年11月.docx"), -1);
    /* not a month: a phone number, a year alone, month 13, a longer number */
    assert_int_equal(d25_period_in_name("城西小学.docx"), -1);
    assert_int_equal(d25_period_in_name("2026年.docx"), -1);
    assert_int_equal(d25_period_in_name("2026-13.docx"), -1);
    assert_int_equal(d25_period_in_name("12026-11.docx"), -1);
    assert_int_equal(d25_period_in_name("2026-111.docx"), -1);
}

static void test_feedback_data(void **state)
{
    (void)state;
    d25_config cfg;
    d25_config_defaults(&cfg);
    cfg.district = strdup("示范区");
    d25_feedback fb;
    d25_error err = {0};
    assert_int_equal(d25_feedback_begin(&fb, dir, &cfg, 25, 2040 * 12 + 10, &err), 0);
    d25_finding f[3] = {
        {.code = "STATUS_EMPTY", .severity = D25_SEV_ERROR, .place = (char *)"表格1 第5行第6列", .item = "1.4",
         .message = (char *)"子项 1.4 的单位自查情况为空：请填写“已落实”。"},
        {.code = "ITEM_MISSING", .severity = D25_SEV_ERROR, .place = (char *)"", .item = "9",
         .message = (char *)"清单缺少第 9 条，请使用完整清单。"},
        {.code = "SIGNATURE_INCOMPLETE", .severity = D25_SEV_WARNING, .place = (char *)"第7段", .item = "",
         .message = (char *)"表下方的联系电话未填写：请补全。"},
    };
    d25_result r = {.file = (char *)"x.docx", .period = -1, .f = f, .n = 3, .errors = 2, .warnings = 1};
    json_t *d = d25_feedback_data(&fb, &r, "/nonexistent/城西小学-2040年11月.docx", 0);
    assert_non_null(d);
    assert_string_equal(json_string_value(json_object_get(d, "file")), "城西小学-2040年11月.docx");
    assert_string_equal(json_string_value(json_object_get(d, "unit_name")), "报送单位");
    assert_string_equal(json_string_value(json_object_get(d, "deadline_text")), "于2040年11月25日前");
    assert_int_equal(json_integer_value(json_object_get(d, "n_errors")), 2);
    const json_t *e0 = json_array_get(json_object_get(d, "errors"), 0), *e1 = json_array_get(json_object_get(d, "errors"), 1);
    assert_string_equal(json_string_value(json_object_get(e0, "place")), "表格1 第5行第6列，子项 1.4");
    assert_string_equal(json_string_value(json_object_get(e0, "problem")), "子项 1.4 的单位自查情况为空");
    assert_string_equal(json_string_value(json_object_get(e0, "fix")), "请填写“已落实”。");
    assert_string_equal(json_string_value(json_object_get(e1, "place")), "第 9 条");
    assert_string_equal(json_string_value(json_object_get(e1, "problem")), "清单缺少第 9 条");
    assert_string_equal(json_string_value(json_object_get(e1, "fix")), "请使用完整清单。");
    const json_t *w0 = json_array_get(json_object_get(d, "warnings"), 0);
    assert_string_equal(json_string_value(json_object_get(w0, "message")), "表下方的联系电话未填写：请补全。");
    json_decref(d);
    /* a month long past: a new date, [campaign] resubmit_days from today */
    fb.period = 2001 * 12;
    cfg.resubmit_days = 3;
    d = d25_feedback_data(&fb, &r, "x.docx", 0);
    char want[128], day[48];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    tm.tm_mday += 3;
    tm.tm_isdst = -1;
    mktime(&tm);
    snprintf(day, sizeof day, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    snprintf(want, sizeof want, "于%s前（截止日2001年1月25日已过）", day);
    assert_string_equal(json_string_value(json_object_get(d, "deadline_text")), want);
    json_decref(d);
    /* an unreadable file (no month of its own, none given): its name's
     * month; the code stays out of the unit's notice */
    fb.period = -1;
    d25_finding ole = {.code = "FILE_UNREADABLE", .severity = D25_SEV_ERROR, .place = (char *)"", .item = "",
                       .message = (char *)"文件「a.wps」：是旧版 Office/WPS 复合文档格式，无法读取。请另存为 .docx 后重新报送（READ_OLE）"};
    d25_result u = {.file = (char *)"a.wps", .period = -1, .f = &ole, .n = 1, .errors = 1};
    d = d25_feedback_data(&fb, &u, "/x/城西小学-2040年11月-清单.wps", 0);
    assert_string_equal(json_string_value(json_object_get(d, "period_cn")), "2040年11月");
    const json_t *o0 = json_array_get(json_object_get(d, "errors"), 0);
    assert_string_equal(json_string_value(json_object_get(o0, "problem")),
                        "文件「a.wps」：是旧版 Office/WPS 复合文档格式，无法读取。");
    assert_string_equal(json_string_value(json_object_get(o0, "fix")), "请另存为 .docx 后重新报送");
    assert_string_equal(json_string_value(json_object_get(o0, "message")),
                        "文件「a.wps」：是旧版 Office/WPS 复合文档格式，无法读取。请另存为 .docx 后重新报送");
    json_decref(d);
    /* no month anywhere: none is named, and the date is "as soon as possible" */
    d = d25_feedback_data(&fb, &u, "/x/城西小学-清单.wps", 0);
    assert_string_equal(json_string_value(json_object_get(d, "period_cn")), "");
    assert_string_equal(json_string_value(json_object_get(d, "deadline_text")), "尽快");
    json_decref(d);
    d25_feedback_free(&fb);
    d25_config_free(&cfg);
}

int run_output_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_safe_filename),
        cmocka_unit_test(test_xml_safe),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_dirname),
        cmocka_unit_test_setup_teardown(test_write_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_into, setup, teardown),
        cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_period_in_name),
        cmocka_unit_test_setup_teardown(test_feedback_data, setup, teardown),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
