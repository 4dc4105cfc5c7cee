/* package: every limit and every refusal, with the message naming file and place. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void refused(const char *name, const d25_limits *lim, d25_code code, const char *place)
{
    d25_ooxml *f = read_fixture(name, lim);
    if (f->error.code != code)
        fail_msg("%s: expected %s, got %s (%s)", name, d25_code_name(code), d25_code_name(f->error.code),
                 f->error.message);
    assert_null(f->book);
    assert_null(f->doc);
    char want[300];
    snprintf(want, sizeof want, "文件「%s」：", name);
    assert_non_null(strstr(f->error.message, want));
    if (place)
        assert_non_null(strstr(f->error.message, place));
    d25_ooxml_free(f);
}

static void test_not_packages(void **state)
{
    (void)state;
    refused("empty.xlsx", NULL, D25_E_EMPTY, NULL);
    refused("text.docx", NULL, D25_E_NOT_ZIP, NULL);
    refused("report.pdf.docx", NULL, D25_E_OTHER_FORMAT, "PDF");
    refused("page.xls", NULL, D25_E_OTHER_FORMAT, "HTML");
    refused("~$lock.docx", NULL, D25_E_LOCK_FILE, NULL);
    refused("encrypted.docx", NULL, D25_E_ENCRYPTED, "密码");
    refused("legacy.doc", NULL, D25_E_LEGACY_DOC, ".docx");
    refused("legacy.xls", NULL, D25_E_LEGACY_XLS, ".xlsx");
    refused("other.ole", NULL, D25_E_OLE, NULL);
    refused("fake.ods", NULL, D25_E_OTHER_FORMAT, "OpenDocument");
    refused("slides.pptx", NULL, D25_E_OTHER_FORMAT, "PowerPoint");
    refused("nomain.docx", NULL, D25_E_NO_MAIN_PART, NULL);
    refused("truncated.docx", NULL, D25_E_ZIP_CORRUPT, NULL);
    refused("crc.docx", NULL, D25_E_ZIP_CORRUPT, "word/document.xml");
}

static void test_inflate_limits(void **state)
{
    (void)state;
    d25_limits lim;
    d25_limits_default(&lim);
    /* defaults accept all of these */
    const char *ok[] = {"bigpart.xlsx", "entries.docx", "total.docx", "liar.docx"};
    for (size_t i = 0; i < 4; i++) {
        d25_ooxml *f = read_fixture(ok[i], &lim);
        if (f->error.code != D25_OK)
            fail_msg("%s: %s", ok[i], f->error.message);
        d25_ooxml_free(f);
    }
    d25_limits l = lim;
    l.max_part_bytes = 1 << 20;
    refused("bigpart.xlsx", &l, D25_E_PART_TOO_BIG, "word/media/pad.bin");
    /* headers claim 100 bytes; the limit is enforced on what inflates */
    refused("liar.docx", &l, D25_E_PART_TOO_BIG, "word/media/liar.bin");
    l = lim;
    l.max_ratio = 50;
    l.ratio_min_bytes = 64 << 10;
    refused("bigpart.xlsx", &l, D25_E_ZIP_RATIO, "word/media/pad.bin");
    l = lim;
    l.max_entries = 20;
    refused("entries.docx", &l, D25_E_TOO_MANY_ENTRIES, "63");
    l = lim;
    l.max_total_bytes = 1 << 20;
    refused("total.docx", &l, D25_E_TOTAL_TOO_BIG, NULL);
    l = lim;
    l.max_file_bytes = 1000;
    refused("tables.docx", &l, D25_E_FILE_TOO_BIG, NULL);
}

static void test_from_buffer(void **state)
{
    (void)state;
    FILE *fp = fopen(fixture("features.xlsx"), "rb");
    assert_non_null(fp);
    static char data[1 << 20];
    size_t n = fread(data, 1, sizeof data, fp);
    fclose(fp);
    d25_ooxml *f = d25_ooxml_read_buffer(data, n, "内存.xlsx", NULL);
    assert_int_equal(f->error.code, D25_OK);
    assert_int_equal(f->book->nsheets, 3);
    d25_ooxml_free(f);
    f = d25_ooxml_read_buffer(data, n / 3, "半个.xlsx", NULL);
    assert_int_equal(f->error.code, D25_E_ZIP_CORRUPT);
    assert_non_null(strstr(f->error.message, "半个.xlsx"));
    d25_ooxml_free(f);
}

static void test_missing_file(void **state)
{
    (void)state;
    d25_ooxml *f = d25_ooxml_read_path("/nonexistent/没有.docx", NULL);
    assert_int_equal(f->error.code, D25_E_IO);
    assert_non_null(strstr(f->error.message, "没有.docx"));
    d25_ooxml_free(f);
}

static void test_code_names_stable(void **state)
{
    (void)state;
    /* Public names (docs/errors.md): renaming one breaks scripts. */
    assert_string_equal(d25_code_name(D25_E_NOT_ZIP), "READ_NOT_ZIP");
    assert_string_equal(d25_code_name(D25_E_ENCRYPTED), "READ_ENCRYPTED");
    assert_string_equal(d25_code_name(D25_E_ZIP_RATIO), "READ_ZIP_RATIO");
    assert_string_equal(d25_code_name(D25_E_XML_DTD), "READ_XML_DTD");
    for (int c = 0; c < D25_E_COUNT_; c++) {
        assert_non_null(d25_code_name((d25_code)c));
        assert_true(strlen(d25_code_summary((d25_code)c)) > 0);
    }
}

int run_package_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_packages), cmocka_unit_test(test_inflate_limits),
        cmocka_unit_test(test_from_buffer),  cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_code_names_stable),
    };
    return cmocka_run_group_tests_name("package", tests, NULL, NULL);
}
