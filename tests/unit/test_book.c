/* report/workbook's book: the district's workbook written while the figures
 * are still being read, fed the long lists as they are finished.  The
 * workbook is read back with the XLSX reader (ooxml/xlsx.h, which shares
 * nothing with libxlsxwriter).  What must hold: the file is the same
 * whether the lists came early or only with the tree; given the last
 * part it is written before the tree comes, and put in place only then; a
 * book given up after the figures failed writes nothing and, although the lists it was
 * handed have been freed by their first owner meanwhile, reads no freed
 * memory (ASan) and leaves no temporary file open; a folder that cannot
 * be written is told in Chinese. */
#include "helpers.h"
#include "report/data.h"
#include "report/workbook.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* File descriptors open in this process (a book given up must leave none
 * of its sheets' temporary files open: a page server runs for months). */
static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    assert_non_null(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* A district of three units, one of whose values the quality pass flagged. */
static d25_tree *small_tree(void)
{
    json_t *root = json_pack(
        "{s:s,s:s,s:{s:s},s:[{s:s,s:s,s:s,s:i}],s:[{s:s,s:s,s:s,s:s,s:s}],"
        "s:{s:i},s:[],s:{s:i,s:i,s:i,s:i,s:i},s:{s:[],s:[],s:i,s:i}}",
        "district", "测试区", "period_cn", "2026年11月", "words", "unit_word", "单位", "progress_fields", "name",
        "found", "label", "发现隐患", "type", "count", "row", 3, "flagged", "code", "U2", "name", "乙校", "area", "东",
        "field", "found", "label", "发现隐患", "progress_total", "found", 7, "sub_items", "compliance", "applicable", 0,
        "done", 0, "partial", 0, "not_done", 0, "not_applicable", 0, "hazards", "by_type", "by_area", "found", 7,
        "rectified", 5);
    d25_tree *t = d25_tree_new(root);
    assert_non_null(t);
    static const char *const scols[] = {"n", "code", "name", "type_label", "area", "contact", "phone", "state_label", "received"};
    d25_rows *s = d25_tree_list(t, "submissions", scols, 9);
    static const char *const pcols[] = {"code", "name", "area", "found"};
    d25_rows *p = d25_tree_list(t, "progress", pcols, 4);
    assert_non_null(s);
    assert_non_null(p);
    static const char *const codes[] = {"U1", "U2", "U3"}, *const names[] = {"甲校", "乙校", "丙校&<园>"};
    static const long found[] = {3, 900, 4};
    for (int i = 0; i < 3; i++) {
        d25_cell *c = d25_rows_add(s);
        assert_non_null(c);
        d25_cell_int(&c[0], i + 1);
        d25_cell_borrow(&c[1], codes[i]);
        d25_cell_borrow(&c[2], names[i]);
        d25_cell_borrow(&c[3], "小学");
        d25_cell_borrow(&c[4], "东");
        d25_cell_borrow(&c[7], "按时报送");
        assert_int_equal(d25_cell_str(s, &c[8], "2026-11-20 09:30"), 0);
        c = d25_rows_add(p);
        assert_non_null(c);
        d25_cell_borrow(&c[0], codes[i]);
        /* in the list's arena: freed with the list */
        assert_int_equal(d25_cell_str(p, &c[1], names[i]), 0);
        d25_cell_borrow(&c[2], "东");
        d25_cell_int(&c[3], found[i]);
    }
    static const char *const ecols[] = {"n", "name", "area", "remark"};
    assert_non_null(d25_tree_list(t, "enforcement", ecols, 4));
    return t;
}

/* The parts as the figures hand them over: references of the book's. */
static void feed(d25_report_book *b, d25_tree *t)
{
    const d25_report_watch *w = d25_report_book_watch(b);
    w->ready(w->ud, D25_PART_HEAD,
             json_pack("{s:O,s:O}", "words", json_object_get(t->root, "words"), "progress_fields",
                       json_object_get(t->root, "progress_fields")),
             NULL);
    w->ready(w->ud, D25_PART_PROGRESS, NULL, d25_rows_ref((d25_rows *)d25_tree_find(t, "progress")));
    w->ready(w->ud, D25_PART_SUBMISSIONS, NULL, d25_rows_ref((d25_rows *)d25_tree_find(t, "submissions")));
    w->ready(w->ud, D25_PART_FLAGGED, json_incref(json_object_get(t->root, "flagged")), NULL);
}

/* The last part, as the figures hand it over once last month is read. */
static void feed_rest(d25_report_book *b, d25_tree *t)
{
    const d25_report_watch *w = d25_report_book_watch(b);
    json_t *part = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O}", "district", json_object_get(t->root, "district"), "period_cn",
                             json_object_get(t->root, "period_cn"), "sub_items", json_object_get(t->root, "sub_items"),
                             "compliance", json_object_get(t->root, "compliance"), "progress_total",
                             json_object_get(t->root, "progress_total"), "hazards", json_object_get(t->root, "hazards"));
    assert_non_null(part);
    w->ready(w->ud, D25_PART_REST, json_deep_copy(part), d25_rows_ref((d25_rows *)d25_tree_find(t, "enforcement")));
    json_decref(part);
}

/* Whether the book's temporary file (beside out) appears within ten
 * seconds: the workbook written before the tree was given. */
static bool written_early(const char *out)
{
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld.xlsx", out, (long)getpid());
    for (int i = 0; i < 1000; i++) {
        if (access(tmp, F_OK) == 0)
            return true;
        usleep(10000);
    }
    return false;
}

/* Files in folder dir. */
static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)))
        n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
    closedir(d);
    return n;
}

static const char *text_at(const d25_sheet *s, const char *ref)
{
    const d25_xcell *c = cell_at(s, ref);
    return c ? c->text : NULL;
}

