/* config: sizes, the [reader] section, and errors that name file, key and line. */
#include "helpers.h"
#include "config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_sizes(void **state)
{
    (void)state;
    size_t n;
    assert_true(d25_parse_size("64M", &n));
    assert_int_equal(n, 64u << 20);
    assert_true(d25_parse_size(" 10000 ", &n));
    assert_int_equal(n, 10000);
    assert_true(d25_parse_size("1G", &n));
    assert_int_equal(n, 1u << 30);
    assert_true(d25_parse_size("512kb", &n));
    assert_int_equal(n, 512u << 10);
    assert_false(d25_parse_size("0", &n));
    assert_false(d25_parse_size("-5", &n));
    assert_false(d25_parse_size("abc", &n));
    assert_false(d25_parse_size("5X", &n));
}

static char *write_ini(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/d25-test-%d.ini", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_reader_section(void **state)
{
    (void)state;
    d25_config cfg;
    d25_error err = {0};
    d25_config_defaults(&cfg);
    char *p = write_ini("[reader]\nmax_entries = 77\nmax_text_bytes = 2M\n");
    assert_int_equal(d25_config_load(&cfg, p, &err), 0);
    assert_int_equal(cfg.limits.max_entries, 77);
    assert_int_equal(cfg.limits.max_text_bytes, 2u << 20);
    assert_int_equal(cfg.limits.max_xml_depth, 128); /* default kept */
    d25_config_free(&cfg);
    unlink(p);
}

static void test_bad_settings(void **state)
{
    (void)state;
    d25_config cfg;
    d25_error err = {0};
    d25_config_defaults(&cfg);
    char *p = write_ini("; comment\n[reader]\nmax_entries = 77\nmax_ratio = lots\n");
    assert_int_equal(d25_config_load(&cfg, p, &err), -1);
    assert_int_equal(err.code, D25_E_CONFIG);
    assert_non_null(strstr(err.message, p));
    assert_non_null(strstr(err.message, "max_ratio"));
    assert_non_null(strstr(err.message, "第 4 行"));
    d25_config_free(&cfg);
    d25_error_clear(&err);
    d25_config_defaults(&cfg);
    p = write_ini("[reader]\nmax_entrys = 5\n");
    assert_int_equal(d25_config_load(&cfg, p, &err), -1);
    assert_non_null(strstr(err.message, "max_entrys"));
    assert_non_null(strstr(err.message, "第 2 行"));
    d25_config_free(&cfg);
    d25_error_clear(&err);
    d25_config_defaults(&cfg);
    assert_int_equal(d25_config_load(&cfg, "/nonexistent/duty25.ini", &err), -1);
    assert_int_equal(err.code, D25_E_CONFIG);
    d25_config_free(&cfg);
    unlink(p);
}

static void test_store_quality_sections(void **state)
{
    (void)state;
    d25_config cfg;
    d25_error err = {0};
    d25_config_defaults(&cfg);
    /* A copied file's mtime is not when it arrived: the time first seen is the default. */
    assert_int_equal(cfg.received_from, D25_RECEIVED_SEEN);
    assert_int_equal(cfg.same_time_min, 5);
    assert_int_equal(cfg.counts, D25_COUNTS_CUMULATIVE);
    char *p = write_ini("[store]\ndatabase = db/x.db\nreceived_time = mtime\nsame_time_min = 12\nlock_wait = 2.5\n"
                        "[quality]\ncounts = monthly\noutlier_z = 4\nmin_peers = 7\n");
    assert_int_equal(d25_config_load(&cfg, p, &err), 0);
    assert_string_equal(cfg.db_path, "/tmp/db/x.db"); /* beside the INI */
    assert_int_equal(cfg.received_from, D25_RECEIVED_MTIME);
    assert_int_equal(cfg.same_time_min, 12);
    assert_true(cfg.lock_wait == 2.5);
    assert_int_equal(cfg.counts, D25_COUNTS_MONTHLY);
    assert_true(cfg.outlier_z == 4);
    assert_int_equal(cfg.min_peers, 7);
    assert_int_equal(cfg.history_months, 4); /* default kept */
    d25_config_free(&cfg);
    static const char *const bad[][2] = {
        {"[quality]\ncounts = weekly\n", "counts"},
        {"[quality]\n\nmin_peers = 2.5\n", "min_peers"},
        {"[store]\nlock_wait = -1\n", "lock_wait"},
        {"[store]\nreceived = mtime\n", "received"},
        {"[stages]\nrectify = 2026-10-01\n", "rectify"},
        {"[enforcement]\nafter_stage = rectify\n", "[stages]"},
        {"[enforcement]\nmissing = maybe\n", "missing"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        d25_error_clear(&err);
        d25_config_defaults(&cfg);
        p = write_ini(bad[i][0]);
        assert_int_equal(d25_config_load(&cfg, p, &err), -1);
        assert_int_equal(err.code, D25_E_CONFIG);
        assert_non_null(strstr(err.message, bad[i][1]));
        assert_non_null(strstr(err.message, i == 1 ? "第 3 行" : "第 2 行"));
        d25_config_free(&cfg);
    }
    unlink(p);
}

int run_config_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_reader_section),
        cmocka_unit_test(test_bad_settings),
        cmocka_unit_test(test_store_quality_sections),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
