/* store: the progress summary's reader, on summaries written by hand in the
 * layout docs/store.md gives (field US state US value US text, the blanks
 * joined by RS). */
#include "helpers.h"
#include "store/store.h"

#include <string.h>

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

int run_store_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blanks_read),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
