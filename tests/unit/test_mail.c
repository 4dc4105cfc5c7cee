/* mail: saved mails written by Python's email package (make_fixtures.py).
 *
 * Each fixture mail NAME.eml has a sidecar NAME.json written by the same
 * script: the receipt time it computed from a datetime, and each
 * attachment's name, length and SHA-256.  The names are also spelt out
 * here, as a person reads them off the fixture script. */
#include "helpers.h"
#include "ingest/mail.h"

#include <jansson.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static d25_mail *read_mail(const char *name, const d25_mail_limits *lim)
{
    d25_error err = {0};
    d25_mail *m = d25_mail_read(fixture(name), lim, &err);
    if (!m)
        fail_msg("%s: %s %s", name, d25_code_name(err.code), err.message);
    return m;
}

static void sha256_hex(const unsigned char *data, size_t len, char out[65])
{
    struct sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    sha256_update(&h, len, data);
    sha256_digest(&h, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Compare a mail with its sidecar: time, its header, subject, and every
 * attachment's name, length and checksum.  Refused attachments (data NULL)
 * are skipped for bytes. */
static void check_sidecar(const char *stem, const d25_mail *m)
{
    char name[128];
    snprintf(name, sizeof name, "%s.json", stem);
    json_error_t jerr;
    json_t *side = json_load_file(fixture(name), 0, &jerr);
    if (!side)
        fail_msg("%s: %s", name, jerr.text);
    json_t *rec = json_object_get(side, "received");
    if (json_is_null(rec)) {
        assert_true(m->received == (time_t)-1);
        assert_null(m->received_from);
    } else {
        assert_int_equal((long long)m->received, json_integer_value(rec));
        assert_string_equal(m->received_from, json_string_value(json_object_get(side, "received_from")));
    }
    assert_string_equal(m->subject, json_string_value(json_object_get(side, "subject")));
    json_t *parts = json_object_get(side, "parts");
    assert_int_equal(m->nparts, json_array_size(parts));
    for (size_t i = 0; i < m->nparts; i++) {
        json_t *p = json_array_get(parts, i);
        assert_string_equal(m->parts[i].name, json_string_value(json_object_get(p, "name")));
        if (!m->parts[i].data)
            continue;
        assert_int_equal(m->parts[i].len, json_integer_value(json_object_get(p, "len")));
        char hex[65];
        sha256_hex(m->parts[i].data, m->parts[i].len, hex);
        assert_string_equal(hex, json_string_value(json_object_get(p, "sha256")));
        assert_int_equal(m->parts[i].error.code, D25_OK);
    }
    json_decref(side);
}

static d25_mail *checked(const char *stem, const d25_mail_limits *lim)
{
    char name[128];
    snprintf(name, sizeof name, "%s.eml", stem);
    d25_mail *m = read_mail(name, lim);
    check_sidecar(stem, m);
    return m;
}

static void test_gb2312_received(void **state)
{
    (void)state;
    d25_mail *m = checked("mail_gb2312", NULL);
    assert_int_equal(m->nparts, 1);
    assert_string_equal(m->parts[0].name, "实验小学11月安全报表.docx");
    /* Topmost Received: Mon, 23 Nov 2026 09:15:02 +0800 = 01:15:02 UTC,
     * not the hop below it (09:14:58) nor Date (20 Nov). */
    assert_int_equal((long long)m->received, 1795396502LL);
    struct tm tm;
    gmtime_r(&m->received, &tm);
    assert_int_equal(tm.tm_year + 1900, 2026);
    assert_int_equal(tm.tm_mon + 1, 11);
    assert_int_equal(tm.tm_mday, 23);
    assert_int_equal(tm.tm_hour, 1);
    assert_int_equal(tm.tm_min, 15);
    assert_int_equal(tm.tm_sec, 2);
    assert_string_equal(m->received_from, "Received");
    assert_string_equal(m->subject, "实验小学11月安全月报");
    assert_string_equal(m->from, "实验小学 <syxx@school.example>");
    assert_false(m->truncated);
    /* It is the docx Python attached: the readers take it. */
    assert_true(m->parts[0].len > 4 && memcmp(m->parts[0].data, "PK\3\4", 4) == 0);
    d25_mail_free(m);
}

static void test_alternative_qp_rfc2231_gb18030(void **state)
{
    (void)state;
    d25_mail *m = checked("mail_alternative", NULL);
    assert_int_equal(m->nparts, 3); /* the two bodies of multipart/alternative have no names */
    assert_string_equal(m->parts[0].name, "第二中学隐患排查.xlsx");
    assert_string_equal(m->parts[1].name, "说明.txt");
    assert_string_equal(m->parts[2].name, "幼儿园月报.xlsx");
    assert_string_equal(m->received_from, "Received");
    d25_mail_free(m);
}

static void test_rfc2231_continuations(void **state)
{
    (void)state;
    d25_mail *m = checked("mail_rfc2231", NULL);
    assert_int_equal(m->nparts, 1);
    assert_string_equal(m->parts[0].name, "第三小学安全检查表（11月）.docx");
    assert_string_equal(m->received_from, "Date"); /* no Received header */
    d25_mail_free(m);
}

static void test_forwarded(void **state)
{
    (void)state;
    d25_mail *m = checked("mail_forward", NULL);
    /* The forwarded mail's attachment, then the outer one; the .eml part
     * itself is not an attachment. */
    assert_int_equal(m->nparts, 2);
    assert_string_equal(m->parts[0].name, "中心小学报表.docx");
    assert_string_equal(m->parts[1].name, "outer.xlsx");
    /* The outer Received (23:59:59 -0500 = 04:59:59 UTC the next day), not
     * the forwarded mail's. */
    assert_int_equal((long long)m->received, 1795669199LL);
    d25_mail_free(m);

    d25_mail_limits lim = {.max_parts = 1};
    m = read_mail("mail_forward.eml", &lim);
    assert_int_equal(m->nparts, 1);
    assert_string_equal(m->parts[0].name, "中心小学报表.docx");
    assert_true(m->truncated);
    d25_mail_free(m);
}

static void test_date_only_raw_gbk(void **state)
{
    (void)state;
    d25_mail *m = checked("mail_dateonly", NULL);
    assert_string_equal(m->received_from, "Date");
    assert_string_equal(m->parts[0].name, "区直学校报表.docx"); /* raw GBK bytes in the header */
    assert_string_equal(m->parts[1].name, "logo.png");         /* inline, with a name */
    assert_string_equal(m->subject, "原始GBK主题");
    assert_string_equal(m->from, "区直 <q@z.example>");
    d25_mail_free(m);

    m = checked("mail_nodate", NULL);
    assert_true(m->received == (time_t)-1);
    assert_null(m->received_from);
    assert_int_equal(m->nparts, 0);
    d25_mail_free(m);
}

static void test_names_cleaned(void **state)
{
    (void)state;
    d25_mail *m = checked("mail_paths", NULL);
    assert_int_equal(m->nparts, 5);
    assert_string_equal(m->parts[0].name, "x.docx");    /* ../../etc/x.docx */
    assert_string_equal(m->parts[1].name, "abc.docx");  /* control characters and U+202E removed */
    assert_string_equal(m->parts[2].name, "附件3");     /* ".." */
    assert_string_equal(m->parts[3].name, "密码.docx"); /* a path inside a GBK encoded word */
    assert_string_equal(m->parts[4].name, "报表.xlsx"); /* C:\Users\张三\Desktop\报表.xlsx, RFC 2231 */
    for (size_t i = 0; i < m->nparts; i++) {
        assert_null(strchr(m->parts[i].name, '/'));
        assert_null(strchr(m->parts[i].name, '\\'));
    }
    d25_mail_free(m);
}

static void test_attachment_limit(void **state)
{
    (void)state;
    d25_mail_limits lim = {.max_part_bytes = 100000};
    d25_mail *m = checked("mail_big", &lim);
    assert_int_equal(m->nparts, 2);
    assert_string_equal(m->parts[0].name, "small.docx");
    assert_int_equal(m->parts[0].len, 5);
    assert_string_equal(m->parts[1].name, "big.xlsx");
    assert_null(m->parts[1].data);
    assert_int_equal(m->parts[1].len, 0);
    assert_int_equal(m->parts[1].error.code, D25_E_FILE_TOO_BIG);
    assert_non_null(strstr(m->parts[1].error.message, "邮件「mail_big.eml」中的附件「big.xlsx」"));
    assert_non_null(strstr(m->parts[1].error.message, "100000"));
    d25_mail_free(m);

    /* Exactly at the limit is accepted. */
    lim.max_part_bytes = 300000;
    m = checked("mail_big", &lim);
    assert_int_equal(m->parts[1].len, 300000);
    d25_mail_free(m);
}

static void refused(const char *name, const d25_mail_limits *lim, d25_code code, const char *needle)
{
    d25_error err = {0};
    d25_mail *m = d25_mail_read(fixture(name), lim, &err);
    if (m)
        fail_msg("%s: read as a mail", name);
    if (err.code != code)
        fail_msg("%s: expected %s, got %s (%s)", name, d25_code_name(code), d25_code_name(err.code), err.message);
    char want[200];
    snprintf(want, sizeof want, "邮件「%s」：", name);
    assert_non_null(strstr(err.message, want));
    if (needle)
        assert_non_null(strstr(err.message, needle));
}

static void test_refused(void **state)
{
    (void)state;
    refused("mail_garbage.eml", NULL, D25_E_OTHER_FORMAT, ".eml");
    refused("mail_text.eml", NULL, D25_E_OTHER_FORMAT, "邮件头");
    refused("mail_empty.eml", NULL, D25_E_EMPTY, NULL);
    refused("tables.docx", NULL, D25_E_OTHER_FORMAT, NULL);
    refused("no-such-mail.eml", NULL, D25_E_IO, NULL);
    d25_mail_limits lim = {.max_bytes = 1000};
    refused("mail_gb2312.eml", &lim, D25_E_FILE_TOO_BIG, "1000");
    d25_error err = {0};
    assert_null(d25_mail_read(fixture(""), NULL, &err)); /* a folder */
    assert_int_equal(err.code, D25_E_IO);

    /* 4 bytes a header, some hundred bytes each in GMime: refused before parsing. */
    static const char head[] = "Date: Mon, 23 Nov 2026 09:15:02 +0800\n";
    size_t n = 200001, len = sizeof head - 1 + 4 * n;
    char *bomb = malloc(len);
    assert_non_null(bomb);
    memcpy(bomb, head, sizeof head - 1);
    for (size_t i = 0; i < n; i++)
        memcpy(bomb + sizeof head - 1 + 4 * i, "X:y\n", 4);
    d25_error_clear(&err);
    assert_null(d25_mail_read_buffer(bomb, len, "bomb.eml", NULL, &err));
    assert_int_equal(err.code, D25_E_TOO_MANY_ENTRIES);
    assert_non_null(strstr(err.message, "邮件「bomb.eml」："));
    /* one header fewer is read */
    d25_error_clear(&err);
    d25_mail *m = d25_mail_read_buffer(bomb, len - 8, "bomb.eml", NULL, &err);
    assert_non_null(m);
    assert_int_equal((long long)m->received, 1795396502LL);
    d25_mail_free(m);
    free(bomb);
}

static void test_buffer_and_sniff(void **state)
{
    (void)state;
    static const char mbox[] = "From MAILER-DAEMON Mon Nov 23 09:15:02 2026\n"
                               "Received: from a by b; Mon, 23 Nov 2026 09:15:02 +0800\n"
                               "Subject: =?GBK?B?1MKx?= =?GBK?B?qA==?=\n" /* 月报, cut inside 报 */
                               "Content-Type: multipart/mixed; boundary=x\n\n"
                               "--x\nContent-Type: application/octet-stream\n"
                               "Content-Disposition: attachment; filename=a.xlsx\n"
                               "Content-Transfer-Encoding: base64\n\nUEsDBA==\n--x--\n";
    assert_true(d25_mail_looks_like((const unsigned char *)mbox, sizeof mbox - 1));
    d25_error err = {0};
    d25_mail *m = d25_mail_read_buffer(mbox, sizeof mbox - 1, "dir/收件.eml", NULL, &err);
    assert_non_null(m);
    assert_int_equal((long long)m->received, 1795396502LL);
    assert_string_equal(m->subject, "月报");
    assert_int_equal(m->nparts, 1);
    assert_string_equal(m->parts[0].name, "a.xlsx");
    assert_int_equal(m->parts[0].len, 4);
    assert_memory_equal(m->parts[0].data, "PK\3\4", 4);
    d25_mail_free(m);

    static const struct {
        const char *text;
        bool mail;
    } cases[] = {
        {"Date: Mon, 23 Nov 2026 09:15:02 +0800\r\nFrom: a@b\r\n\r\nx", true},
        {"\xEF\xBB\xBFSubject: x\n\nbody", true},
        {"X-Custom : 1\nMessage-ID: <a@b>\n", true},
        /* MHTML saved by Word/Excel: MIME, but no mail field */
        {"MIME-Version: 1.0\nContent-Type: multipart/related; boundary=b\n\n--b\n", false},
        {"PK\3\4\x14\0\0\0", false},
        {"", false},
        {" Subject: starts with a continuation\n", false},
        {"这不是邮件\nSubject: x\n", false},
        {"Subject x\n", false},
        {"key: value\nother: 2\n", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (d25_mail_looks_like((const unsigned char *)cases[i].text, strlen(cases[i].text)) != cases[i].mail)
            fail_msg("looks_like(%zu: %s) should be %d", i, cases[i].text, cases[i].mail);
    assert_false(d25_mail_looks_like(NULL, 0));

    /* 300 KB of characters base64 skips between two halves of the data:
     * the filter yields nothing for many reads, and the data is whole. */
    static const char top[] = "Subject: gap\nContent-Type: multipart/mixed; boundary=x\n\n--x\n"
                              "Content-Disposition: attachment; filename=gap.docx\n"
                              "Content-Transfer-Encoding: base64\n\nUEsD\n";
    static const char tail[] = "BA==\n--x--\n";
    size_t gap = 300000, glen = sizeof top - 1 + gap + sizeof tail - 1;
    char *gapped = malloc(glen);
    assert_non_null(gapped);
    memcpy(gapped, top, sizeof top - 1);
    for (size_t i = 0; i < gap; i++)
        gapped[sizeof top - 1 + i] = i % 77 == 76 ? '\n' : '!';
    memcpy(gapped + sizeof top - 1 + gap, tail, sizeof tail - 1);
    m = d25_mail_read_buffer(gapped, glen, "gap.eml", NULL, &err);
    free(gapped);
    assert_non_null(m);
    assert_int_equal(m->nparts, 1);
    assert_int_equal(m->parts[0].error.code, D25_OK);
    assert_int_equal(m->parts[0].len, 4);
    assert_memory_equal(m->parts[0].data, "PK\3\4", 4);
    d25_mail_free(m);

    /* The buffer is not read past len. */
    char *cut = malloc(8);
    memcpy(cut, "Subject:", 8);
    assert_true(d25_mail_looks_like((const unsigned char *)cut, 8));
    free(cut);
}

/* The ingest pipeline reads on worker threads: four read at once, the
 * first of them starting GMime (this group runs first of the mail tests). */
static char thread_paths[5][1024];

static void *read_many(void *arg)
{
    size_t *bad = arg;
    for (int round = 0; round < 10; round++)
        for (size_t i = 0; i < 5; i++) {
            d25_error err = {0};
            d25_mail *m = d25_mail_read(thread_paths[i], NULL, &err);
            if (!m || !m->nparts || m->received == (time_t)-1)
                (*bad)++;
            d25_mail_free(m);
        }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    static const char *const names[] = {"mail_gb2312.eml", "mail_alternative.eml", "mail_forward.eml",
                                        "mail_dateonly.eml", "mail_paths.eml"};
    for (size_t i = 0; i < 5; i++) /* fixture() is not for threads */
        snprintf(thread_paths[i], sizeof thread_paths[i], "%s", fixture(names[i]));
    pthread_t t[4];
    size_t bad[4] = {0};
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, read_many, &bad[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(bad[i], 0);
    }
}

int run_mail_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_gb2312_received),
        cmocka_unit_test(test_alternative_qp_rfc2231_gb18030),
        cmocka_unit_test(test_rfc2231_continuations),
        cmocka_unit_test(test_forwarded),
        cmocka_unit_test(test_date_only_raw_gbk),
        cmocka_unit_test(test_names_cleaned),
        cmocka_unit_test(test_attachment_limit),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_buffer_and_sniff),
    };
    return cmocka_run_group_tests_name("mail", tests, NULL, NULL);
}
