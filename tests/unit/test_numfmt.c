/* numfmt: number text, date formats, serial dates (expected values by hand). */
#include "helpers.h"
#include "ooxml/numfmt.h"

#include <string.h>

static void num(double v, const char *want)
{
    char out[64];
    d25_format_number(v, out, sizeof out);
    assert_string_equal(out, want);
}

static void test_shortest_numbers(void **state)
{
    (void)state;
    num(3.0, "3");
    num(-0.0, "0");
    num(0.1, "0.1");
    num(1.0 / 3.0, "0.3333333333333333");
    num(-3.5, "-3.5");
    num(1e20, "1e+20");
    num(1.5e-5, "1.5e-05");
    num(0.0001, "0.0001");
    num(123456.789, "123456.789");
    num(2.5e15, "2500000000000000");   /* integral below 1e16: Python repr gives 2500000000000000.0 */
    num(1234567.25, "1234567.25");
}

static void test_format_classes(void **state)
{
    (void)state;
    assert_int_equal(d25_numfmt_classify("General"), D25_NF_NUMBER);
    assert_int_equal(d25_numfmt_classify("0.00E+00"), D25_NF_NUMBER);
    assert_int_equal(d25_numfmt_classify("#,##0.00_ ;[Red]-#,##0.00"), D25_NF_NUMBER);
    assert_int_equal(d25_numfmt_classify("\"d\"0"), D25_NF_NUMBER);      /* quoted letter */
    assert_int_equal(d25_numfmt_classify("\\d0"), D25_NF_NUMBER);        /* escaped letter */
    assert_int_equal(d25_numfmt_classify("yyyy\"年\"m\"月\"d\"日\""), D25_NF_DATE);
    assert_int_equal(d25_numfmt_classify("[$-804]yyyy/m/d;@"), D25_NF_DATE);
    assert_int_equal(d25_numfmt_classify("h:mm AM/PM"), D25_NF_DATE);
    assert_int_equal(d25_numfmt_classify("[h]:mm:ss"), D25_NF_ELAPSED);
    assert_int_equal(d25_numfmt_classify("[Red]0.00"), D25_NF_NUMBER);
    assert_int_equal(d25_numfmt_builtin(14), D25_NF_DATE);
    assert_int_equal(d25_numfmt_builtin(22), D25_NF_DATE);
    assert_int_equal(d25_numfmt_builtin(31), D25_NF_DATE);  /* zh-CN yyyy"年"m"月"d"日" */
    assert_int_equal(d25_numfmt_builtin(57), D25_NF_DATE);
    assert_int_equal(d25_numfmt_builtin(46), D25_NF_ELAPSED);
    assert_int_equal(d25_numfmt_builtin(2), D25_NF_NUMBER);
    assert_int_equal(d25_numfmt_builtin(49), D25_NF_NUMBER);
}

static void date(double v, bool d1904, const char *want)
{
    char out[64];
    assert_true(d25_format_serial_date(v, d1904, out, sizeof out));
    assert_string_equal(out, want);
}

static void test_serial_dates(void **state)
{
    (void)state;
    date(1, false, "1900-01-01");
    date(59, false, "1900-02-28");
    date(61, false, "1900-03-01");        /* after Excel's fictitious 1900-02-29 */
    date(44378, false, "2021-07-01");     /* stage 排查整治 begins */
    date(46351, false, "2026-11-25");
    date(46351.75, false, "2026-11-25 18:00:00");
    date(0.5, false, "12:00:00");
    date(0.999999999, false, "1900-01-01"); /* rounds up to the next day, as openpyxl does */
    date(0, true, "1904-01-01");
    date(43830, true, "2024-01-01");
    char out[64];
    assert_false(d25_format_serial_date(-1, false, out, sizeof out));
    assert_false(d25_format_serial_date(3e6, false, out, sizeof out));
    d25_format_elapsed(1.5, out, sizeof out);
    assert_string_equal(out, "36:00:00");
    assert_true(d25_format_iso_date("2026-11-25T09:30:00Z", out, sizeof out));
    assert_string_equal(out, "2026-11-25 09:30:00");
    assert_true(d25_format_iso_date("2026-11-25", out, sizeof out));
    assert_string_equal(out, "2026-11-25");
}

int run_numfmt_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shortest_numbers),
        cmocka_unit_test(test_format_classes),
        cmocka_unit_test(test_serial_dates),
    };
    return cmocka_run_group_tests_name("numfmt", tests, NULL, NULL);
}
