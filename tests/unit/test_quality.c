/* quality: the robust z-score, against values worked out by hand. */
#include "helpers.h"
#include "quality/quality.h"

#include <math.h>

static void test_robust_z(void **state)
{
    (void)state;
    /* median 3; absolute deviations 2 1 0 1 97 -> MAD 1; 0.6745 * 97 / 1 */
    double v1[] = {1, 2, 3, 4, 100};
    assert_true(fabs(d25_robust_z(100, v1, 5) - 65.4265) < 1e-9);
    double v2[] = {1, 2, 3, 4, 100};
    assert_true(fabs(d25_robust_z(3, v2, 5)) < 1e-12);
    /* even count: median (2 + 3) / 2 = 2.5; deviations 1.5 0.5 0.5 7.5 -> MAD 1 */
    double v3[] = {10, 1, 3, 2};
    assert_true(fabs(d25_robust_z(1, v3, 4) - (-1.01175)) < 1e-9);
    /* MAD 0: median 5, mean absolute deviation 4 / 5 = 0.8; 4 / (1.253314 * 0.8) */
    double v4[] = {5, 5, 5, 5, 9};
    assert_true(fabs(d25_robust_z(9, v4, 5) - 4 / (1.253314 * 0.8)) < 1e-9);
    /* no spread at all: no score */
    double v5[] = {7, 7, 7};
    assert_true(d25_robust_z(7, v5, 3) == 0);
    assert_true(d25_robust_z(7, v5, 0) == 0);
}

int run_quality_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_robust_z),
    };
    return cmocka_run_group_tests_name("quality", tests, NULL, NULL);
}