/* What the reader finds in the workbook at path. */
static void check_book(const char *path)
{
    d25_ooxml *f = d25_ooxml_read_path(path, NULL);
    assert_non_null(f);
    assert_non_null(f->book);
    assert_int_equal(f->book->nsheets, 5);
    const d25_sheet *sub = sheet_named(f->book, "报送情况");
    const d25_sheet *prog = sheet_named(f->book, "推进情况汇总");
    assert_non_null(sub);
    assert_non_null(prog);
    assert_string_equal(text_at(sub, "B1"), "单位代码");
    assert_string_equal(text_at(sub, "C4"), "丙校&<园>");
    assert_string_equal(text_at(sub, "F2"), "按时报送");
    assert_string_equal(text_at(prog, "D1"), "发现隐患");
    assert_string_equal(text_at(prog, "B3"), "乙校");
    assert_string_equal(text_at(prog, "D3"), "900");
    /* the total row: the flagged 900 left out of the formula's value */
    assert_string_equal(text_at(prog, "B5"), "全区合计");
    assert_string_equal(text_at(prog, "D5"), "7");
    assert_non_null(strstr(text_at(prog, "B6"), "未计入合计"));
    d25_ooxml_free(f);
}

static void test_fed_early(void **state)
{
    (void)state;
    char path[] = "build/test-book-XXXXXX";
    assert_non_null(mkdtemp(path));
    char out[64];
    snprintf(out, sizeof out, "%s/early.xlsx", path);
    d25_error err = {0};
    d25_tree *t = small_tree();
    d25_report_book *b = d25_report_book_start(out, &err);
    assert_non_null(b);
    feed(b, t);
    d25_report_book_give(b, t);
    assert_int_equal(d25_report_book_close(b, &err), 0);
    check_book(out);
    /* Only the tree: the same sheets (d25_report_xlsx). */
    char late[64];
    snprintf(late, sizeof late, "%s/late.xlsx", path);
    assert_int_equal(d25_report_xlsx(t, late, &err), 0);
    check_book(late);
    d25_tree_free(t);
    unlink(out);
    unlink(late);
    rmdir(path);
}

/* Every part, the last one too: the workbook is written before the tree
 * is given, and put in place only then. */
static void test_fed_rest(void **state)
{
    (void)state;
    char path[] = "build/test-book-XXXXXX";
    assert_non_null(mkdtemp(path));
    char out[64];
    snprintf(out, sizeof out, "%s/rest.xlsx", path);
    d25_error err = {0};
    d25_tree *t = small_tree();
    d25_report_book *b = d25_report_book_start(out, &err);
    assert_non_null(b);
    feed(b, t);
    feed_rest(b, t);
    assert_true(written_early(out));
    assert_int_equal(access(out, F_OK), -1); /* not in place before the figures are done */
    d25_report_book_give(b, t);
    assert_int_equal(d25_report_book_close(b, &err), 0);
    check_book(out);
    assert_int_equal(files_in(path), 1);
    d25_tree_free(t);
    unlink(out);
    rmdir(path);
}

static void test_given_up(void **state)
{
    (void)state;
    char path[] = "build/test-book-XXXXXX";
    assert_non_null(mkdtemp(path));
    char out[64];
    snprintf(out, sizeof out, "%s/given-up.xlsx", path);
    d25_error err = {0};
    int fds = open_fds();
    for (int parts = 0; parts < 2; parts++) {
        d25_tree *t = small_tree();
        d25_report_book *b = d25_report_book_start(out, &err);
        assert_non_null(b);
        if (parts)
            feed(b, t);
        /* The figures failed: their tree is freed before the book is told. */
        d25_tree_free(t);
        d25_report_book_give(b, NULL);
        assert_int_equal(d25_report_book_close(b, &err), -1);
        assert_int_equal(err.code, 0); /* the figures' error is the one to tell */
        assert_int_equal(access(out, F_OK), -1);
    }
    /* Given up after the last part: the workbook was written, and is
     * removed. */
    d25_tree *t = small_tree();
    d25_report_book *gb = d25_report_book_start(out, &err);
    assert_non_null(gb);
    feed(gb, t);
    feed_rest(gb, t);
    assert_true(written_early(out));
    d25_tree_free(t);
    d25_report_book_give(gb, NULL);
    assert_int_equal(d25_report_book_close(gb, &err), -1);
    assert_int_equal(err.code, 0);
    assert_int_equal(files_in(path), 0);
    /* Closed without a give: given up as well. */
    d25_report_book *b = d25_report_book_start(out, &err);
    assert_non_null(b);
    assert_int_equal(d25_report_book_close(b, &err), -1);
    assert_int_equal(access(out, F_OK), -1);
    assert_int_equal(open_fds(), fds);
    rmdir(path);
}

static void test_unwritable(void **state)
{
    (void)state;
    const char *out = "build/no-such-folder-for-book/统计表.xlsx";
    d25_error err = {0};
    int fds = open_fds();
    d25_tree *t = small_tree();
    d25_report_book *b = d25_report_book_start(out, &err);
    assert_non_null(b);
    feed(b, t);
    d25_report_book_give(b, t);
    assert_int_equal(d25_report_book_close(b, &err), -1);
    assert_int_equal(open_fds(), fds);
    assert_int_not_equal(err.code, 0);
    assert_non_null(strstr(err.message, "no-such-folder-for-book"));
    assert_int_equal(access(out, F_OK), -1);
    d25_tree_free(t);
}

int run_book_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fed_early),
        cmocka_unit_test(test_fed_rest),
        cmocka_unit_test(test_given_up),
        cmocka_unit_test(test_unwritable),
    };
    return cmocka_run_group_tests_name("book", tests, NULL, NULL);
}
