/*
 * xlsx_floor: how long libxlsxwriter alone takes to write a workbook shaped
 * like the report's for N units (a sheet of N rows of a number and 8 text
 * cells, and one of N rows of 3 text cells and 21 numbers: 33 cells a
 * unit), in constant-memory mode as the report writes it, with nothing else
 * to do.  `make bench` prints it beside the report's own figures: the part
 * of the report's time that belongs to the library.
 *
 *     xlsx_floor N OUT.xlsx
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <xlsxwriter.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    long n = strtol(argv[1], NULL, 10);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lxw_workbook_options o = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argv[2], &o);
    if (!wb)
        return 1;
    lxw_worksheet *a = workbook_add_worksheet(wb, "报送情况"), *b = workbook_add_worksheet(wb, "推进情况汇总");
    char s[64];
    for (lxw_row_t r = 1; r <= (lxw_row_t)n; r++) {
        snprintf(s, sizeof s, "基准南山镇第%05u号学校", (unsigned)r);
        worksheet_write_number(a, r, 0, r, NULL);
        for (lxw_col_t c = 1; c < 9; c++)
            worksheet_write_string(a, r, c, s, NULL);
        for (lxw_col_t c = 0; c < 3; c++)
            worksheet_write_string(b, r, c, s, NULL);
        for (lxw_col_t c = 3; c < 24; c++)
            worksheet_write_number(b, r, c, (double)((r * c) % 13), NULL);
    }
    lxw_error e = workbook_close(wb);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%.3f\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return e == LXW_NO_ERROR ? 0 : 1;
}
