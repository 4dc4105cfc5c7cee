/* store: the progress summary's reader, on summaries written by hand in the
 * layout docs/store.md gives (field US state US value US text, the blanks
 * joined by RS). */
#include "helpers.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void blanks_read(void **state)
{
    (void)state;
    d25_blanks b = {0};
    assert_int_equal(d25_blanks_read(&b, "plan_made\x1fo\x1f" "1\x1f\x1e"
                                         "deploy_means\x1fo\x1f\x1f行政会议；全体会议\x1e"
                                         "inspections\x1fi\x1f\x1f\x1e"
                                         "talks\x1fm\x1f\x1f\x1e"
                                         "posters\x1fo\x1f-3\x1f\x1e"
                                         "broken\x1fo\x1f" "12\x1e"          /* three parts: skipped */
                                         "hazards_found\x1fo\x1f" "12x\x1f"), /* not a number */
                     0);
    assert_int_equal(b.n, 6);
    assert_string_equal(b.v[0].field, "plan_made");
    assert_true(b.v[0].ok && b.v[0].number);
    assert_int_equal(b.v[0].value, 1);
    assert_null(b.v[0].raw);
    assert_string_equal(b.v[1].field, "deploy_means");
    assert_true(b.v[1].ok && !b.v[1].number);
    assert_string_equal(b.v[1].raw, "行政会议；全体会议");
    assert_string_equal(b.v[2].field, "inspections");
    assert_false(b.v[2].ok || b.v[2].number);
    assert_null(b.v[2].raw);
    assert_false(b.v[3].ok);
    assert_int_equal(b.v[4].value, -3);
    assert_string_equal(b.v[5].field, "hazards_found");
    assert_false(b.v[5].number);
    assert_int_equal(b.v[5].value, 0);
    /* A second read replaces the first; none and empty hold no blanks. */
    assert_int_equal(d25_blanks_read(&b, "talks\x1fo\x1f" "7\x1f"), 0);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.v[0].value, 7);
    assert_int_equal(d25_blanks_read(&b, ""), 0);
    assert_int_equal(b.n, 0);
    assert_int_equal(d25_blanks_read(&b, NULL), 0);
    assert_int_equal(b.n, 0);
    d25_blanks_free(&b);
    d25_blanks_free(&b); /* safe twice */
}

/* The flagged values of a month: the field told from the message when the
 * caller can (field_of), else every field at the finding's place (two
 * counts share the cell 表格2 第9行第2列 here); only the current return of
 * a unit counts, each value once, in order of unit, field and message. */
typedef struct {
    char got[1024];
    int asked;
} flag_seen;

static const char *field_by_message(void *ud, const char *message)
{
    flag_seen *f = ud;
    f->asked++;
    return strstr(message, "「宣传册份数」") ? "brochures" : NULL;
}

static int flag_add_seen(void *ud, const char *unit, const char *field, const char *message)
{
    flag_seen *f = ud;
    size_t n = strlen(f->got);
    snprintf(f->got + n, sizeof f->got - n, "%s/%s/%.6s;", unit, field, message);
    return 0;
}

static void flagged_each(void **state)
{
    (void)state;
    char dir[] = "/tmp/d25-flag-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char db[64];
    snprintf(db, sizeof db, "%s/s.db", dir);
    d25_error err = {0};
    d25_store *s = d25_store_open(db, 0, &err);
    if (!s)
        print_error("%s\n", err.message);
    assert_non_null(s);
    const char *progress = "'[[\"brochures\",\"6\",6,\"ok\",\"表格2 第9行第2列\"],"
                           "[\"posters\",\"1\",1,\"ok\",\"表格2 第9行第2列\"],"
                           "[\"inspections\",\"5\",5,\"ok\",\"表格2 第10行第2列\"]]'";
    char sql[4096];
    snprintf(sql, sizeof sql,
             "INSERT INTO units(code, name, type, area, first_seen, changed) VALUES"
             " ('U1', '甲校', 'primary', '东', '2026-11-01', '2026-11-01'),"
             " ('U2', '乙校', 'primary', '东', '2026-11-01', '2026-11-01');"
             "INSERT INTO returns(id, sha256, file_name, path, size, has_checklist, has_progress, unit_code, period,"
             " received, verdict, errors, warnings, stored) VALUES"
             " (1, 'a', 'a.docx', 'a', 1, 0, 1, 'U2', '2026-11', '2026-11-20 10:00:00', 'accepted', 0, 1, 'x'),"
             " (2, 'b', 'b.docx', 'b', 1, 0, 1, 'U1', '2026-11', '2026-11-20 10:00:00', 'accepted', 0, 2, 'x'),"
             " (3, 'c', 'c.docx', 'c', 1, 0, 1, 'U1', '2026-11', '2026-11-19 10:00:00', 'accepted', 0, 1, 'x');"
             "INSERT INTO return_details(return_id, progress) VALUES (1, %s), (2, %s), (3, %s);"
             "INSERT INTO findings(return_id, seq, source, code, severity, place, message) VALUES"
             /* named by its message; the same value twice (two codes, one message) */
             " (1, 1, 'quality', 'OUTLIER_PEERS', 'warning', '表格2 第9行第2列', '「宣传册份数」过大'),"
             " (1, 2, 'quality', 'OUTLIER_HISTORY', 'warning', '表格2 第9行第2列', '「宣传册份数」过大'),"
             /* a message the caller cannot read: both fields of the cell */
             " (2, 1, 'quality', 'OUTLIER_PEERS', 'warning', '表格2 第9行第2列', '此格数字过大'),"
             " (2, 2, 'quality', 'OUTLIER_HISTORY', 'warning', '表格2 第10行第2列', '「已检查次数」过大'),"
             /* not flagged: another kind of finding, and U1's earlier return */
             " (2, 3, 'validate', 'OUTLIER_PEERS', 'warning', '表格2 第10行第2列', '「已检查次数」过大'),"
             " (3, 1, 'quality', 'OUTLIER_PEERS', 'warning', '表格2 第9行第2列', '「宣传册份数」旧')",
             progress, progress, progress);
    assert_int_equal(d25_store_exec(s, sql, &err), 0);
    flag_seen f = {0};
    assert_int_equal(d25_store_flagged_each(s, "2026-11", field_by_message, flag_add_seen, &f, &err), 0);
    assert_string_equal(f.got, "U1/brochures/此格;U1/inspections/「已;U1/posters/此格;U2/brochures/「宣;");
    assert_int_equal(f.asked, 3); /* U2's two findings are one row; U1's earlier return is not read */
    /* No reader of messages: every field at each place. */
    memset(&f, 0, sizeof f);
    assert_int_equal(d25_store_flagged_each(s, "2026-11", NULL, flag_add_seen, &f, &err), 0);
    assert_string_equal(f.got, "U1/brochures/此格;U1/inspections/「已;U1/posters/此格;U2/brochures/「宣;U2/posters/「宣;");
    memset(&f, 0, sizeof f);
    assert_int_equal(d25_store_flagged_each(s, "2026-10", field_by_message, flag_add_seen, &f, &err), 0);
    assert_string_equal(f.got, "");
    d25_store_close(s);
    char rm[128];
    snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
    assert_int_equal(system(rm), 0);
}

int run_store_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blanks_read),
        cmocka_unit_test(flagged_each),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
