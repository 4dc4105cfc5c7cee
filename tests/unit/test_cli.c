/* The helpers behind the command line's habits (issue 16): suggestions,
 * tidy paths, Chinese system and library errors. */
#include "helpers.h"
#include "util/paths.h"
#include "util/suggest.h"
#include "util/syserr.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

static void test_suggest(void **state)
{
    (void)state;
    static const char *const cmds[] = {"init", "forms", "run", "validate", "ingest", "status", "report", "dump"};
    size_t n = sizeof cmds / sizeof cmds[0];
    assert_string_equal(d25_suggest("stauts", cmds, n), "status");   /* a transposition */
    assert_string_equal(d25_suggest("Status", cmds, n), "status");   /* case */
    assert_string_equal(d25_suggest("valdate", cmds, n), "validate"); /* a letter left out */
    assert_string_equal(d25_suggest("rn", (const char *const[]){"report", "run"}, 2), "run");
    assert_string_equal(d25_suggest("stat", cmds, n), "status"); /* an abbreviation */
    assert_null(d25_suggest("frobnicate", cmds, n));                 /* nothing near */
    assert_null(d25_suggest("", cmds, n));
    static const char *const keys[] = {"inbox", "log", "archive", "feedback", NULL};
    assert_string_equal(d25_suggest("inbx", keys, 4), "inbox");
    assert_string_equal(d25_suggest("feedbak", keys, 4), "feedback");
    assert_string_equal(d25_suggest("收件登记", (const char *const[]){"收件登纪", "单位名册"}, 2), "收件登纪");
}

static void check_clean(const char *in, const char *want)
{
    char *c = d25_path_clean(in, 0);
    assert_non_null(c);
    assert_string_equal(c, want);
    free(c);
}

static void test_path_clean(void **state)
{
    (void)state;
    check_clean("config/../out/退回通知/2026-11", "out/退回通知/2026-11");
    check_clean("./config/../data/duty25.db", "data/duty25.db");
    check_clean("/srv/duty25/config/../out/", "/srv/duty25/out");
    check_clean("a//b/./c", "a/b/c");
    check_clean("../x/../y", "../y");
    check_clean("../../a", "../../a");
    check_clean("/..", "/");
    check_clean(".", ".");
    check_clean("a/..", ".");
    char *cwd = getcwd(NULL, 0), *abs = d25_path_clean("x/../y", 1);
    assert_non_null(abs);
    char want[4096];
    snprintf(want, sizeof want, "%s/y", cwd);
    assert_string_equal(abs, want);
    free(abs);
    free(cwd);
}

static void test_syserr(void **state)
{
    (void)state;
    assert_string_equal(d25_strerror(ENOENT), "没有这个文件或文件夹");
    assert_string_equal(d25_strerror(ENOSPC), "磁盘已满");
    assert_string_equal(d25_strerror(EROFS), "磁盘是只读的");
    /* whatever the locale, never English: a value without our text is named by number */
    const char *other = d25_strerror(EDOM);
    assert_null(strstr(other, "argument"));
    assert_non_null(strstr(d25_sqlite_strerror(SQLITE_NOTADB), "SQLITE_NOTADB"));
    assert_non_null(strstr(d25_sqlite_strerror(SQLITE_IOERR_WRITE), "读写磁盘出错"));
    zip_error_t ze;
    zip_error_init_with_code(&ze, ZIP_ER_CRC);
    assert_non_null(strstr(d25_zip_strerror(&ze), "校验和不符"));
    zip_error_fini(&ze);
    assert_non_null(strstr(d25_lxw_strerror(LXW_ERROR_CREATING_XLSX_FILE), "无法创建文件"));
}

int run_cli_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_path_clean),
        cmocka_unit_test(test_syserr),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
